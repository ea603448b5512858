package diagnostics

import (
	"fmt"
	"strings"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
)

// findingsOf runs the checks with opts and lists code@line:message of code.
func findingsOf(t *testing.T, src, code string, opts *Options) []string {
	t.Helper()
	f := dockerfile.Parse([]byte(src))
	var out []string
	for _, fd := range CheckWith(f, opts) {
		if fd.Code == code {
			out = append(out, fmt.Sprintf("%d:%s|%s", lineOf(f, fd.Span.Start), f.Slice(fd.Span), strings.Join(FindingAliases(fd), ",")))
		}
	}
	return out
}

func TestDefaultOffRules(t *testing.T) {
	src := "FROM alpine:3.20\n# hadolint ignore=DL3006\nUSER 1\n# check=skip=JSONArgsRecommended\nCMD true\n"
	on := &Options{NoBuildKit: true, Enabled: map[string]bool{"InlineIgnorePragma": true, "NoHealthcheck": true}}
	for _, c := range []struct {
		code string
		want string
	}{
		{"InlineIgnorePragma", "[2:# hadolint ignore=DL3006|DL1001]"},
		{"NoHealthcheck", "[1:FROM alpine:3.20|DL3057]"},
	} {
		if got := findingsOf(t, src, c.code, &Options{NoBuildKit: true}); len(got) != 0 {
			t.Errorf("%s runs by default: %v", c.code, got)
		}
		if got := fmt.Sprint(findingsOf(t, src, c.code, on)); got != c.want {
			t.Errorf("%s on: %s, want %s", c.code, got, c.want)
		}
		off := &Options{NoBuildKit: true, Enabled: on.Enabled, Disabled: map[string]bool{c.code: true}}
		if got := findingsOf(t, src, c.code, off); len(got) != 0 {
			t.Errorf("%s enabled and disabled: %v", c.code, got)
		}
	}
	if got := findingsOf(t, "FROM alpine:3.20 AS b\nHEALTHCHECK NONE\nFROM b\n", "NoHealthcheck", on); len(got) != 0 {
		t.Errorf("inherited HEALTHCHECK: %v", got)
	}
}

func TestUntrustedRegistry(t *testing.T) {
	src := `FROM alpine:3.20 AS a
FROM gcr.io/distroless/static:nonroot AS b
FROM eu.gcr.io/p/x:1 AS c
FROM my.registry:5000/x:1
COPY --from=a /x /x
COPY --from=quay.io/org/img:1 /y /y
RUN --mount=type=bind,from=ghcr.io/o/i:2,target=/m true
`
	if got := findingsOf(t, src, "UntrustedRegistry", &Options{NoBuildKit: true}); len(got) != 0 {
		t.Errorf("no trustedRegistries: %v", got)
	}
	opts := &Options{NoBuildKit: true, Settings: &Settings{TrustedRegistries: []string{"docker.io", "*.gcr.io", "my.registry:5000"}}}
	want := "[2:gcr.io/distroless/static:nonroot|DL3026 6:quay.io/org/img:1|DL3026 7:ghcr.io/o/i:2|DL3026]"
	if got := fmt.Sprint(findingsOf(t, src, "UntrustedRegistry", opts)); got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

func TestLabelSchema(t *testing.T) {
	schema := map[string]string{"maintainer": "email", "url": "url", "created": "rfc3339", "license": "spdx",
		"revision": "hash", "version": "semver", "title": "text"}
	good := `FROM alpine:3.20
LABEL maintainer="dev@example.com" url="https://example.com/x" created="2024-01-02T03:04:05Z" \
      license="Apache-2.0 OR MIT" revision="0123456789abcdef0123456789abcdef01234567" version=1.2.3-rc.1 title="x"
`
	bad := `FROM alpine:3.20 AS base
LABEL maintainer="not an email" url="example" created="yesterday" license="Thou shall not" \
      revision="abc" version="v1" title="  " extra=1
`
	opts := &Options{NoBuildKit: true, Settings: &Settings{LabelSchema: schema, StrictLabels: true}}
	for _, code := range []string{"LabelMissing", "LabelSuperfluous", "LabelEmpty", "LabelType"} {
		if got := findingsOf(t, good, code, opts); len(got) != 0 {
			t.Errorf("good: %s %v", code, got)
		}
		if got := findingsOf(t, bad, code, &Options{NoBuildKit: true}); len(got) != 0 {
			t.Errorf("no schema: %s %v", code, got)
		}
	}
	check := func(code, want string) {
		t.Helper()
		if got := fmt.Sprint(findingsOf(t, bad, code, opts)); got != want {
			t.Errorf("%s: got %s\nwant %s", code, got, want)
		}
	}
	check("LabelType", `[2:maintainer="not an email"|DL3058 2:url="example"|DL3052 2:created="yesterday"|DL3053 2:license="Thou shall not"|DL3054 3:revision="abc"|DL3055 3:version="v1"|DL3056]`)
	check("LabelEmpty", `[3:title="  "|DL3051]`)
	check("LabelSuperfluous", `[3:extra=1|DL3050]`)
	// a stage built on another inherits its labels; a stage on an image does not
	two := bad + "FROM base\nFROM alpine:3.20\n"
	if got := fmt.Sprint(findingsOf(t, two, "LabelMissing", opts)); !strings.HasPrefix(got, "[5:FROM alpine:3.20|DL3049") || strings.Contains(got, "4:") {
		t.Errorf("LabelMissing: %s", got)
	}
}
