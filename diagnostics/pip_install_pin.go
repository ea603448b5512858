package diagnostics

import (
	"strings"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// pipValueOpts are pip install's options that take the next word as value.
// The requirement/constraint/editable files are among them: what they list
// is not judged here.
var pipValueOpts = []string{"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
	"--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix", "--root", "--trusted-host", "--platform",
	"--python-version", "--implementation", "--abi", "--src", "--upgrade-strategy", "--progress-bar", "--cache-dir",
	"--log", "--proxy", "--timeout", "--retries", "--global-option", "--config-settings", "-C", "--no-binary",
	"--only-binary", "--report", "--python", "--exists-action", "--cert", "--client-cert", "--root-user-action"}

// pipInstall returns the install of a pip command (`pip`, `pip3`,
// `python -m pip`).
func pipInstall(c ecosystem.Command) (pkgInvocation, bool) {
	name := c.Name()
	switch {
	case name == "pip" || name == "pip3" || strings.HasPrefix(name, "pip3."):
	case strings.HasPrefix(name, "python") && len(c.Words) > 3 && c.Words[1].Text == "-m" && c.Words[2].Text == "pip":
		c.Words = c.Words[2:] // `python -m pip install ...` reads as `pip install ...`
	default:
		return pkgInvocation{}, false
	}
	p := splitPkgCommand(c, pipValueOpts...)
	return p, p.Sub == "install"
}

// PipInstallPinRule flags pip install of a package without a version.
var PipInstallPinRule = registerRun(&Rule{
	Code:     "PipInstallPin",
	Severity: SeverityWarning,
	Summary:  "pip install of a package without a version specifier",
	Aliases:  []string{"DL3013"},
}, eachCommand(checkPipInstallPin), nil)

// pipPinned reports whether a requirement specifier names a version (or a
// direct reference, `name @ url`, or a VCS/URL requirement).
func pipPinned(s string) bool {
	return strings.ContainsAny(s, "=<>~@") || strings.HasPrefix(s, "git+")
}

func checkPipInstallPin(f *dockerfile.File, in *dockerfile.Instruction, c ecosystem.Command, out []Finding) []Finding {
	if p, ok := pipInstall(c); ok {
		if c.HasOption("-c", "--constraint") {
			return out // a constraints file pins what the command installs
		}
		out = dlPinFindings(out, dlUnpinned(p.Operands, pipPinned, ".whl", ".tar.gz", ".zip", ".tgz"), "`pkg==version`")
		out = dlPinFindingsWhere(out, p.Operands, pipURLUnpinned, "a tag or commit, `url@ref`")
	}
	return out
}

// pipURLUnpinned reports whether a URL requirement names no version: a VCS
// URL without `@ref` (`git+https://host/repo`) or a URL that is neither a
// wheel nor an archive (`https://github.com/o/r/tarball/branch`). hadolint's
// documentation flags the second and accepts `git+https://host/repo@0.9.15`.
func pipURLUnpinned(s string) bool {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok || dlUnknowable(s) || strings.ContainsAny(scheme, " @") || scheme == "file" {
		return false // not a URL requirement (`name @ url` is pinned by pipPinned)
	}
	rest, _, _ = strings.Cut(rest, "#") // #egg=name, #subdirectory=...
	rest, _, _ = strings.Cut(rest, "?")
	var path string
	if _, path, _ = strings.Cut(rest, "/"); strings.Contains(path, "@") { // not the user@ of the host
		return false
	}
	if strings.Contains(scheme, "+") { // git+https, hg+ssh, ...: a VCS URL
		return true
	}
	for _, e := range []string{".whl", ".tar.gz", ".zip", ".tgz", ".tar.bz2", ".tar.xz"} {
		if strings.HasSuffix(path, e) {
			return false // a file, whose name carries its version
		}
	}
	return true
}
