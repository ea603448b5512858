package diagnostics

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/subrequests/lint"

	"github.com/msls-dev/msls/bench/benchdata"
	"github.com/msls-dev/msls/dockerfile"
)

func warningSet(res *lint.LintResults) []string {
	if res == nil {
		return []string{"<nil>"}
	}
	var out []string
	for _, w := range res.Warnings {
		line, _ := warningLine(w)
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

func stagedInputs(t *testing.T) map[string][]byte {
	in := map[string][]byte{}
	for _, s := range benchdata.MustAll(t)[:2] {
		in["bench/"+s.Name] = s.Text
	}
	in["casing"] = []byte("from alpine as a\nrun true\nFROM a AS b\nRUN x\nrun y\nfrom scratch as c\ncopy --from=b / /\n")
	in["duplicate"] = []byte("FROM alpine AS a\nRUN true\nFROM busybox AS A\nFROM a AS x\nFROM scratch AS a\n")
	// a stage needs the header ARG its FROM names, and the ones that ARG's
	// default names in turn; not the unrelated ones
	in["argchain"] = []byte("ARG REG=docker.io\nARG UNUSED=1\nARG BASE=${REG}/library/alpine\nARG OTHER=x\nFROM $BASE AS a\nRUN x\nFROM scratch AS b\nARG OTHER\nENV O=$OTHER\n")
	// the instruction in error tips the keyword casing: BuildKit, which does
	// not see it, finds a lower-case majority
	in["casing-error"] = []byte("from alpine as a\nrun x\nrun y\nFROM scratch AS b\nCOPY onlyone\nRUN z\n")
	// a FROM in error that keeps its name, built on and copied from
	in["from-error"] = []byte("FROM alpine AS base\nRUN x\nFROM base AS mid oops\nWORKDIR rel\nFROM mid AS last\nCOPY --from=mid / /\nWORKDIR rel2\n")
	in["vars"] = []byte("ARG BASE=alpine\nARG SECRET_TOKEN\nFROM $BASE AS a\nENV FOO=1\nFROM a AS b\nRUN echo $FOO $BAR\nFROM ${NOPE} AS c\nWORKDIR rel\nCMD echo\nCMD echo\n")
	dir := os.Getenv("MSLS_CORPUS")
	if dir == "" {
		if root, err := benchdata.ModuleRoot(); err == nil {
			dir = filepath.Join(root, "..", "shared", "corpus", "files")
		}
	}
	n := 0
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || (testing.Short() && n >= 200) {
			return nil
		}
		if b, err := os.ReadFile(path); err == nil {
			in[path] = b
			n++
		}
		return nil
	})
	return in
}

// withErrors adds, for every fourth multi-stage input, a copy in which one
// instruction of a stage (not a FROM) is replaced by one BuildKit rejects, as
// a half-typed instruction is: staging must hold for files in error too.
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

// lintedText is the text BuildKitFindings lints for a file with parse
// errors (see lintInput); other files are linted as they are written.
func lintedText(f *dockerfile.File, text []byte) []byte {
	if len(f.Errors) == 0 {
		return text
	}
	return f.LintInput()
}

// TestStagedLintMatchesWholeFile: linting stage by stage (mini files) must
// give exactly what one whole-file BuildKit pass gives.
func TestStagedLintMatchesWholeFile(t *testing.T) {
	bad := 0
	staged := 0
	for name, text := range withErrors(stagedInputs(t)) {
		f := dockerfile.Parse(text)
		text = lintedText(f, text)
		if _, ok := planStages(f, text); ok && len(f.Errors) > 0 {
			staged++
		}
		want := safeLint(func() *lint.LintResults { return lintText(text) })
		got := safeLint(func() *lint.LintResults { return lintStaged(f, text, lintEachStage) })
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			bad++
			if bad <= 10 {
				t.Errorf("%s: staged lint differs\nwhole:  %q\nstaged: %q", name, want, got)
			}
		}
	}
	if bad > 10 {
		t.Errorf("%d files differ in all", bad)
	}
	if staged == 0 {
		t.Error("no file with parse errors was linted stage by stage")
	}
	t.Logf("%d files with parse errors linted stage by stage", staged)
}

// TestStagedLintAfterEdit: after a whole-file pass fills the cache, an edit
// in one stage is linted alone and the result still equals a whole pass.
func TestStagedLintAfterEdit(t *testing.T) {
	text := string(benchdata.MustAll(t)[1].Text)
	f := dockerfile.Parse([]byte(text))
	lintStaged(f, []byte(text), lintAuto) // fill
	for _, edit := range []struct{ old, new string }{
		{"RUN chmod 0755 /etc/shop/entrypoint.sh", "RUN chmod 0755 /etc/shop/entrypoint.sh $UNDEFINED_NOW"},
		{"WORKDIR /srv/worker\nCOPY --from=py-build", "WORKDIR relative/dir\nCOPY --from=py-build"},
		{"FROM runtime-base AS api", "FROM runtime-base AS API"},
		{"EXPOSE 8080\nUSER nginx", "expose 8080\nUSER nginx\nCMD [\"a\"]"},
		{"# Debug image", "# Debug image\n\n\n"},
	} {
		if !strings.Contains(text, edit.old) {
			t.Fatalf("fixture lacks %q", edit.old)
		}
		next := strings.Replace(text, edit.old, edit.new, 1)
		nf := dockerfile.Parse([]byte(next))
		want := warningSet(lintText([]byte(next)))
		got := warningSet(lintStaged(nf, []byte(next), lintAuto))
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("after %q: staged lint differs\nwhole:  %q\nstaged: %q", edit.new, want, got)
		}
	}
}

// TestGroupLintMatchesWholeFile: linting a file as parallel groups of
// consecutive stages (how a large file seen the first time is linted) must
// give exactly what one whole-file BuildKit pass gives, whatever the number
// of groups.
func TestGroupLintMatchesWholeFile(t *testing.T) {
	in := stagedInputs(t)
	// a group whose stages need stubs: c copies from a, B repeats b's name
	in["groupstubs"] = []byte("FROM alpine AS a\nFROM busybox AS b\nRUN x\nRUN x\nFROM scratch AS c\nCOPY --from=a / /\nFROM scratch AS B\n")
	in["groupcasing"] = []byte("from alpine as a\nrun x\nrun x\nrun x\nFROM a AS b\nRUN x\nFROM scratch AS c\nCOPY --from=b / /\nRUN y\n")
	bad := 0
	for name, text := range withErrors(in) {
		f := dockerfile.Parse(text)
		text = lintedText(f, text)
		want := safeLint(func() *lint.LintResults { return lintText(text) })
		for n := 2; n <= 4; n++ {
			got := safeLint(func() *lint.LintResults {
				p, ok := planStages(f, text)
				if !ok {
					return lintText(text)
				}
				found := make([][]stagedWarning, len(p.keys))
				head, ok := p.lintGroups(n, found)
				if !ok {
					return lintText(text)
				}
				return p.results(head, found)
			})
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				bad++
				if bad <= 10 {
					t.Errorf("%s, %d groups: group lint differs\nwhole:  %q\ngroups: %q", name, n, want, got)
				}
			}
		}
	}
	if bad > 10 {
		t.Errorf("%d files differ in all", bad)
	}
}
