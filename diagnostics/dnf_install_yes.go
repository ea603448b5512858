package diagnostics

// DnfInstallYesRule flags: dnf/microdnf install without -y stops at its confirmation prompt.
var DnfInstallYesRule = registerRun(&Rule{
	Code:     "DnfInstallYes",
	Severity: SeverityWarning,
	Summary:  "dnf/microdnf install without -y stops at its confirmation prompt",
	Aliases:  []string{"DL3038"},
	Fix:      FixAttached,
}, rpmYes("dnf", "microdnf", "dnf5"), nil)
