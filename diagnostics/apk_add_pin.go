package diagnostics

import (
	"strings"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// apkValueOpts are apk add's options that take the next word as value.
var apkValueOpts = []string{"-X", "--repository", "-t", "--virtual", "-p", "--root", "--arch", "--keys-dir",
	"--repositories-file", "--cache-dir", "--cache-max-age", "--timeout"}

// apkAdd returns the `apk add` of a command.
func apkAdd(c ecosystem.Command) (pkgInvocation, bool) {
	if c.Name() != "apk" {
		return pkgInvocation{}, false
	}
	p := splitPkgCommand(c, apkValueOpts...)
	return p, p.Sub == "add"
}

// ApkAddPinRule flags apk add of a package without a version constraint.
var ApkAddPinRule = registerRun(&Rule{
	Code:     "ApkAddPin",
	Severity: SeverityWarning,
	Summary:  "apk add of a package without a version constraint (pkg=version)",
	Aliases:  []string{"DL3018"},
}, eachCommand(checkApkAddPin), nil)

func checkApkAddPin(f *dockerfile.File, in *dockerfile.Instruction, c ecosystem.Command, out []Finding) []Finding {
	if p, ok := apkAdd(c); ok {
		pinned := func(s string) bool { return strings.ContainsAny(s, "=<>~") }
		out = dlPinFindings(out, dlUnpinned(p.Operands, pinned, ".apk"), "`pkg=version` or `pkg~minor`")
	}
	return out
}
