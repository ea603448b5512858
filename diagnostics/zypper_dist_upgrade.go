package diagnostics

import (
	"fmt"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// ZypperDistUpgradeRule flags: zypper dist-upgrade in a build: upgrade the base image instead.
var ZypperDistUpgradeRule = registerRun(&Rule{
	Code:     "ZypperDistUpgrade",
	Severity: SeverityWarning,
	Summary:  "zypper dist-upgrade in a build: upgrade the base image instead",
	Aliases:  []string{"DL3035"},
}, eachCommand(checkZypperDistUpgrade), nil)

func checkZypperDistUpgrade(f *dockerfile.File, in *dockerfile.Instruction, c ecosystem.Command, out []Finding) []Finding {
	if c.Name() != "zypper" {
		return out
	}
	if p := splitPkgCommand(c, zypperValueOpts...); p.Sub == "dist-upgrade" || p.Sub == "dup" {
		out = append(out, Finding{
			Message: fmt.Sprintf("`%s` upgrades the whole distribution inside the build, so the image no longer matches its FROM tag: use a newer base image", shorten(c.String())),
			Span:    dlCmdSpan(c),
		})
	}
	return out
}
