package diagnostics

import (
	"strings"

	"github.com/msls-dev/msls/dockerfile"
)

// UserNonNumericRule flags a final USER given by name: Kubernetes'
// runAsNonRoot can only verify a numeric uid, and a name resolves through
// the image's /etc/passwd, which a later base image may change.
var UserNonNumericRule = register(&Rule{
	Code:     "UserNonNumeric",
	Severity: SeverityInformation,
	Summary:  "The image's USER is a name, not a numeric uid",
	Aliases:  []string{"DL3066"},
	Check:    checkUserNonNumeric,
})

func checkUserNonNumeric(f *dockerfile.File) []Finding {
	fin := f.FinalStage()
	if fin == nil {
		return nil
	}
	if c := chain(f, fin); isWindowsImage(c[len(c)-1].BaseImage) {
		return nil // Windows users (ContainerUser) have no numeric ids
	}
	// the last USER of the final stage: the one the image runs as (a USER
	// of an earlier stage is reported only where it takes effect, and
	// hadolint's narrowed DL3066 looks at the last stage only)
	for _, st := range []*dockerfile.Stage{fin} {
		for i := len(st.Instructions) - 1; i >= 0; i-- {
			in := st.Instructions[i]
			if in.Sub != nil || !in.Is("USER") || len(in.Args) == 0 {
				continue
			}
			u := strings.Trim(in.Args[0].Value, `"'`)
			name, group, _ := strings.Cut(u, ":")
			if hasVar(u) || (isDigits(name) && (group == "" || isDigits(group))) {
				return nil
			}
			if name == "root" {
				return nil // RootFinalStage (DL3002) says what is wrong with it
			}
			return []Finding{{
				Message: "USER " + u + " names the user: use the numeric uid (e.g. USER 10001:10001) so that runAsNonRoot can verify it",
				Span:    in.Args[0].Span,
			}}
		}
	}
	return nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
