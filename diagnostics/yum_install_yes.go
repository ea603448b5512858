package diagnostics

import (
	"github.com/msls-dev/msls/dockerfile"
)

// YumInstallYesRule flags: yum install without -y stops at its confirmation prompt.
var YumInstallYesRule = register(&Rule{
	Code:     "YumInstallYes",
	Severity: SeverityWarning,
	Summary:  "yum install without -y stops at its confirmation prompt",
	Aliases:  []string{"DL3030"},
	Fix:      FixAttached,
	Check:    checkYumInstallYes,
})

func checkYumInstallYes(f *dockerfile.File) []Finding { return rpmYes(f, "yum") }
