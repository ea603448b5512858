package diagnostics

import (
	"strings"

	"github.com/msls-dev/msls/dockerfile"
)

// LabelKeyInvalidRule flags label keys outside Docker's documented format:
// lower-case letters, digits, '.' and '-', starting and ending with a
// letter or digit, no doubled separators, and none of the namespaces Docker
// reserves (com.docker.*, io.docker.*, org.dockerproject.*).
var LabelKeyInvalidRule = register(&Rule{
	Code:     "LabelKeyInvalid",
	Severity: SeverityHint,
	Summary:  "Label key outside Docker's key format, or in a namespace Docker reserves",
	Aliases:  []string{"DL3048"},
	Check:    checkLabelKeyInvalid,
})

// labelKeyProblem says what is wrong with a label key ("" when nothing).
func labelKeyProblem(k string) string {
	lk := strings.ToLower(k)
	for _, ns := range []string{"com.docker.", "io.docker.", "org.dockerproject."} {
		if strings.HasPrefix(lk, ns) {
			return "is in the " + strings.TrimSuffix(ns, ".") + " namespace, which Docker reserves"
		}
	}
	if k == "" {
		return "is empty"
	}
	alnum := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case alnum(c):
		case c == '.' || c == '-':
			if i > 0 && (k[i-1] == '.' || k[i-1] == '-') {
				return "has two separators in a row"
			}
		case c >= 'A' && c <= 'Z':
			return "has upper-case letters"
		default:
			return "has a character other than lower-case letters, digits, '.' and '-'"
		}
	}
	if !alnum(k[0]) || !alnum(k[len(k)-1]) {
		return "does not start and end with a letter or digit"
	}
	return ""
}

func checkLabelKeyInvalid(f *dockerfile.File) []Finding {
	var out []Finding
	for _, in := range f.Instructions {
		// ONBUILD LABEL sets the label on the image built FROM this one
		in := target(in)
		if !in.Is("LABEL") {
			continue
		}
		for _, l := range labelsOf(f, in, false) {
			if hasVar(l.Key) {
				continue
			}
			if p := labelKeyProblem(l.Key); p != "" {
				out = append(out, Finding{
					Message: "Label key " + l.Key + " " + p + ": use lower-case reverse-DNS keys such as org.opencontainers.image.source",
					Span:    l.Span,
				})
			}
		}
	}
	return out
}
