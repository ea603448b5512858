package codeactions

import (
	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
)

// FixAllTitle is the title of the source.fixAll action.
const FixAllTitle = "Fix all auto-fixable msls problems"

// maxFixRounds bounds the fix-recheck loop: a fix may reveal another
// finding (or, by a bug, undo another); the loop stops either way.
const maxFixRounds = 8

// FixAllText applies every safe fix, re-parsing and re-checking between
// rounds, and returns the final text and how many fixes were applied.
// check computes the findings of a text (diagnostics.Check when nil).
func FixAllText(text []byte, ctx Context, check func(*dockerfile.File) []diagnostics.Finding) ([]byte, int) {
	if check == nil {
		check = diagnostics.Check
	}
	applied := 0
	for round := 0; round < maxFixRounds; round++ {
		f := dockerfile.Parse(text)
		var edits []dockerfile.Edit
		taken := []dockerfile.Span{}
		for _, fd := range check(f) {
			for _, a := range QuickFixes(f, fd, ctx) {
				// the safe fixes SafeFix looks at; when the first overlaps a
				// fix taken this round, a later one may not
				if !a.Safe || len(a.Edits) == 0 || overlapsAny(a.Edits, taken) {
					continue
				}
				edits = append(edits, a.Edits...)
				for _, e := range a.Edits {
					taken = append(taken, e.Span)
				}
				applied++
				break
			}
		}
		if len(edits) == 0 {
			break
		}
		out, err := Apply(text, edits)
		if err != nil {
			break
		}
		text = out
	}
	return text, applied
}

func overlapsAny(es []dockerfile.Edit, taken []dockerfile.Span) bool {
	for _, e := range es {
		for _, t := range taken {
			// Insertions at the same offset are ordered ambiguously: treat
			// touching spans as overlapping too.
			if e.Span.Start <= t.End && t.Start <= e.Span.End {
				return true
			}
		}
	}
	return false
}

// FixAll gathers every safe fix into one action whose single edit replaces
// the changed region of the file.
func FixAll(f *dockerfile.File, findings []diagnostics.Finding, ctx Context) (Action, bool) {
	any := false
	for _, fd := range findings {
		if _, ok := SafeFix(f, fd, ctx); ok {
			any = true
		}
	}
	if !any {
		return Action{}, false
	}
	out, n := FixAllText(f.Text, ctx, nil)
	if n == 0 {
		return Action{}, false
	}
	return Action{Title: FixAllTitle, Kind: KindFixAllMsls, Edits: []dockerfile.Edit{minimalEdit(f.Text, out)}, Safe: true}, true
}

// minimalEdit is one edit turning a into b, trimmed to the changed middle.
func minimalEdit(a, b []byte) dockerfile.Edit {
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	for p > 0 && (p < len(a) && a[p]&0xC0 == 0x80 || p < len(b) && b[p]&0xC0 == 0x80) {
		p-- // keep whole UTF-8 sequences inside the edit
	}
	s := 0
	for s < len(a)-p && s < len(b)-p && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	for s > 0 && (a[len(a)-s]&0xC0 == 0x80 || b[len(b)-s]&0xC0 == 0x80) {
		s--
	}
	return dockerfile.Edit{Span: dockerfile.Span{Start: p, End: len(a) - s}, NewText: string(b[p : len(b)-s])}
}
