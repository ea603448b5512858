package diagnostics

// YumInstallYesRule flags: yum install without -y stops at its confirmation prompt.
var YumInstallYesRule = registerRun(&Rule{
	Code:     "YumInstallYes",
	Severity: SeverityWarning,
	Summary:  "yum install without -y stops at its confirmation prompt",
	Aliases:  []string{"DL3030"},
	Fix:      FixAttached,
}, rpmYes("yum"), nil)
