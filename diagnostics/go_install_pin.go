package diagnostics

import (
	"strings"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// GoInstallPinRule flags `go install/get/run module/path` without
// `@version`.
var GoInstallPinRule = registerRun(&Rule{
	Code:     "GoInstallPin",
	Severity: SeverityWarning,
	Summary:  "go install/get/run of a module package without @version",
	Aliases:  []string{"DL3062"},
}, eachCommand(checkGoInstallPin), nil)

var goValueOpts = []string{"-o", "-C", "-p", "-tags", "-ldflags", "-gcflags", "-asmflags", "-mod", "-modfile", "-overlay",
	"-pkgdir", "-toolexec", "-exec", "-buildmode", "-compiler", "-gccgoflags", "-installsuffix", "-pgo", "-covermode",
	"-coverpkg", "-buildvcs"}

// goLocal reports whether a package argument is resolved in the build's own
// files and needs no version: a directory (`.`, `./cmd/x`, `/go/app/x`), a
// `.go` file, or the go command's own patterns (`std`, `cmd`, `cmd/...`,
// `all`, and `tool`/`work`, whose packages go.mod pins). Any other path, with or without a host name (`foobar` too, as
// hadolint's documentation shows), is a module package fetched at build
// time.
func goLocal(s string) bool {
	return s == "." || s == ".." || strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") || strings.HasPrefix(s, "/") ||
		strings.HasSuffix(s, ".go") || s == "std" || s == "cmd" || s == "all" || s == "tool" || s == "work" || strings.HasPrefix(s, "cmd/")
}

// goPinned reports whether a package argument needs no version or has one:
// `@latest` is no pin, it is what an unversioned path fetches.
func goPinned(s string) bool {
	if goLocal(s) {
		return true
	}
	at := strings.LastIndexByte(s, '@')
	return at >= 0 && at+1 < len(s) && s[at+1:] != "latest"
}

func checkGoInstallPin(f *dockerfile.File, in *dockerfile.Instruction, c ecosystem.Command, out []Finding) []Finding {
	if c.Name() != "go" {
		return out
	}
	p := splitPkgCommand(c, goValueOpts...)
	ops := p.Operands
	switch p.Sub {
	case "install", "get":
	case "run":
		ops = ops[:min(1, len(ops))] // the rest are the program's arguments
	default:
		return out
	}
	out = dlPinFindings(out, dlUnpinned(ops, goPinned), "`path@version`")
	return out
}
