package diagnostics

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/subrequests/lint"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/bklint"
)

// TestEngineMatchesDockerfileLintOnLintInputs: every text msls hands to
// BuildKit's checks (the lint input: compact RUNs, neutral comments, the
// lines of instructions in error emptied, FROM stubs) must give the same
// warnings through bklint as through BuildKit's DockerfileLint, wherever
// bklint answers. bklint's own test covers the corpus files as written; this
// one covers the texts only msls makes.
func TestEngineMatchesDockerfileLintOnLintInputs(t *testing.T) {
	type input struct {
		text []byte
		env  []string
	}
	var (
		mu     sync.Mutex
		inputs = map[string]input{}
	)
	observeLint = func(text []byte, env []string) {
		mu.Lock()
		inputs[string(text)+"\x00"+strings.Join(env, "\x00")] = input{text, env}
		mu.Unlock()
	}
	defer func() { observeLint = nil }()
	for _, text := range withErrors(lintInputs(t)) {
		f := dockerfile.Parse(text)
		text = lintInputOf(f)
		safeLint(func() *lint.LintResults { return lintTextAlone(text) })
	}
	observeLint = nil
	answered, bad := 0, 0
	lintable := 0 // the inputs BuildKit lints without failing
	for _, in := range inputs {
		var want []string
		failed := false
		func() {
			defer func() {
				if recover() != nil {
					want, failed = []string{"<panic>"}, true
				}
			}()
			r := dockerfileLint(in.text, in.env)
			want = warningSet(r)
			failed = r == nil || (r.Error != nil && !isViolationError(r.Error))
		}()
		if !failed {
			lintable++
		}
		res, err := parser.Parse(bytes.NewReader(in.text))
		if err != nil {
			continue
		}
		got, err := bklint.Lint(in.text, res, nil, in.env, nil)
		if err != nil {
			continue
		}
		answered++
		if g := warningSet(got); strings.Join(g, "\n") != strings.Join(want, "\n") {
			bad++
			if bad <= 5 {
				t.Errorf("bklint differs from DockerfileLint on\n%s\nDockerfileLint: %q\nbklint:         %q", in.text, want, g)
			}
		}
	}
	if bad > 5 {
		t.Errorf("%d texts differ in all", bad)
	}
	// bklint declines wherever BuildKit fails, so the share that matters is
	// of the inputs BuildKit lints
	share := float64(answered) / float64(lintable)
	t.Logf("bklint answered %d of %d lint inputs, of which BuildKit lints %d (%.1f%% of those)", answered, len(inputs), lintable, 100*share)
	if lintable > 1000 && share < 0.97 {
		t.Errorf("bklint answered only %.1f%% of the inputs BuildKit lints", 100*share)
	}
}

// TestParsedLintMatchesDockerfileLint: the fast path, bklint's pass over the
// nodes and typed commands the file already has, must give what
// DockerfileLint gives on the file's lint input, wherever it answers.
func TestParsedLintMatchesDockerfileLint(t *testing.T) {
	inputs := withErrors(lintInputs(t))
	answered, bad := 0, 0
	for name, text := range inputs {
		f := dockerfile.Parse(text)
		hide, stub := lintBadLines(f)
		text = lintText(f, hide, stub)
		got, _ := lintNodes(f, text, bklint.EnvFor(text), hide, stub, nil)
		if got == nil {
			continue
		}
		answered++
		want := safeLint(func() *lint.LintResults { return dockerfileLint(text, bklint.EnvFor(text)) })
		if g := warningSet(got); strings.Join(g, "\n") != strings.Join(want, "\n") {
			bad++
			if bad <= 5 {
				t.Errorf("%s: bklint over the file's nodes differs from DockerfileLint\nDockerfileLint: %q\nbklint:         %q", name, want, g)
			}
		}
	}
	if bad > 5 {
		t.Errorf("%d files differ in all", bad)
	}
	share := float64(answered) / float64(len(inputs))
	t.Logf("answered %d of %d files (%.1f%%)", answered, len(inputs), 100*share)
	if len(inputs) > 1000 && share < 0.9 {
		t.Errorf("answered only %.1f%% of the files", 100*share)
	}
}

func findingSet(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%d-%d %s %s %s\n", f.Span.Start, f.Span.End, f.Code, f.Severity, didYouMean.ReplaceAllString(f.Message, "(did you mean ...?)"))
	}
	return b.String()
}

// didYouMean matches BuildKit's suggestion for an undeclared name: between
// candidates at the same distance it picks in map order, so which one is
// named varies from run to run (that one is named does not).
var didYouMean = regexp.MustCompile(`\(did you mean [^)]*\)`)

// TestPlatformVarsUndefinedAsBuildKit: $TARGETARCH, $BUILDARCH and
// $TARGETPLATFORM used in a stage without `ARG` are reported as BuildKit's
// DockerfileLint reports them with a base image that sets no such variable
// (no image does), through msls's fast path too.
func TestPlatformVarsUndefinedAsBuildKit(t *testing.T) {
	text := []byte("FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nENV GOARCH=$TARGETARCH\nWORKDIR /src/$BUILDARCH\nFROM alpine\nCOPY --from=build /a /b-$TARGETPLATFORM\n")
	want := warningSet(dockerfileLint(text, nil))
	for _, name := range []string{"TARGETARCH", "BUILDARCH", "TARGETPLATFORM"} {
		if !strings.Contains(strings.Join(want, "\n"), "UndefinedVar Usage of undefined variable '$"+name+"'") {
			t.Fatalf("DockerfileLint does not report $%s: %q", name, want)
		}
	}
	f := dockerfile.Parse(text)
	var got []string
	for _, fd := range BuildKitFindings(f) {
		got = append(got, fmt.Sprintf("%d %s %s", f.Lines.Line(fd.Span.Start)+1, fd.Code, fd.Message))
	}
	sort.Strings(got)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("msls reports\n%s\nDockerfileLint reports\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
