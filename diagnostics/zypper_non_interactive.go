package diagnostics

import (
	"fmt"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// ZypperNonInteractiveRule flags: zypper install/remove/patch without -n (--non-interactive) or -y stops at its prompt.
var ZypperNonInteractiveRule = registerRun(&Rule{
	Code:     "ZypperNonInteractive",
	Severity: SeverityWarning,
	Summary:  "zypper install/remove/patch without -n (--non-interactive) or -y stops at its prompt",
	Aliases:  []string{"DL3034"},
	Fix:      FixAttached,
}, eachCommand(checkZypperNonInteractive), nil)

func checkZypperNonInteractive(f *dockerfile.File, in *dockerfile.Instruction, c ecosystem.Command, out []Finding) []Finding {
	if c.Name() != "zypper" || c.HasOption("-n", "--non-interactive", "-y", "--no-confirm") {
		return out
	}
	p := splitPkgCommand(c, zypperValueOpts...)
	if !dlIn(p.Sub, "install", "in", "remove", "rm", "source-install", "si", "patch") {
		return out
	}
	out = append(out, Finding{
		Message: fmt.Sprintf("`%s` asks for confirmation, which a build cannot give: add -n (zypper -n %s ...)", shorten(c.String()), p.Sub),
		Span:    dlCmdSpan(c),
		// Safe: a build that passed never reached the prompt.
		Fixes: dlInsertAfter(f, in, c.Words[0], "Add -n", " -n", true),
	})
	return out
}
