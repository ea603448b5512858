package ecosystem

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/corpustest"
)

// moveSources are the Dockerfiles under testdata/ (plain files and the
// Dockerfile members of txtar archives) and, unless -short, the corpus.
func moveSources(t *testing.T) map[string][]byte {
	t.Helper()
	srcs := map[string][]byte{}
	corpustest.AddTestdata(t, srcs)
	corpustest.AddAll(t, srcs)
	return srcs
}

// moveSnippets are what the edits above a RUN insert: text that moves the
// instructions after it by some bytes (and sometimes lines), and text that
// changes how the file splits into instructions.
var moveSnippets = []string{
	"x", "ab", " ", "\t", "é", "\n", "\n\n", "# c\n", "#", "\\", "\\\n", "$A", "${B}", "\"", "'",
	"RUN apt-get install -y curl\n", "RUN npm ci && pip install -r r.txt\n", "FROM a\n", "FROM b AS c\n",
	"ARG A=1\n", "RUN --mount=type=cache,target=/x go build\n", "RUN <<EOF\nnpm ci\nEOF\n", "<<EOF\n", "`",
	"# escape=`\n", "ONBUILD ",
}

// instRuns are the RUN instructions of f (ONBUILD RUN included).
func instRuns(f *dockerfile.File) []*dockerfile.Instruction {
	var out []*dockerfile.Instruction
	for _, in := range f.Instructions {
		if in.Is("RUN") || in.Sub != nil && in.Sub.Is("RUN") {
			out = append(out, in)
		}
	}
	return out
}

// editAboveRun changes a few bytes of text before (the region of) one of
// its RUN instructions, picked at random; ok is false when there is none
// after the start of the file.
func editAboveRun(r *rand.Rand, f *dockerfile.File) (edited []byte, ok bool) {
	text := f.Text
	var ends []int // where the edit must stop: the start of a RUN's first line
	for _, in := range instRuns(f) {
		start := in.Span.Start
		if len(in.Comments) > 0 {
			start = min(start, in.Comments[0].Span.Start)
		}
		start = bytes.LastIndexByte(text[:start], '\n') + 1
		if start > 0 {
			ends = append(ends, start)
		}
	}
	if len(ends) == 0 {
		return nil, false
	}
	end := ends[r.IntN(len(ends))]
	at := r.IntN(end + 1)
	if r.IntN(3) == 0 { // a line start
		at = bytes.LastIndexByte(text[:at], '\n') + 1
	}
	del := 0
	if r.IntN(3) == 0 {
		del = min(1+r.IntN(6), end-at)
	}
	var ins string
	switch r.IntN(6) {
	case 0: // delete only
	case 1: // a copy of a line above
		s := bytes.LastIndexByte(text[:at], '\n') + 1
		e := bytes.IndexByte(text[at:end], '\n')
		if e < 0 {
			e = end - at
		}
		ins = string(text[s:at+e]) + "\n"
	default:
		for n := 1 + r.IntN(2); n > 0; n-- {
			ins += moveSnippets[r.IntN(len(moveSnippets))]
		}
	}
	out := make([]byte, 0, len(text)-del+len(ins))
	out = append(out, text[:at]...)
	out = append(out, ins...)
	return append(out, text[at+del:]...), true
}

// runAnalyses fills the memo of an instruction (and of the one ONBUILD wraps).
func runAnalyses(in *dockerfile.Instruction) {
	for _, x := range []*dockerfile.Instruction{in, in.Sub} {
		if x != nil {
			RunCommands(x)
			RunInstalls(x)
			Mounts(x)
		}
	}
}

// movable are the movable analyses: their key, what computes them, their
// mover.
var movable = []struct {
	name    string
	key     any
	compute func(*dockerfile.Instruction) any
	move    func(any, int) any
}{
	{"RunScript", runScriptKey{}, func(in *dockerfile.Instruction) any { return runScript(in) }, moveRunScript},
	{"RunInstalls", runInstallsKey{}, func(in *dockerfile.Instruction) any { return runInstalls(in) }, moveRunInstalls},
	{"Mounts", mountsKey{}, func(in *dockerfile.Instruction) any { return mounts(in) }, moveMounts},
}

