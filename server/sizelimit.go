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
// as long again per keystroke). The largest real Dockerfile msls has seen is
// well under 100 KB; 2 MB is a generated file or not a Dockerfile at all.
const maxCheckedBytes = 2 << 20

// TooLargeCode is the code of the diagnostic that says why a document past
// maxCheckedBytes gets no rule findings.
const TooLargeCode = "DocumentTooLarge"

// tooLargeFindings are the findings of a document past maxCheckedBytes: its
// parse errors and one diagnostic, at the top, saying why nothing else.
func tooLargeFindings(snap *Snapshot) []diagnostics.Finding {
	f := snap.File()
	out := make([]diagnostics.Finding, 0, 1+len(f.Errors))
	out = append(out, diagnostics.Finding{
		Code:     TooLargeCode,
		Severity: diagnostics.SeverityInformation,
		Message: fmt.Sprintf("This document is %.1f MB, over msls's limit of %d MB: only parse errors are reported; "+
			"the rules and BuildKit's checks are not run.", float64(len(snap.Text))/(1<<20), maxCheckedBytes>>20),
		Span: dockerfile.Span{},
	})
	for _, e := range f.Errors {
		out = append(out, diagnostics.Finding{Code: diagnostics.ParseErrorCode, Severity: diagnostics.SeverityError, Message: e.Message, Span: e.Span})
	}
	return out
}
