package diagnostics

import (
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// DnfInstallPinRule flags: dnf/microdnf install of a package without a version (name-version).
var DnfInstallPinRule = registerRun(&Rule{
	Code:     "DnfInstallPin",
	Severity: SeverityWarning,
	Summary:  "dnf/microdnf install of a package without a version (name-version)",
	Aliases:  []string{"DL3041"},
}, eachCommand(checkDnfInstallPin), nil)

func checkDnfInstallPin(f *dockerfile.File, in *dockerfile.Instruction, c ecosystem.Command, out []Finding) []Finding {
	if p, ok := rpmInstall(c, "dnf", "microdnf", "dnf5"); ok {
		out = dlPinFindings(out, dlUnpinned(p.Operands, rpmPinned, ".rpm"), "`name-version`")
	}
	return out
}
