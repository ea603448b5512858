package codeactions

import (
	"strings"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
)

// QuickFixes returns the fixes msls offers for one finding: those the rule
// attached to it, then msls's own per-code fixes.
func QuickFixes(f *dockerfile.File, fd diagnostics.Finding, ctx Context) []Action {
	var out []Action
	seen := map[string]bool{}
	// msls's own fixers come first: they know the build context (a rule's
	// attached fix with the same title is the context-free version).
	if fix, ok := fixers[fd.Code]; ok {
		for _, a := range fix(f, fd, ctx) {
			a.Kind = KindQuickFix
			seen[a.Title] = true
			out = append(out, a)
		}
	}
	for _, fx := range fd.Fixes {
		if !seen[fx.Title] {
			out = append(out, Action{Title: fx.Title, Kind: KindQuickFix, Edits: fx.Edits, Preferred: fx.Preferred, Safe: fx.Safe})
		}
	}
	return out
}

// fixers maps a finding code to its fix builder. Each lives in its own file.
var fixers = map[string]func(*dockerfile.File, diagnostics.Finding, Context) []Action{}

// instructionOf is the top-level instruction a finding points into.
func instructionOf(f *dockerfile.File, fd diagnostics.Finding) *dockerfile.Instruction {
	return f.InstructionAt(fd.Span.Start)
}

// lineStartOf is the offset of the start of the line holding off.
func lineStartOf(f *dockerfile.File, off int) int {
	start := f.Lines.LineStart(f.Lines.Line(off))
	// A byte-order mark must stay first in the file: text inserted at the
	// start of line 0 goes after it, or BuildKit reads "\ufeffFROM" as an
	// unknown instruction.
	if start == 0 && off >= 3 && len(f.Text) >= 3 && string(f.Text[:3]) == "\xEF\xBB\xBF" {
		return 3
	}
	return start
}

// blockStart is where an instruction's block starts: its first attached
// comment line, or its own line.
func blockStart(f *dockerfile.File, in *dockerfile.Instruction) int {
	if len(in.Comments) > 0 {
		return lineStartOf(f, in.Comments[0].Span.Start)
	}
	return lineStartOf(f, in.Span.Start)
}

// afterLine is the offset just past the line break that ends the line
// holding off (len(text) on the last line).
func afterLine(f *dockerfile.File, off int) int {
	i := off
	for i < len(f.Text) && f.Text[i] != '\n' {
		i++
	}
	if i < len(f.Text) {
		i++
	}
	return i
}

// indentOf is the white space before the instruction on its line.
func indentOf(f *dockerfile.File, in *dockerfile.Instruction) string {
	ls := lineStartOf(f, in.Span.Start)
	return string(f.Text[ls:in.Span.Start])
}

func eol(f *dockerfile.File) string {
	if strings.Contains(string(f.Text), "\r\n") {
		return "\r\n"
	}
	return "\n"
}

// insertBefore inserts whole lines before the instruction's block.
func insertBefore(f *dockerfile.File, in *dockerfile.Instruction, lines ...string) dockerfile.Edit {
	at := blockStart(f, in)
	ind := indentOf(f, in)
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(ind + l + eol(f))
	}
	return dockerfile.Edit{Span: dockerfile.Span{Start: at, End: at}, NewText: b.String()}
}

// insertAfter inserts whole lines after the instruction (after its last line).
func insertAfter(f *dockerfile.File, in *dockerfile.Instruction, lines ...string) dockerfile.Edit {
	at := afterLine(f, in.Span.End)
	var b strings.Builder
	if at == len(f.Text) && (len(f.Text) == 0 || f.Text[len(f.Text)-1] != '\n') {
		b.WriteString(eol(f))
	}
	for _, l := range lines {
		b.WriteString(indentOf(f, in) + l + eol(f))
	}
	return dockerfile.Edit{Span: dockerfile.Span{Start: at, End: at}, NewText: b.String()}
}
