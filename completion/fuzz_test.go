package completion_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/msls-dev/msls/completion"
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/corpustest"
)

// completionSeeds are half-typed buffers, the input completion really sees.
var completionSeeds = []string{
	"",
	"F",
	"FROM ",
	"FROM alpine AS base\nFROM ",
	"FROM alpine AS base\nCOPY --from=",
	"FROM alpine AS base\nCOPY --from=b",
	"FROM a\nRUN --mount=type=cache,",
	"FROM a\nRUN --mount=type=cache,target=/x,sharing=",
	"FROM a\nRUN --",
	"ARG V=1\nFROM a:${",
	"ARG V=1\nFROM a\nARG V\nRUN echo $",
	"ARG V=1\nFROM a\nRUN echo ${V:-",
	"# ",
	"# syntax=",
	"# escape=`\nFROM a\nRUN `\n  ",
	"FROM a\nRUN <<EOF\necho $",
	"FROM a\nONBUILD ",
	"FROM a\nHEALTHCHECK --interval=5s CMD ",
	"\xef\xbb\xbfFROM a\r\nCOPY --ch\r\n",
	"FROM a\nCOPY --chown=\xf0\x9f\x90\xb3 ",
	"FROM a\nRUN echo \\\n  --",
	"FROM a\nEXPOSE 80/",
	"FROM --platform=",
	"FROM a\nSHELL [\"",
	"FROM a\nADD --checksum=",
}

// maxOffsets bounds the offsets tried per input so one execution stays cheap.
const maxOffsets = 600

// FuzzComplete asks for completion at every offset and checks what LSP
// requires of the items: a text edit on a single line that contains the
// cursor, and additional edits that do not overlap it.
func FuzzComplete(f *testing.F) {
	for _, s := range completionSeeds {
		f.Add([]byte(s))
	}
	for _, b := range corpustest.Seeds(1) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		file := dockerfile.Parse(text)
		step := 1 + len(text)/maxOffsets
		for off := 0; off <= len(text); off += step {
			checkCompletion(t, file, off)
		}
		checkCompletion(t, file, len(text))
		checkCompletion(t, file, -1)
		checkCompletion(t, file, len(text)+1)
	})
}

func checkCompletion(t *testing.T, f *dockerfile.File, off int) {
	t.Helper()
	text := f.Text
	items := completion.Complete(f, off, completion.Options{Snippets: off%2 == 0})
	// The cursor as the client sees it: clamped, and never inside "\r\n".
	cur := min(max(off, 0), len(text))
	if cur > 0 && cur < len(text) && text[cur-1] == '\r' && text[cur] == '\n' {
		cur--
	}
	for _, it := range items {
		e := it.Edit.Span
		if it.Label == "" {
			t.Fatalf("offset %d: item without a label: %+v\ninput %q", off, it, text)
		}
		if e.Start < 0 || e.End > len(text) || e.Start > e.End {
			t.Fatalf("offset %d: %q edit %v outside the text [0,%d]\ninput %q", off, it.Label, e, len(text), text)
		}
		if e.Start > cur || e.End < cur {
			t.Fatalf("offset %d: %q edit %v does not contain the cursor %d\ninput %q", off, it.Label, e, cur, text)
		}
		if bytes.IndexByte(text[e.Start:e.End], '\n') >= 0 {
			t.Fatalf("offset %d: %q edit %v spans lines\ninput %q", off, it.Label, e, text)
		}
		all := append([]dockerfile.Edit{it.Edit}, it.AdditionalEdits...)
		out, err := corpustest.ApplyEdits(text, all)
		if err != nil {
			t.Fatalf("offset %d: %q: %v\ninput %q", off, it.Label, err, text)
		}
		if !it.Snippet && !strings.Contains(it.Edit.NewText, "$") {
			dockerfile.Parse(out)
		}
	}
}
