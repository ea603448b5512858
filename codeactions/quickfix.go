package codeactions

import (
	"strings"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
)

// QuickFixes returns the fixes msls offers for one finding, as its rule
// declares them (diagnostics.Rule.Fix): the fixer registered for the rule
// here, then the fixes the rule attached to the finding.
func QuickFixes(f *dockerfile.File, fd diagnostics.Finding, ctx Context) []Action {
	r := diagnostics.RuleByCode(fd.Code)
	if r == nil {
		return nil
	}
	var out []Action
	seen := map[string]bool{}
	// The registered fixer comes first: it knows the build context (an
	// attached fix with the same title is the context-free version).
	if fix := fixers[r.Code]; fix != nil && r.Fix&diagnostics.FixOnRequest != 0 {
		for _, a := range fix(f, fd, ctx) {
			a.Kind = KindQuickFix
			seen[a.Title] = true
			out = append(out, a)
		}
	}
	if r.Fix&diagnostics.FixAttached != 0 {
		for _, fx := range fd.Fixes {
			if !seen[fx.Title] {
				out = append(out, Action{Title: fx.Title, Kind: KindQuickFix, Edits: fx.Edits, Preferred: fx.Preferred, Safe: fx.Safe})
			}
		}
	}
	return out
}

// SafeFix is the fix `msls fix` and source.fixAll apply to a finding: its
// first safe quick fix that edits something. ok is false when there is none,
// which is what `msls check --format json` reports as "fixable": false.
func SafeFix(f *dockerfile.File, fd diagnostics.Finding, ctx Context) (Action, bool) {
	for _, a := range QuickFixes(f, fd, ctx) {
		if a.Safe && len(a.Edits) > 0 {
			return a, true
		}
	}
	return Action{}, false
}

// Fixer computes the quick fixes of one finding of a rule that declares
// diagnostics.FixOnRequest. ctx is nil when the build context is unknown.
type Fixer func(f *dockerfile.File, fd diagnostics.Finding, ctx Context) []Action

// fixers maps a rule code to its fixer. Each lives in its own file.
var fixers = map[string]Fixer{}

// RegisterFixer makes fix the fixer of rule; call it from init(). The rule
// must declare FixOnRequest, so that what the registry says about a rule
// ("fixable") and what is offered cannot disagree.
func RegisterFixer(rule *diagnostics.Rule, fix Fixer) {
	switch {
	case rule == nil:
		panic("codeactions: fixer for an unregistered rule")
	case rule.Fix&diagnostics.FixOnRequest == 0:
		panic("codeactions: rule " + rule.Code + " does not declare FixOnRequest")
	case fixers[rule.Code] != nil:
		panic("codeactions: two fixers for " + rule.Code)
	}
	fixers[rule.Code] = fix
}

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
