package diagnostics

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/subrequests/lint"

	"github.com/msls-dev/msls/bench/benchdata"
	"github.com/msls-dev/msls/diagnostics/bklint"
	"github.com/msls-dev/msls/dockerfile"
)

// TestEngineMatchesDockerfileLintOnLintInputs: every text msls hands to
// BuildKit's checks (whole files, the stages' mini files with their stubs and
// padding, the parallel groups, files with instructions in error) must give
// the same warnings through bklint as through BuildKit's DockerfileLint,
// wherever bklint answers. bklint's own test covers the corpus files as
// written; this one covers the texts only msls makes.
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
	for _, text := range withErrors(stagedInputs(t)) {
		f := dockerfile.Parse(text)
		text = lintedText(f, text)
		safeLint(func() *lint.LintResults { return lintStaged(f, text, lintEachStage) })
		safeLint(func() *lint.LintResults {
			p, ok := planStages(f, text)
			if !ok {
				return nil
			}
			found := make([][]stagedWarning, len(p.keys))
			p.lintGroups(2, found)
			return nil
		})
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
		check, _, _, _ := parser.ParseDirective("check", in.text)
		got, ok := bklint.Lint(res, check, in.env)
		if !ok {
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

// TestParsedLintMatchesDockerfileLint: the whole-file pass over the nodes the
// file already has (a file seen for the first time) must give what
// DockerfileLint gives on the file's lint input, wherever it answers.
func TestParsedLintMatchesDockerfileLint(t *testing.T) {
	inputs := withErrors(stagedInputs(t))
	answered, bad := 0, 0
	for name, text := range inputs {
		f := dockerfile.Parse(text)
		text = f.LintInput()
		got, ok := lintParsed(f, text)
		if !ok {
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

// TestFirstSightMatchesStaged: the findings of a document's first check (one
// pass over its nodes, Options.FirstSight) equal those of the staged path,
// and the cache they fill afterwards serves the next check of the same text
// without linting anything.
func TestFirstSightMatchesStaged(t *testing.T) {
	// the one-pass first check is for large files: the corpus files are
	// made large by repeating them, so that it runs on each
	n := 0
	for name, text := range withErrors(stagedInputs(t)) {
		if n++; (testing.Short() && n > 40) || n > 150 {
			break
		}
		if len(text) == 0 {
			continue
		}
		for dockerfile.NewLineIndex(text).LineCount() < parallelMinLines {
			text = append(append(bytes.Clone(text), '\n'), text...)
		}
		f := dockerfile.Parse(text)
		first := CheckWith(f, FirstSight(nil))
		storing.Wait()
		staged := CheckWith(f, nil)
		if g, w := findingSet(first), findingSet(staged); g != w {
			t.Errorf("%s: first-sight findings differ\nfirst:  %s\nstaged: %s", name, g, w)
		}
	}
	text := benchdata.MustAll(t)[2].Text // 10,000 lines
	f := dockerfile.Parse(text)
	clear(bkCache.m)
	lintStaged(f, f.LintInput(), lintFirst)
	storing.Wait()
	linted := 0
	observeLint = func([]byte, []string) { linted++ }
	defer func() { observeLint = nil }()
	lintStaged(f, f.LintInput(), lintAuto)
	if linted != 0 {
		t.Errorf("after a first-sight check, the same text was linted %d times again", linted)
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
