package diagnostics

import (
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// ZypperInstallPinRule flags: zypper install of a package without a version (name=version).
var ZypperInstallPinRule = registerRun(&Rule{
	Code:     "ZypperInstallPin",
	Severity: SeverityWarning,
	Summary:  "zypper install of a package without a version (name=version)",
	Aliases:  []string{"DL3037"},
}, eachCommand(checkZypperInstallPin), nil)

func checkZypperInstallPin(f *dockerfile.File, in *dockerfile.Instruction, c ecosystem.Command, out []Finding) []Finding {
	if p, ok := zypperInstall(c); ok {
		out = dlPinFindings(out, dlUnpinned(p.Operands, zypperPinned, ".rpm"), "`name=version`")
	}
	return out
}
