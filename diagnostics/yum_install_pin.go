package diagnostics

import (
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// YumInstallPinRule flags: yum install of a package without a version (name-version).
var YumInstallPinRule = registerRun(&Rule{
	Code:     "YumInstallPin",
	Severity: SeverityWarning,
	Summary:  "yum install of a package without a version (name-version)",
	Aliases:  []string{"DL3033"},
}, eachCommand(checkYumInstallPin), nil)

func checkYumInstallPin(f *dockerfile.File, in *dockerfile.Instruction, c ecosystem.Command, out []Finding) []Finding {
	if p, ok := rpmInstall(c, "yum"); ok {
		out = dlPinFindings(out, dlUnpinned(p.Operands, rpmPinned, ".rpm"), "`name-version`")
	}
	return out
}