// memoised returns the instruction's memoised value for an analysis, and
// whether it was there (else it computes and memoises it, as the analysis
// would).
func memoised(in *dockerfile.Instruction, i int) (v any, had bool) {
	m := movable[i]
	had = true
	v = in.DerivedMovable(m.key, func() any { had = false; return m.compute(in) }, m.move)
	return v, had
}

// checkMoved compares the analyses of every instruction of got (made by
// ParseFrom from prev) with those of the same instruction of want (Parse of
// the same text), and checks that prev's values were left as they were. It
// returns how many values got's instructions had memoised without computing
// them, counting only instructions that are not prev's own.
func checkMoved(t *testing.T, name string, prev, got, want *dockerfile.File) (carried int, ok bool) {
	t.Helper()
	if len(got.Instructions) != len(want.Instructions) {
		t.Errorf("%s: ParseFrom made %d instructions, Parse %d", name, len(got.Instructions), len(want.Instructions))
		return 0, false
	}
	ok = true
	old := map[*dockerfile.Instruction]bool{}
	for _, in := range prev.Instructions {
		old[in] = true
		for i, m := range movable {
			for _, x := range []*dockerfile.Instruction{in, in.Sub} {
				if x == nil {
					continue
				}
				if v, _ := memoised(x, i); !reflect.DeepEqual(v, m.compute(x)) {
					t.Errorf("%s: %s of the previous version's instruction at line %d was modified\n got: %+v", name, m.name, x.StartLine, v)
					ok = false
				}
			}
		}
	}
	for k, in := range got.Instructions {
		for i, m := range movable {
			pairs := [][2]*dockerfile.Instruction{{in, want.Instructions[k]}}
			if in.Sub != nil && want.Instructions[k].Sub != nil {
				pairs = append(pairs, [2]*dockerfile.Instruction{in.Sub, want.Instructions[k].Sub})
			}
			for _, p := range pairs {
				v, had := memoised(p[0], i)
				if had && !old[in] {
					carried++
				}
				if w := m.compute(p[1]); !reflect.DeepEqual(v, w) {
					t.Errorf("%s: instruction %d (line %d, memoised before: %v): %s differs from a fresh parse\n got: %+v\nwant: %+v",
						name, k, in.StartLine, had, m.name, v, w)
					ok = false
				}
			}
		}
	}
	return carried, ok
}

// TestMovedAnalysesMatchParse edits fixture and corpus files above a RUN at
// random (fixed seed), with RunCommands, RunInstalls and Mounts memoised on
// every instruction of the previous version, and checks that what the
// instructions ParseFrom moved carry over equals what the same instruction of
// a fresh Parse computes. Some edits happen while other goroutines still fill
// the previous version's memo; under -race that checks ParseFrom reads it
// safely.
func TestMovedAnalysesMatchParse(t *testing.T) {
	srcs := moveSources(t)
	names := make([]string, 0, len(srcs))
	for name := range srcs {
		names = append(names, name)
	}
	sort.Strings(names)
	var carried, checked, failures atomic.Int64
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for n := range next {
				r := rand.New(rand.NewPCG(11, uint64(n)))
				name := names[n]
				prev := dockerfile.Parse(srcs[name])
				edits := 3
				if !strings.Contains(name, "corpus") {
					edits = 20
				}
				for e := range edits {
					edited, ok := editAboveRun(r, prev)
					if !ok {
						break
					}
					var fill sync.WaitGroup
					concurrent := r.IntN(4) == 0
					for _, in := range prev.Instructions {
						if concurrent {
							fill.Go(func() { runAnalyses(in) })
						} else {
							runAnalyses(in)
						}
					}
					got := dockerfile.ParseFrom(prev, edited)
					fill.Wait()
					want := dockerfile.Parse(edited)
					c, ok := checkMoved(t, fmt.Sprintf("%s edit %d", name, e), prev, got, want)
					carried.Add(int64(c))
					checked.Add(1)
					if !ok {
						failures.Add(1)
						break
					}
					prev = got
					if r.IntN(8) == 0 {
						prev = want
					}
				}
			}
		})
	}
	for n := range names {
		if failures.Load() >= 10 {
			break
		}
		next <- n
	}
	close(next)
	wg.Wait()
	t.Logf("checked %d edits of %d files; %d values carried into moved instructions", checked.Load(), len(names), carried.Load())
	if carried.Load() == 0 {
		t.Errorf("no analysis was carried into a moved instruction")
	}
}

