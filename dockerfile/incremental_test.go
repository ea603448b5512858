package dockerfile_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/corpustest"
)

// fixtureSources are the Dockerfiles under testdata/ (the bench files and
// every Dockerfile member of a txtar archive) and the fuzzing edge cases.
func fixtureSources(t *testing.T) map[string][]byte {
	t.Helper()
	srcs := map[string][]byte{}
	for i, s := range edgeSeeds {
		srcs[fmt.Sprintf("edge%d", i)] = []byte(s)
	}
	corpustest.AddTestdata(t, srcs)
	return srcs
}

var didYouMean = regexp.MustCompile(`\(did you mean [^?]*\?\)`)

// checkSame fails unless got models text exactly as want does.
func checkSame(t *testing.T, name string, prev, text []byte, got, want *dockerfile.File) bool {
	t.Helper()
	// BuildKit picks a "did you mean" among equally close keywords in map
	// order: two parses of one instruction may suggest different ones.
	g, w := didYouMean.ReplaceAllString(dockerfile.DumpFile(got), "(did you mean ...?)"), didYouMean.ReplaceAllString(dockerfile.DumpFile(want), "(did you mean ...?)")
	if g != w {
		gl, wl := strings.Split(g, "\n"), strings.Split(w, "\n")
		i := 0
		for i < len(gl) && i < len(wl) && gl[i] == wl[i] {
			i++
		}
		at := func(l []string) string {
			if i < len(l) {
				return l[i]
			}
			return "(end)"
		}
		t.Errorf("%s: ParseFrom differs from Parse at dump line %d\n got: %s\nwant: %s\nprev: %q\ntext: %q", name, i, at(gl), at(wl), prev, text)
		return false
	}
	if i := dockerfile.SameCommands(got, want); i >= 0 {
		t.Errorf("%s: instruction %d: typed command differs\n got: %#v\nwant: %#v\ntext: %q", name, i, got.Instructions[i].Command, want.Instructions[i].Command, text)
		return false
	}
	return true
}

// TestParseFromMatchesParse edits every fixture and corpus file at random
// (fixed seed) and checks that the model ParseFrom builds from the previous
// version is the one Parse builds, field by field. Each file gets a chain of
// edits, every step parsed from the previous step's ParseFrom result (or,
// now and then, from a plain Parse).
func TestParseFromMatchesParse(t *testing.T) {
	fixtures := fixtureSources(t)
	corpus := map[string][]byte{}
	corpustest.AddAll(t, corpus)
	type job struct {
		name  string
		src   []byte
		edits int
	}
	var jobs []job
	for name, src := range fixtures {
		jobs = append(jobs, job{name, src, 30})
	}
	for name, src := range corpus {
		jobs = append(jobs, job{name, src, 3})
	}
	sort.Slice(jobs, func(i, j int) bool { return jobs[i].name < jobs[j].name })
	// Files are edited in parallel (each with its own seeded generator), which
	// also has the BuildKit cache shared between concurrent parses.
	var mu sync.Mutex
	failures, checked := 0, 0
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for n := range next {
				j := jobs[n]
				r := rand.New(rand.NewPCG(7, uint64(n)))
				text := j.src
				prev := dockerfile.Parse(text)
				for e := 0; e < j.edits; e++ {
					edited := corpustest.RandomEdit(r, text)
					var got, want *dockerfile.File
					if r.IntN(2) == 0 { // either may fill the BuildKit cache first
						got, want = dockerfile.ParseFrom(prev, edited), dockerfile.Parse(edited)
					} else {
						want = dockerfile.Parse(edited)
						got = dockerfile.ParseFrom(prev, edited)
					}
					ok := checkSame(t, fmt.Sprintf("%s edit %d", j.name, e), text, edited, got, want)
					mu.Lock()
					checked++
					if !ok {
						failures++
					}
					mu.Unlock()
					if !ok {
						break
					}
					text, prev = edited, got
					if r.IntN(8) == 0 {
						prev = want
					}
				}
			}
		})
	}
	for n := range jobs {
		mu.Lock()
		stop := failures >= 10
		mu.Unlock()
		if stop {
			break
		}
		next <- n
	}
	close(next)
	wg.Wait()
	t.Logf("checked %d edits of %d files", checked, len(jobs))
}

