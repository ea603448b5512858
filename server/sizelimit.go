package server

import (
	"fmt"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
)

// maxCheckedBytes is the largest document the rules run on. Past it a
// document still gets its parse (parse errors, hover, symbols, folding,
// completion), but not msls's rules nor BuildKit's checks, whose cost and
// memory grow faster than the text (a 20 MB file took 211 s and 3.46 GB, and
// as long again per keystroke). Past maxParsedBytes it is not parsed either. The largest real Dockerfile msls has seen is
// well under 100 KB; 2 MB is a generated file or not a Dockerfile at all.
const maxCheckedBytes = 2 << 20

// maxParsedBytes is the largest document that is parsed at all. The parse is
// linear but not cheap (~0.5-1 µs a byte with BuildKit's instruction parse):
// past 4 MB a document gets only the notice, and the features see a model
// with no instructions, so that opening a 20 MB file costs reading it and
// nothing more.
const maxParsedBytes = 4 << 20

// unparsed is the model of a document too large to parse: its text and
// lines, no instructions.
func unparsed(text []byte) *dockerfile.File {
	return &dockerfile.File{Text: text, Lines: dockerfile.NewLineIndex(text), EscapeToken: '\\'}
}

// TooLargeCode is the code of the diagnostic that says why a document past
// maxCheckedBytes gets no rule findings.
const TooLargeCode = "DocumentTooLarge"

// tooLargeFindings are the findings of a document past maxCheckedBytes: its
// parse errors and one diagnostic, at the top, saying why nothing else.
func tooLargeFindings(snap *Snapshot) []diagnostics.Finding {
	f := snap.File()
	size := float64(len(snap.Text)) / (1 << 20)
	msg := fmt.Sprintf("This document is %.1f MB, over msls's limit of %d MB for checking: only parse errors are reported; "+
		"the rules and BuildKit's checks are not run.", size, maxCheckedBytes>>20)
	if len(snap.Text) > maxParsedBytes {
		msg = fmt.Sprintf("This document is %.1f MB, over msls's limit of %d MB for parsing: it is not parsed nor checked, "+
			"and hover, completion, symbols and the other features have nothing to show.", size, maxParsedBytes>>20)
	}
	out := make([]diagnostics.Finding, 0, 1+len(f.Errors))
	out = append(out, diagnostics.Finding{
		Code:     TooLargeCode,
		Severity: diagnostics.SeverityInformation,
		Message:  msg,
	})
	for _, e := range f.Errors {
		out = append(out, diagnostics.Finding{Code: diagnostics.ParseErrorCode, Severity: diagnostics.SeverityError, Message: e.Message, Span: e.Span})
	}
	return out
}
