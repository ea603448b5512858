package diagnostics

import (
	"github.com/msls-dev/msls/dockerfile"
)

// NoHealthcheckRule, off by default, flags an image without HEALTHCHECK:
// Docker (not Kubernetes, which has its own probes) then cannot tell a hung
// container from a healthy one.
var NoHealthcheckRule = register(&Rule{
	Code:       "NoHealthcheck",
	Severity:   SeverityInformation,
	Summary:    "The image has no HEALTHCHECK; off by default",
	Aliases:    []string{"DL3057"},
	DefaultOff: true,
	Check:      checkNoHealthcheck,
})

func checkNoHealthcheck(f *dockerfile.File) []Finding {
	fin := f.FinalStage()
	if fin == nil || fin.From == nil {
		return nil
	}
	for _, st := range chain(f, fin) {
		for _, in := range st.Instructions {
			if in.Is("HEALTHCHECK") {
				return nil
			}
		}
	}
	return []Finding{{Message: "The image has no HEALTHCHECK: add one (or HEALTHCHECK NONE to say there is none on purpose)", Span: firstLine(f, fin.From)}}
}