// TestParseFromEdits covers the edits the random test may rarely make.
func TestParseFromEdits(t *testing.T) {
	base := "# syntax=docker/dockerfile:1\nARG V=1\nFROM a AS one\n# about run\nRUN echo $V \\\n  && make\n\nCOPY <<EOF /x\nbody\nEOF\nFROM one\nONBUILD RUN y\n# end\n"
	cases := []struct{ from, to string }{
		{base, base},
		{base, "# escape=`\n" + base},
		{base, strings.Replace(base, "# syntax=docker/dockerfile:1\n", "", 1)},
		{base, strings.Replace(base, "syntax", "escape=`\n# syntax", 1)},
		{base, strings.Replace(base, "FROM a AS one\n", "", 1)},               // the first FROM goes: later instructions lose their stage
		{base, strings.Replace(base, "ARG V=1\n", "ARG V=1\nRUN early\n", 1)}, // before any FROM
		{base, strings.Replace(base, "  && make\n", "  && make \\\n", 1)},     // a continuation swallows the next lines
		{base, strings.Replace(base, "\nEOF\n", "\nEOX\n", 1)},                // the heredoc runs to the end
		{base, strings.Replace(base, "# about run\n", "", 1)},
		{base, strings.Replace(base, "# end\n", "RUN last\n", 1)},
		{base, base + "RUN appended"},
		{base + "RUN a \\\n", base + "RUN a \\\nb\n"},
		{base + "RUN a \\\n\n# c\n", base + "RUN a \\\n\n# c\nb\n"},
		{base + "RUN <<E\nx\n", base + "RUN <<E\nx\nE\nRUN z\n"},
		{base, strings.Replace(base, "\n", "\r\n", -1)},
		{"\xef\xbb\xbf" + base, "\xef\xbb\xbf" + strings.Replace(base, "one", "two", -1)},
		{base, "\xef\xbb\xbf" + base},
		{"", base},
		{base, ""},
		{"FROM a\nRUN " + strings.Repeat("x", dockerfile.MaxLineBytes+3) + "\nRUN b\n", "FROM a\nRUN " + strings.Repeat("x", dockerfile.MaxLineBytes+3) + "\nRUN bc\n"},
		{"FROM a\nRUN b\nRUN " + strings.Repeat("x", dockerfile.MaxLineBytes+3) + "\n", "FROM a\nRUN bc\nRUN " + strings.Repeat("x", dockerfile.MaxLineBytes+3) + "\n"},
		{"FROM a\nCOPY --from= a b\nRUN x\n", "FROM a\n\nCOPY --from= a b\nRUN x\n"},
		{"FROM a\nCOPY --from= a b\nRUN x\n", "FROM a\nRUN y\nCOPY --from= a b\nRUN x\n"},
		// stages before the edit are reused, with their names indexed
		{"FROM a AS x\nFROM b AS \u00e9\nFROM x AS X\nRUN y\n", "FROM a AS x\nFROM b AS \u00e9\nFROM x AS X\nRUN yz\n"},
		{"FROM a AS x\nFROM b AS x\nFROM x AS y\nRUN z\nFROM y\n", "FROM a AS x\nFROM b AS x\nFROM x AS x\nRUN z\nFROM y\n"},
		{"FROM a AS x\nFROM b AS y\nFROM x AS z\nRUN z\nFROM y\n", "FROM a AS x\nFROM b AS y\nFROM x AS z\nRUN z\nFROM y AS \u00e9\n"},
		{"ARG B=1\nFROM a AS x\nFROM b AS y\nRUN z\n", "ARG B=1\nFROM a AS x\nFROM b AS y\nRUN zz\n"},
	}
	for i, c := range cases {
		prev := dockerfile.Parse([]byte(c.from))
		got := dockerfile.ParseFrom(prev, []byte(c.to))
		checkSame(t, fmt.Sprintf("case %d", i), []byte(c.from), []byte(c.to), got, dockerfile.Parse([]byte(c.to)))
	}
}

// TestParseFromReusesInstructions: instructions before the edit are the
// same objects, so what rules derived from them survives; those after it are
// fresh copies at their new place.
func TestParseFromReusesInstructions(t *testing.T) {
	src := []byte("FROM a\nRUN apt-get update\n# typing: \nRUN make\nCOPY . .\n")
	prev := dockerfile.Parse(src)
	type key struct{}
	prev.Instructions[1].Derived(key{}, func() any { return "computed once" })
	at := bytes.Index(src, []byte("typing: ")) + len("typing: ")
	next := append(append(append([]byte{}, src[:at]...), "x\n"...), src[at:]...) // one line more
	f := dockerfile.ParseFrom(prev, next)
	checkSame(t, "insert", src, next, f, dockerfile.Parse(next))
	for i := range 2 {
		if f.Instructions[i] != prev.Instructions[i] {
			t.Errorf("instruction %d before the edit was not reused", i)
		}
	}
	if v := f.Instructions[1].Derived(key{}, func() any { return "computed again" }); v != "computed once" {
		t.Errorf("derived value lost: %v", v)
	}
	for i := 2; i < 4; i++ {
		in, old := f.Instructions[i], prev.Instructions[i]
		if in == old {
			t.Fatalf("instruction %d after the edit is shared with the old File", i)
		}
		if in.StartLine != old.StartLine+1 || in.Node.StartLine != old.Node.StartLine+1 {
			t.Errorf("instruction %d not moved one line down: %d (node %d), was %d", i, in.StartLine, in.Node.StartLine, old.StartLine)
		}
	}
	if f.Stages[0].Instructions[1] != prev.Instructions[1] {
		t.Errorf("the stage does not list the reused instruction")
	}
}

// TestParseFromConcurrentReaders builds new versions while other goroutines
// read the previous one (and ask it for derived values); run with -race, it
// catches any write to a published instruction.
func TestParseFromConcurrentReaders(t *testing.T) {
	text, err := os.ReadFile("../testdata/bench/multistage-198.Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	prev := dockerfile.Parse(text)
	r := rand.New(rand.NewPCG(3, 5))
	type key struct{}
	for step := 0; step < 30; step++ {
		next := corpustest.RandomEdit(r, text)
		var wg sync.WaitGroup
		for range 3 {
			wg.Go(func() {
				var sum int
				for _, in := range prev.Instructions {
					sum += in.Stage + len(in.Args) + in.Span.End
					if in.Err != nil {
						sum += in.Err.Span.End
					}
					if in.Node != nil {
						sum += in.Node.StartLine
					}
					in.Derived(key{}, func() any { return in.Keyword })
				}
				for _, st := range prev.Stages {
					sum += len(st.Instructions) + len(st.Vars)
				}
				_ = sum
				_ = dockerfile.DumpFile(prev)
			})
		}
		f := dockerfile.ParseFrom(prev, next)
		wg.Wait()
		text, prev = next, f
	}
}
