package diagnostics

import (
	"strconv"
	"strings"

	"github.com/msls-dev/msls/dockerfile"
)

// ExposePortRangeRule flags EXPOSE of a port outside 0-65535.
var ExposePortRangeRule = register(&Rule{
	Code:     "ExposePortRange",
	Severity: SeverityError,
	Summary:  "EXPOSE of a port outside 0-65535",
	Aliases:  []string{"DL3011"},
	Check:    checkExposePortRange,
})

func checkExposePortRange(f *dockerfile.File) []Finding {
	var out []Finding
	for _, outer := range f.Instructions {
		in := target(outer)
		if !in.Is("EXPOSE") {
			continue
		}
		for _, a := range in.Args {
			v := strings.Trim(a.Value, `"'`)
			if hasVar(v) {
				continue
			}
			v, _, _ = strings.Cut(v, "/")
			if i := strings.LastIndexByte(v, ':'); i >= 0 {
				v = v[i+1:] // ip:host:container: BuildKit's ExposeInvalidFormat says the rest
			}
			lo, hi, _ := strings.Cut(v, "-")
			for _, p := range []string{lo, hi} {
				if p == "" {
					continue
				}
				n, err := strconv.ParseUint(p, 10, 64)
				if err != nil && !strings.Contains(err.Error(), "out of range") {
					continue // not a number: BuildKit reports it
				}
				if err != nil || n > 65535 {
					out = append(out, Finding{Message: "Port " + p + " is out of range: ports are 0 to 65535", Span: a.Span})
					break
				}
			}
		}
	}
	return out
}
