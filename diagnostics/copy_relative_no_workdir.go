package diagnostics

import (
	"strings"

	"github.com/msls-dev/msls/dockerfile"
)

// CopyRelativeNoWorkdirRule flags COPY to a relative destination in a stage
// (and its FROM chain) that has set no WORKDIR: the files land relative to
// the base image's working directory, which the Dockerfile does not show
// and the base image may change.
var CopyRelativeNoWorkdirRule = register(&Rule{
	Code:     "CopyRelativeNoWorkdir",
	Severity: SeverityWarning,
	Summary:  "COPY to a relative destination without a WORKDIR",
	Aliases:  []string{"DL3045"},
	Check:    checkCopyRelativeNoWorkdir,
})

// isAbsDest reports whether a destination path is absolute (POSIX or a
// Windows drive) or starts with a variable, which is decided at build time.
func isAbsDest(v string) bool {
	v = strings.Trim(v, `"'`)
	if strings.HasPrefix(v, "/") || strings.HasPrefix(v, "$") || strings.HasPrefix(v, `\`) {
		return true
	}
	return len(v) >= 2 && v[1] == ':' && (v[0]|0x20 >= 'a' && v[0]|0x20 <= 'z')
}

func checkCopyRelativeNoWorkdir(f *dockerfile.File) []Finding {
	var out []Finding
	for _, st := range f.Stages {
		// WORKDIR set by an earlier stage of the FROM chain counts.
		inherited := false
		for p, n := st.Parent, 0; p >= 0 && p < len(f.Stages) && n <= len(f.Stages) && !inherited; n++ {
			for _, in := range f.Stages[p].Instructions {
				if in.Is("WORKDIR") {
					inherited = true
					break
				}
			}
			if f.Stages[p].Parent >= p {
				break // stages name earlier ones only; bounded anyway
			}
			p = f.Stages[p].Parent
		}
		if inherited {
			continue
		}
		seen, seenOnbuild := false, false
		for _, outer := range st.Instructions {
			in := target(outer)
			if in.Is("WORKDIR") {
				if outer.Sub != nil {
					seenOnbuild = true
				} else {
					seen = true
				}
				continue
			}
			if !in.Is("COPY") || len(in.Args) < 2 {
				continue
			}
			if (outer.Sub == nil && seen) || (outer.Sub != nil && (seen || seenOnbuild)) {
				continue
			}
			dst := in.Args[len(in.Args)-1]
			if isAbsDest(dst.Value) {
				continue
			}
			out = append(out, Finding{
				Message: "COPY to the relative path " + dst.Value + " with no WORKDIR set: set WORKDIR first or copy to an absolute path",
				Span:    dst.Span,
			})
		}
	}
	return out
}
