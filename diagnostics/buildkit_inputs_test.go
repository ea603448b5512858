package diagnostics

import (
	"bytes"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/subrequests/lint"

	"github.com/msls-dev/msls/bench/benchdata"
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/bklint"
	"github.com/msls-dev/msls/internal/corpustest"
)

func warningSet(res *lint.LintResults) []string {
	if res == nil {
		return []string{"<nil>"}
	}
	var out []string
	for _, w := range res.Warnings {
		line := -1
		if w.Location != nil && len(w.Location.Ranges) > 0 && w.Location.Ranges[0].Start != nil {
			line = int(w.Location.Ranges[0].Start.Line) - 1
		}
		out = append(out, fmt.Sprintf("%d %s %s", line+1, w.RuleName, w.Detail))
	}
	if res.Error != nil && !isViolationError(res.Error) {
		// which error BuildKit reports when several stages fail is a race
		// of its own (it resolves base images in parallel); msls only
		// reads whether there is one, and whether it is about the check
		// options
		out = append(out, fmt.Sprintf("error (check options: %v)", strings.Contains(res.Error.Message, "check options")))
	}
	sort.Strings(out)
	return out
}

// isViolationError is the error `# check=error=true` adds when there are
// warnings: it says nothing the warnings do not.
func isViolationError(e *lint.BuildError) bool {
	return strings.HasPrefix(e.Message, "lint violation found for rules")
}

// safeLint is the lint's warning set, or "<panic>": BuildKit's lint panics
// on some inputs, and BuildKitFindings recovers from that.
func safeLint(run func() *lint.LintResults) (out []string) {
	defer func() {
		if recover() != nil {
			out = []string{"<panic>"}
		}
	}()
	return warningSet(run())
}

// lintInputs are the texts the BuildKit equivalence tests run on: the bench
// fixtures, cases of what the lint input hides, and the corpus (the first
// 200 files with -short; in CI a missing corpus fails, see
// corpustest.Required).
func lintInputs(t *testing.T) map[string][]byte {
	in := map[string][]byte{}
	for _, s := range benchdata.MustAll(t)[:2] {
		in["bench/"+s.Name] = s.Text
	}
	in["casing"] = []byte("from alpine as a\nrun true\nFROM a AS b\nRUN x\nrun y\nfrom scratch as c\ncopy --from=b / /\n")
	in["duplicate"] = []byte("FROM alpine AS a\nRUN true\nFROM busybox AS A\nFROM a AS x\nFROM scratch AS a\n")
	in["argchain"] = []byte("ARG REG=docker.io\nARG UNUSED=1\nARG BASE=${REG}/library/alpine\nARG OTHER=x\nFROM $BASE AS a\nRUN x\nFROM scratch AS b\nARG OTHER\nENV O=$OTHER\n")
	// the instruction in error tips the keyword casing: BuildKit, which does
	// not see it, finds a lower-case majority
	in["casing-error"] = []byte("from alpine as a\nrun x\nrun y\nFROM scratch AS b\nCOPY onlyone\nRUN z\n")
	// a FROM in error that keeps its name, built on and copied from
	in["from-error"] = []byte("FROM alpine AS base\nRUN x\nFROM base AS mid oops\nWORKDIR rel\nFROM mid AS last\nCOPY --from=mid / /\nWORKDIR rel2\n")
	in["vars"] = []byte("ARG BASE=alpine\nARG SECRET_TOKEN\nFROM $BASE AS a\nENV FOO=1\nFROM a AS b\nRUN echo $FOO $BAR\nFROM ${NOPE} AS c\nWORKDIR rel\nCMD echo\nCMD echo\n")
	in["platform-vars"] = []byte("FROM --platform=$BUILDPLATFORM golang AS build\nARG TARGETOS\nRUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build\nFROM alpine\nENV P=$TARGETPLATFORM A=$BUILDARCH\n")
	dir, ok := corpustest.Required(t)
	if !ok {
		return in
	}
	files, err := corpustest.Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range files {
		if testing.Short() && i >= 200 {
			break
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		in[p] = b
	}
	return in
}

// withErrors adds, for every fourth multi-stage input, a copy in which one
// instruction of a stage (not a FROM) is replaced by one BuildKit rejects, as
// a half-typed instruction is, and one with a FROM in error: the lint input
// must hold for files in error too.
func withErrors(in map[string][]byte) map[string][]byte {
	out := map[string][]byte{}
	n := 0
	for name, text := range in {
		out[name] = text
		f := dockerfile.Parse(text)
		if len(f.Errors) > 0 || len(f.Stages) < 2 {
			continue
		}
		if n++; n%4 != 0 {
			continue
		}
		var cands []*dockerfile.Instruction
		for _, ins := range f.Instructions {
			if ins.Stage >= 0 && ins.Keyword != "FROM" && ins.StartLine == ins.EndLine && len(ins.Heredocs) == 0 {
				cands = append(cands, ins)
			}
		}
		if len(cands) == 0 {
			continue
		}
		ins := cands[(len(name)*7)%len(cands)]
		broken := string(text[:ins.Span.Start]) + "COPY onlyone" + string(text[ins.Span.End:])
		out[name+" (an instruction in error)"] = []byte(broken)
		// and a FROM in error (half-typed: `FROM image AS`), not the first
		st := f.Stages[1+(len(name)*5)%(len(f.Stages)-1)]
		if st.From.StartLine == st.From.EndLine {
			kw := string(text[st.From.KeywordSpan.Start:st.From.KeywordSpan.End])
			half := kw + " " + st.BaseImage + " AS"
			if st.Name != "" { // the name kept: later stages may build on it
				half += " " + st.Name + " oops"
			}
			broken := string(text[:st.From.Span.Start]) + half + string(text[st.From.Span.End:])
			out[name+" (a FROM in error)"] = []byte(broken)
		}
	}
	return out
}

// lintInputOf is the text BuildKitFindings lints for f.
func lintInputOf(f *dockerfile.File) []byte {
	bad, stub := lintBadLines(f)
	return lintText(f, bad, stub)
}

// lintTextAlone lints a text with the stand-in images BuildKitFindings
// gives a lint input.
func lintTextAlone(text []byte) *lint.LintResults {
	return lintWithEnv(text, bklint.EnvFor(text))
}

// lintWithEnv runs BuildKit's checks on text with the stand-in images
// declaring env: bklint over BuildKit's parse of text, else (where bklint
// declines) DockerfileLint. The two agree (TestEngineMatchesDockerfileLintOnLintInputs);
// bklint is the faster by far over the corpus.
func lintWithEnv(text []byte, env []string) *lint.LintResults {
	if res, err := parser.Parse(bytes.NewReader(text)); err == nil {
		if r, err := bklint.Lint(text, res, nil, env, nil); err == nil {
			return r
		}
	}
	return dockerfileLint(text, env)
}
