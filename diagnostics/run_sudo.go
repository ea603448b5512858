package diagnostics

import (
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// RunSudoRule flags sudo in a RUN.
var RunSudoRule = registerRun(&Rule{
	Code:     "RunSudo",
	Severity: SeverityError,
	Summary:  "sudo in RUN: switch users with USER (or gosu/su-exec at run time)",
	Aliases:  []string{"DL3004"},
}, eachCommand(checkRunSudo), nil)

func checkRunSudo(f *dockerfile.File, in *dockerfile.Instruction, c ecosystem.Command, out []Finding) []Finding {
	words := c.Prefix
	if c.Name() == "sudo" {
		words = c.Words[:1] // the exec form keeps wrappers in Words
	}
	for _, w := range words {
		if w.Text == "sudo" || w.Text == "/usr/bin/sudo" {
			out = append(out, Finding{
				Message: "sudo in a build has unpredictable TTY and signal behaviour and needs sudo installed: run the step as root with USER root (and USER back afterwards)",
				Span:    dlWordSpan(w),
			})
		}
	}
	return out
}
