package diagnostics

import (
	"strings"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// NpmInstallPinRule flags `npm install <pkg>` without `@version`.
var NpmInstallPinRule = registerRun(&Rule{
	Code:     "NpmInstallPin",
	Severity: SeverityWarning,
	Summary:  "npm install of a package without @version",
	Aliases:  []string{"DL3016"},
}, eachCommand(checkNpmInstallPin), nil)

var npmValueOpts = []string{"--prefix", "--registry", "--cache", "--userconfig", "--loglevel", "--omit", "--include",
	"-w", "--workspace", "--tag", "--install-strategy"}

// npmPinned reports whether an npm package spec names a version, a tag, a
// git ref or a file: `x@1`, `@scope/x@1`, `git+https://...#v1`, `user/repo#v1`,
// `x.tgz`.
func npmPinned(s string) bool {
	name := strings.TrimPrefix(s, "@")
	if strings.Contains(name, "@") || strings.Contains(s, "#") {
		return true
	}
	// `user/repo` (GitHub shorthand, no ref) is a moving branch; `@scope/x`
	// without a version is not pinned either.
	return false
}

func checkNpmInstallPin(f *dockerfile.File, in *dockerfile.Instruction, c ecosystem.Command, out []Finding) []Finding {
	if c.Name() != "npm" {
		return out
	}
	p := splitPkgCommand(c, npmValueOpts...)
	if !dlIn(p.Sub, "install", "i", "add", "isntall", "in") {
		return out
	}
	ws := dlUnpinned(p.Operands, npmPinned, ".tgz", ".tar.gz")
	out = dlPinFindings(out, ws, "`pkg@version`")
	return dlPinFindingsWhere(out, p.Operands, npmGitUnpinned, "a tag or commit, `url#ref`")
}

// npmGitUnpinned reports whether a git URL spec (`git+ssh://...`,
// `git://...`, `git+https://...`) has no `#ref`: it installs whatever the
// default branch holds (hadolint accepts git URLs only with a ref). Tarball
// URLs are files and are not judged.
func npmGitUnpinned(s string) bool {
	scheme, _, ok := strings.Cut(s, "://")
	return ok && !dlUnknowable(s) && (scheme == "git" || strings.HasPrefix(scheme, "git+")) && !strings.Contains(s, "#")
}
