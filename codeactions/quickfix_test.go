package codeactions

import (
	"testing"

	"github.com/msls-dev/msls/diagnostics"
)

// What the registry says a rule's fixes are and what QuickFixes offers
// agree: every rule declaring FixOnRequest has a fixer here, and every
// fixer here belongs to such a rule (RegisterFixer refuses the others).
func TestFixDeclarations(t *testing.T) {
	for _, r := range diagnostics.Rules() {
		has := fixers[r.Code] != nil
		if wants := r.Fix&diagnostics.FixOnRequest != 0; wants != has {
			t.Errorf("%s: declares FixOnRequest %v, has a fixer %v", r.Code, wants, has)
		}
	}
	for code := range fixers {
		if diagnostics.RuleByCode(code) == nil {
			t.Errorf("fixer for unknown rule %s", code)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("RegisterFixer accepted a rule that does not declare FixOnRequest")
		}
	}()
	RegisterFixer(diagnostics.AptNoCleanupRule, nil)
}
