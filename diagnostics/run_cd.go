package diagnostics

import (
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// RunCdRule flags `cd` in a RUN where WORKDIR says the same thing in a way
// every later instruction (and a reader) sees.
var RunCdRule = registerRun(&Rule{
	Code:     "RunCd",
	Severity: SeverityWarning,
	Summary:  "cd in RUN: use WORKDIR to change directory",
	Aliases:  []string{"DL3003"},
}, eachCommand(checkRunCd), nil)

func checkRunCd(f *dockerfile.File, in *dockerfile.Instruction, c ecosystem.Command, out []Finding) []Finding {
	// `(cd dir && make)` and `sh -c 'cd ...'` scope the cd on purpose:
	// they run in a child shell.
	if c.Name() != "cd" || len(c.Words) < 2 || c.Subshell {
		return out
	}
	out = append(out, Finding{
		Message: "`" + shorten(c.String()) + "`: use WORKDIR " + shorten(c.Words[len(c.Words)-1].Text) + " instead of cd, so that later instructions run where this one did",
		Span:    dlCmdSpan(c),
	})
	return out
}
