package diagnostics

import (
	"strings"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// aptGetValueOpts are apt-get's options that take the next word as value.
var aptGetValueOpts = []string{"-o", "-c", "-t", "--option", "--config-file", "--target-release", "--default-release"}

// aptGetInstall returns the install of an apt-get command (ok false for
// other commands and subcommands).
func aptGetInstall(c ecosystem.Command) (pkgInvocation, bool) {
	if c.Name() != "apt-get" {
		return pkgInvocation{}, false
	}
	p := splitPkgCommand(c, aptGetValueOpts...)
	return p, p.Sub == "install"
}

// AptGetInstallPinRule flags apt-get install of a package without `=version`.
var AptGetInstallPinRule = registerRun(&Rule{
	Code:     "AptGetInstallPin",
	Severity: SeverityWarning,
	Summary:  "apt-get install of a package without a pinned version (pkg=version)",
	Aliases:  []string{"DL3008"},
}, eachCommand(checkAptGetInstallPin), nil)

func checkAptGetInstallPin(f *dockerfile.File, in *dockerfile.Instruction, c ecosystem.Command, out []Finding) []Finding {
	if p, ok := aptGetInstall(c); ok {
		// `pkg=1.2`, and `pkg/bookworm-backports` (a release pin) are pinned
		pinned := func(s string) bool { return strings.ContainsAny(s, "=/") }
		out = dlPinFindings(out, dlUnpinned(p.Operands, pinned, ".deb"), "`pkg=version`")
	}
	return out
}
