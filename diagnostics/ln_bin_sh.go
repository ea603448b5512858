package diagnostics

import (
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// LnBinShRule flags `ln ... /bin/sh`: replacing the image's /bin/sh to
// change RUN's shell, where SHELL says it.
var LnBinShRule = registerRun(&Rule{
	Code:     "LnBinSh",
	Severity: SeverityWarning,
	Summary:  "ln over /bin/sh to change the shell: use SHELL",
	Aliases:  []string{"DL4005"},
}, eachCommand(checkLnBinSh), nil)

func checkLnBinSh(f *dockerfile.File, in *dockerfile.Instruction, c ecosystem.Command, out []Finding) []Finding {
	if c.Name() != "ln" || len(c.Words) < 3 || c.Words[len(c.Words)-1].Text != "/bin/sh" {
		return out
	}
	out = append(out, Finding{
		Message: "Linking over /bin/sh changes the shell of every script in the image: set RUN's shell with SHELL [\"/bin/bash\", \"-c\"] instead",
		Span:    dlCmdSpan(c),
	})
	return out
}
