package diagnostics

import (
	"path"
	"strings"

	"github.com/distribution/reference"

	"github.com/msls-dev/msls/dockerfile"
)

// UntrustedRegistryRule flags images (FROM, COPY --from, RUN --mount from=)
// from a registry outside the configured trusted list. Without the list
// (`trustedRegistries` in .hadolint.yaml or .msls.yaml) it says nothing.
var UntrustedRegistryRule = register(&Rule{
	Code:      "UntrustedRegistry",
	Severity:  SeverityError,
	Summary:   "Image from a registry outside the configured trustedRegistries",
	Aliases:   []string{"DL3026"},
	CheckOpts: func(f *dockerfile.File, o *Options) []Finding { return checkUntrustedRegistry(f, o.settings()) },
})

// registryTrusted matches a registry host against the list: exact names or
// "*" wildcards (`*.gcr.io`); "docker.io" also stands for Docker Hub's other
// names.
func registryTrusted(domain string, trusted []string) bool {
	for _, t := range trusted {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "*" || t == domain {
			return true
		}
		if ok, _ := path.Match(t, domain); ok {
			return true
		}
		if t == "docker.io" && (domain == "index.docker.io" || domain == "registry-1.docker.io") {
			return true
		}
	}
	return false
}

func checkUntrustedRegistry(f *dockerfile.File, s *Settings) []Finding {
	if len(s.TrustedRegistries) == 0 {
		return nil
	}
	var out []Finding
	check := func(img string, sp dockerfile.Span) {
		n, err := reference.ParseNormalizedNamed(img)
		if err != nil {
			return
		}
		d := reference.Domain(n)
		if !registryTrusted(d, s.TrustedRegistries) {
			out = append(out, Finding{Message: img + " comes from " + d + ", which is not a trusted registry (trustedRegistries: " + strings.Join(s.TrustedRegistries, ", ") + ")", Span: sp})
		}
	}
	for _, im := range fromImages(f) {
		check(im.stage.BaseImage, im.stage.BaseSpan)
	}
	for _, r := range fromRefs(f) {
		v := r.value
		if hasVar(v) || !looksLikeImage(v) {
			continue
		}
		if _, ok := stageNumber(v); ok {
			continue
		}
		if st := f.StageByName(v); st != nil && st.Index < r.in.Stage {
			continue
		}
		check(v, r.span)
	}
	return out
}
