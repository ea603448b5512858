package diagnostics

import (
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/ecosystem"
)

// DnfInstallPinRule flags: dnf/microdnf install of a package without a version (name-version).
var DnfInstallPinRule = register(&Rule{
	Code:     "DnfInstallPin",
	Severity: SeverityWarning,
	Summary:  "dnf/microdnf install of a package without a version (name-version)",
	Aliases:  []string{"DL3041"},
	Check:    checkDnfInstallPin,
})

func checkDnfInstallPin(f *dockerfile.File) []Finding {
	var out []Finding
	dlCommands(f, func(in *dockerfile.Instruction, c ecosystem.Command) {
		if p, ok := rpmInstall(c, "dnf", "microdnf", "dnf5"); ok {
			out = dlPinFindings(out, dlUnpinned(p.Operands, rpmPinned, ".rpm"), "`name-version`")
		}
	})
	return out
}
