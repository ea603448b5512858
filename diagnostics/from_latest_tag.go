package diagnostics

import (
	"fmt"

	"github.com/distribution/reference"

	"github.com/msls-dev/msls/dockerfile"
)

// FromLatestTagRule flags `FROM image:latest` without a digest: the tag
// moves, so two builds of the same Dockerfile get different bases.
var FromLatestTagRule = register(&Rule{
	Code:     "FromLatestTag",
	Severity: SeverityWarning,
	Summary:  "FROM an image's latest tag: pin a version",
	Aliases:  []string{"DL3007"},
	Check:    checkFromLatestTag,
})

func checkFromLatestTag(f *dockerfile.File) []Finding {
	var out []Finding
	for _, im := range fromImages(f) {
		t, tagged := im.named.(reference.Tagged)
		if _, digested := im.named.(reference.Digested); digested || !tagged || t.Tag() != "latest" {
			continue
		}
		out = append(out, Finding{
			Message: fmt.Sprintf("%s uses the latest tag, which moves: name a version or a digest", im.stage.BaseImage),
			Span:    im.stage.BaseSpan,
		})
	}
	return out
}
