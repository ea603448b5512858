package diagnostics

import (
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/ecosystem"
)

// LnBinShRule flags `ln ... /bin/sh`: replacing the image's /bin/sh to
// change RUN's shell, where SHELL says it.
var LnBinShRule = register(&Rule{
	Code:     "LnBinSh",
	Severity: SeverityWarning,
	Summary:  "ln over /bin/sh to change the shell: use SHELL",
	Aliases:  []string{"DL4005"},
	Check:    checkLnBinSh,
})

func checkLnBinSh(f *dockerfile.File) []Finding {
	var out []Finding
	dlCommands(f, func(in *dockerfile.Instruction, c ecosystem.Command) {
		if c.Name() != "ln" || len(c.Words) < 3 || c.Words[len(c.Words)-1].Text != "/bin/sh" {
			return
		}
		out = append(out, Finding{
			Message: "Linking over /bin/sh changes the shell of every script in the image: set RUN's shell with SHELL [\"/bin/bash\", \"-c\"] instead",
			Span:    dlCmdSpan(c),
		})
	})
	return out
}
