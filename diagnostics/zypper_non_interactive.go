package diagnostics

import (
	"fmt"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/ecosystem"
)

// ZypperNonInteractiveRule flags: zypper install/remove/patch without -n (--non-interactive) or -y stops at its prompt.
var ZypperNonInteractiveRule = register(&Rule{
	Code:     "ZypperNonInteractive",
	Severity: SeverityWarning,
	Summary:  "zypper install/remove/patch without -n (--non-interactive) or -y stops at its prompt",
	Aliases:  []string{"DL3034"},
	Fix:      FixAttached,
	Check:    checkZypperNonInteractive,
})

func checkZypperNonInteractive(f *dockerfile.File) []Finding {
	var out []Finding
	dlCommands(f, func(in *dockerfile.Instruction, c ecosystem.Command) {
		if c.Name() != "zypper" || c.HasOption("-n", "--non-interactive", "-y", "--no-confirm") {
			return
		}
		p := splitPkgCommand(c, zypperValueOpts...)
		if !dlIn(p.Sub, "install", "in", "remove", "rm", "source-install", "si", "patch") {
			return
		}
		out = append(out, Finding{
			Message: fmt.Sprintf("`%s` asks for confirmation, which a build cannot give: add -n (zypper -n %s ...)", shorten(c.String()), p.Sub),
			Span:    dlCmdSpan(c),
			// Safe: a build that passed never reached the prompt.
			Fixes: dlInsertAfter(f, in, c.Words[0], "Add -n", " -n", true),
		})
	})
	return out
}
