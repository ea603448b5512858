package diagnostics

import (
	"github.com/msls-dev/msls/dockerfile"
)

// DnfInstallYesRule flags: dnf/microdnf install without -y stops at its confirmation prompt.
var DnfInstallYesRule = register(&Rule{
	Code:     "DnfInstallYes",
	Severity: SeverityWarning,
	Summary:  "dnf/microdnf install without -y stops at its confirmation prompt",
	Aliases:  []string{"DL3038"},
	Fix:      FixAttached,
	Check:    checkDnfInstallYes,
})

func checkDnfInstallYes(f *dockerfile.File) []Finding { return rpmYes(f, "dnf", "microdnf", "dnf5") }
