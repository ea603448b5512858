package diagnostics

import (
	"strings"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// GemInstallPinRule flags gem install of a gem without a version.
var GemInstallPinRule = registerRun(&Rule{
	Code:     "GemInstallPin",
	Severity: SeverityWarning,
	Summary:  "gem install of a gem without a version (-v or name:version)",
	Aliases:  []string{"DL3028"},
}, eachCommand(checkGemInstallPin), nil)

var gemValueOpts = []string{"-v", "--version", "-i", "--install-dir", "-n", "--bindir", "-s", "--source", "-P",
	"--trust-policy", "--platform", "-g", "--file", "--document", "--build-root"}

func checkGemInstallPin(f *dockerfile.File, in *dockerfile.Instruction, c ecosystem.Command, out []Finding) []Finding {
	if c.Name() != "gem" || c.HasOption("-v", "--version") {
		return out
	}
	p := splitPkgCommand(c, gemValueOpts...)
	if p.Sub != "install" && p.Sub != "i" {
		return out
	}
	pinned := func(s string) bool { return strings.Contains(s, ":") }
	out = dlPinFindings(out, dlUnpinned(p.Operands, pinned, ".gem"), "`gem install name:version` or `-v version`")
	return out
}
