package diagnostics

import (
	"fmt"

	"github.com/distribution/reference"

	"github.com/msls-dev/msls/dockerfile"
)

// FromUntaggedRule flags a FROM image without a tag or digest: it means
// `latest`, which changes under the build.
var FromUntaggedRule = register(&Rule{
	Code:     "FromUntagged",
	Severity: SeverityWarning,
	Summary:  "FROM an image without a tag or digest: pin the version",
	Aliases:  []string{"DL3006"},
	Check:    checkFromUntagged,
})

func checkFromUntagged(f *dockerfile.File) []Finding {
	var out []Finding
	for _, im := range fromImages(f) {
		_, tagged := im.named.(reference.Tagged)
		_, digested := im.named.(reference.Digested)
		if tagged || digested {
			continue
		}
		out = append(out, Finding{
			Message: fmt.Sprintf("%s has no tag, so it means %s:latest, which moves: name a version (e.g. %s:<version>) or a digest", im.stage.BaseImage, im.stage.BaseImage, im.stage.BaseImage),
			Span:    im.stage.BaseSpan,
		})
	}
	return out
}
