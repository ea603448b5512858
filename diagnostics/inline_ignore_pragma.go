package diagnostics

import (
	"github.com/msls-dev/msls/dockerfile"
)

// InlineIgnorePragmaRule, off by default, flags `# hadolint ignore=` and
// `# msls ignore=` comments, for teams that want every exception in the
// configuration file instead of scattered through Dockerfiles.
var InlineIgnorePragmaRule = register(&Rule{
	Code:       "InlineIgnorePragma",
	Severity:   SeverityInformation,
	Summary:    "An inline ignore comment (# hadolint ignore=, # msls ignore=); off by default",
	Aliases:    []string{"DL1001"},
	DefaultOff: true,
	Check:      checkInlineIgnorePragma,
})

func checkInlineIgnorePragma(f *dockerfile.File) []Finding {
	var out []Finding
	for _, c := range f.Comments {
		// the comments suppress.go obeys, BuildKit's check=skip aside
		if p, ok := parsePragma(c.Text); ok && !p.buildkit {
			out = append(out, Finding{Message: "Inline ignore comment: put the exception in the configuration file instead", Span: c.Span})
		}
	}
	return out
}
