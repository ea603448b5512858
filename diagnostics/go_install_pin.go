package diagnostics

import (
	"strings"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/ecosystem"
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

// goRemote reports whether a package pattern names a module on a host
// (`golang.org/x/tools/cmd/stringer`): local packages (`.`, `./cmd/x`),
// standard-library packages and files are resolved in the build's own
// module and need no version.
func goRemote(s string) bool {
	first, _, _ := strings.Cut(s, "/")
	return strings.Contains(first, ".") && !strings.HasSuffix(s, ".go")
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
	pinned := func(s string) bool { return strings.Contains(s, "@") || !goRemote(s) }
	out = dlPinFindings(out, dlUnpinned(ops, pinned), "`path@version`")
	return out
}
