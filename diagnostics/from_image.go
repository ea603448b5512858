package diagnostics

import (
	"strings"

	"github.com/distribution/reference"

	"github.com/msls-dev/msls/dockerfile"
)

// fromImage is the image a stage's FROM names, when it names one that can be
// read without a build: not an earlier stage, not scratch, no variables.
type fromImage struct {
	stage *dockerfile.Stage
	named reference.Named
}

// fromImages lists the FROM images of a file that rules about image
// references (tags, registries) look at.
func fromImages(f *dockerfile.File) []fromImage {
	var out []fromImage
	for _, st := range f.Stages {
		img := st.BaseImage
		if st.Parent >= 0 || img == "" || hasVar(img) || strings.EqualFold(img, "scratch") || st.From == nil || st.From.Err != nil {
			continue
		}
		// parsed once per FROM instruction (and kept while edits elsewhere
		// move it): the reference depends on the FROM's own text only
		n, _ := st.From.DerivedMovable(fromImageKey{}, func() any {
			n, err := reference.ParseNormalizedNamed(img)
			if err != nil {
				return nil // BuildKit reports an invalid reference
			}
			return n
		}, func(v any, _ int) any { return v }).(reference.Named)
		if n == nil {
			continue
		}
		out = append(out, fromImage{st, n})
	}
	return out
}

type fromImageKey struct{}
