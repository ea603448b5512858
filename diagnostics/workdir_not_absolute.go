package diagnostics

import (
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/msls-dev/msls/dockerfile"
)

// WorkdirNotAbsoluteRule is hadolint's DL3000 where BuildKit's
// WorkdirRelativePath (which carries the same alias) is silent. BuildKit
// judges only the first WORKDIR of a stage's FROM chain, since fixing that
// one fixes what follows; hadolint flags every WORKDIR that does not start
// with `/`, a variable or a Windows drive. The two together report each
// relative WORKDIR once.
var WorkdirNotAbsoluteRule = register(&Rule{
	Code:     "WorkdirNotAbsolute",
	Severity: SeverityError,
	Summary:  "A later WORKDIR (or an ONBUILD WORKDIR) with a relative path",
	Aliases:  []string{"DL3000"},
	Check:    checkWorkdirNotAbsolute,
})

// absoluteWorkdir is hadolint's notion of an absolute WORKDIR, after quote
// removal: a leading `/`, a leading variable (it may expand to anything),
// or a Windows drive (`C:\`, `C:/`).
func absoluteWorkdir(p string) bool {
	p = strings.Trim(p, `"'`)
	return strings.HasPrefix(p, "/") || strings.HasPrefix(p, "$") || windowsDrive(p)
}

func windowsDrive(p string) bool {
	return len(p) >= 2 && p[1] == ':' && (p[0] >= 'a' && p[0] <= 'z' || p[0] >= 'A' && p[0] <= 'Z')
}

func checkWorkdirNotAbsolute(f *dockerfile.File) []Finding {
	var out []Finding
	set := make([]bool, len(f.Stages)) // a stage's chain has set a WORKDIR
	for i, st := range f.Stages {
		seen := st.Parent >= 0 && st.Parent < i && set[st.Parent]
		for _, in := range st.Instructions {
			t := target(in)
			if !t.Is("WORKDIR") || len(t.Args) == 0 {
				continue
			}
			first := in.Sub == nil && !seen
			if in.Sub == nil {
				seen = true
			}
			if first || absoluteWorkdir(t.Args[0].Value) {
				continue // the first one is WorkdirRelativePath's
			}
			msg := "WORKDIR " + t.Args[0].Value + " is relative to the WORKDIR before it: use an absolute path, so that moving or changing an earlier WORKDIR cannot move this one"
			if in.Sub != nil {
				msg = "ONBUILD WORKDIR " + t.Args[0].Value + " is relative to whatever WORKDIR the image built on this one has: use an absolute path"
			}
			out = append(out, Finding{Message: msg, Span: t.ArgsSpan})
		}
		set[i] = seen
	}
	return out
}

// workdirRelativePathAliases keeps DL3000 off BuildKit's WorkdirRelativePath
// finding on a Windows drive path (`WORKDIR C:/app` in a Linux build), which
// hadolint counts as absolute. BuildKit's message quotes the path.
func workdirRelativePathAliases(fd Finding) []string {
	if fd.Code != linter.RuleWorkdirRelativePath.Name {
		return nil
	}
	i := strings.IndexByte(fd.Message, '"')
	j := strings.LastIndexByte(fd.Message, '"')
	if i < 0 || j <= i {
		return nil
	}
	if p, err := strconv.Unquote(fd.Message[i : j+1]); err == nil && windowsDrive(p) {
		return []string{}
	}
	return nil
}
