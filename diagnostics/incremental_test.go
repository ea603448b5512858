package diagnostics

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/bklint"
	"github.com/msls-dev/msls/internal/corpustest"
)

// TestCheckAfterEditsMatchesParse types into every fixture Dockerfile (and,
// unless -short, every corpus file) as an editor does: random edits, each
// version parsed from the one before (ParseFrom) and checked, so that the
// per-instruction memos of the rules (runMemoOf) are filled, then reused or
// moved by the next version. Every version's findings must equal those of
// a fresh parse of the same text, spans, fixes and related places included.
func TestCheckAfterEditsMatchesParse(t *testing.T) {
	srcs := map[string][]byte{}
	corpustest.AddTestdata(t, srcs)
	corpustest.AddAll(t, srcs)
	names := make([]string, 0, len(srcs))
	for name := range srcs {
		names = append(names, name)
	}
	sort.Strings(names)
	opts := &Options{NoBuildKit: true}
	r := rand.New(rand.NewPCG(1, 2))
	checked, moved := 0, 0 // moved: RUNs whose memo ParseFrom carried over
	for _, name := range names {
		text := srcs[name]
		prev := dockerfile.Parse(text)
		CheckWith(prev, opts)
		for range 6 {
			text = corpustest.RandomEdit(r, text)
			f := dockerfile.ParseFrom(prev, text)
			for _, in := range f.Instructions {
				// a RUN that is not prev's own but has a memo was moved
				if isRun(in) && !containsInstruction(prev, in) {
					carried := true
					in.DerivedMovable(runMemoKey{}, func() any { carried = false; return computeRunMemo(f, in) }, moveRunMemo)
					if carried {
						moved++
					}
				}
			}
			got := ruleFindings(CheckWith(f, opts))
			want := ruleFindings(CheckWith(dockerfile.Parse(text), opts))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: after an edit, the findings differ from a fresh parse's\ntext:\n%s\n%s", name, text, firstFindingDiff(got, want))
				break
			}
			checked++
			prev = f
		}
	}
	t.Logf("%d versions checked, %d moved RUNs carried their memo", checked, moved)
	if checked == 0 || moved == 0 {
		t.Fatalf("%d versions checked, %d moved RUNs carried their memo: the test proves nothing", checked, moved)
	}
}

func containsInstruction(f *dockerfile.File, in *dockerfile.Instruction) bool {
	for _, x := range f.Instructions {
		if x == in {
			return true
		}
	}
	return false
}

// firstFindingDiff shows the first finding that differs.
func firstFindingDiff(got, want []Finding) string {
	for i := range max(len(got), len(want)) {
		var g, w any = "none", "none"
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if !reflect.DeepEqual(g, w) {
			return fmt.Sprintf("finding %d:\ngot:  %#v\nwant: %#v", i, g, w)
		}
	}
	return ""
}

// ruleFindings leaves out the parse errors, which are not the rules' (and
// whose "did you mean" BuildKit picks at random among equals).
func ruleFindings(fds []Finding) []Finding {
	var out []Finding
	for _, fd := range fds {
		if fd.Code != ParseErrorCode {
			out = append(out, fd)
		}
	}
	return out
}

// TestPlainWordIsWhatTheLexerReturns: a word plainWord accepts comes out of
// BuildKit's shell lexer as it went in, without error, for both escape
// tokens (random words over a small alphabet biased to the special bytes).
func TestPlainWordIsWhatTheLexerReturns(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const alphabet = "aZ09 ._-:/@=+,$'\"\\`<>{}()#*?~\t\x00\xff"
	plain := 0
	for range 20000 {
		b := make([]byte, r.IntN(8))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		w := string(b)
		for _, esc := range []rune{'\\', '`'} {
			if !bklint.PlainWord(w, esc) {
				continue
			}
			plain++
			got, _, err := shell.NewLex(esc).ProcessWord(w, argEnv{"a": "x"})
			if err != nil || got != w {
				t.Errorf("PlainWord(%q, %q), but the lexer returns %q, %v", w, esc, got, err)
			}
		}
	}
	if plain < 1000 {
		t.Fatalf("only %d plain words tried", plain)
	}
}
