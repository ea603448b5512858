package diagnostics

import (
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/ecosystem"
)

// YumInstallPinRule flags: yum install of a package without a version (name-version).
var YumInstallPinRule = register(&Rule{
	Code:     "YumInstallPin",
	Severity: SeverityWarning,
	Summary:  "yum install of a package without a version (name-version)",
	Aliases:  []string{"DL3033"},
	Check:    checkYumInstallPin,
})

func checkYumInstallPin(f *dockerfile.File) []Finding {
	var out []Finding
	dlCommands(f, func(in *dockerfile.Instruction, c ecosystem.Command) {
		if p, ok := rpmInstall(c, "yum"); ok {
			out = dlPinFindings(out, dlUnpinned(p.Operands, rpmPinned, ".rpm"), "`name-version`")
		}
	})
	return out
}