// TestMovedAnalysesCarried: an edit above RUN instructions moves them; their
// memoised analyses come along, moved, instead of being computed again, and
// the previous version's values stay as they were.
func TestMovedAnalysesCarried(t *testing.T) {
	src := "FROM a\nENV HERE=1\n# about the RUN\nRUN --mount=type=cache,target=/root/.npm npm ci && \\\n    pip install -r req.txt\n" +
		"RUN <<EOF\napt-get install -y curl\nEOF\nRUN [\"sh\", \"-c\", \"npm ci\"]\nONBUILD RUN go mod download\n"
	at := strings.Index(src, "HERE=1") + len("HERE=1")
	for _, ins := range []string{"x", " \\\n  MORE=text", "ab"} {
		for _, del := range []int{0, 2} {
			next := src[:at-del] + ins + src[at:]
			prev := dockerfile.Parse([]byte(src))
			for _, in := range prev.Instructions {
				runAnalyses(in)
			}
			before := make([][]any, len(prev.Instructions))
			for k, in := range prev.Instructions {
				for i := range movable {
					v, _ := memoised(in, i)
					before[k] = append(before[k], v)
				}
			}
			f := dockerfile.ParseFrom(prev, []byte(next))
			want := dockerfile.Parse([]byte(next))
			name := fmt.Sprintf("insert %q delete %d", ins, del)
			// first: checkMoved memoises what it compares
			for k, in := range f.Instructions[2:] {
				k += 2
				if in == prev.Instructions[k] {
					t.Fatalf("%s: instruction %d was not moved", name, k)
				}
				for i, m := range movable {
					if _, had := memoised(in, i); !had {
						t.Errorf("%s: %s of the moved instruction %d was computed again", name, m.name, k)
					}
					if in.Sub != nil {
						if _, had := memoised(in.Sub, i); !had {
							t.Errorf("%s: %s of the moved ONBUILD's RUN was computed again", name, m.name)
						}
					}
				}
			}
			if _, ok := checkMoved(t, name, prev, f, want); !ok {
				continue
			}
			for k := range f.Instructions[2:] {
				k += 2
				for i, m := range movable {
					if v, _ := memoised(prev.Instructions[k], i); !reflect.DeepEqual(v, before[k][i]) {
						t.Errorf("%s: %s of the previous version changed", name, m.name)
					}
				}
			}
			if cs := RunCommands(f.Instructions[2]); len(cs) < 2 || next[cs[1].Start:cs[1].End] != "pip install -r req.txt" {
				t.Errorf("%s: moved commands do not point at the text: %+v", name, cs)
			}
		}
	}
}

// TestMoveSameLength: an edit that keeps the length (delta 0) shares the
// values as they are.
func TestMoveSameLength(t *testing.T) {
	src := "FROM a\nENV X=1\nRUN npm ci\n"
	prev := dockerfile.Parse([]byte(src))
	old := RunCommands(prev.Instructions[2])
	f := dockerfile.ParseFrom(prev, []byte(strings.Replace(src, "X=1", "X=2", 1)))
	if f.Instructions[2] == prev.Instructions[2] {
		t.Fatal("RUN was not moved")
	}
	got := RunCommands(f.Instructions[2])
	if len(got) != 1 || &got[0] != &old[0] {
		t.Errorf("commands not shared: %+v vs %+v", got, old)
	}
}
