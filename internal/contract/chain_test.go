package contract

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/msls-dev/msls/bench/benchdata"
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/corpustest"
)

// checkBytes is the number of bytes Check allocates on the FROM chain of n
// stages (parsed beforehand).
func checkBytes(n int) uint64 {
	f := dockerfile.Parse(chainText(n))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	Check(f, nil)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestChainGrowsLinearly requires the memory the contract allocates on a
// FROM chain to grow in proportion to its stages: when each stage copied
// the maps of the one before, doubling the stages multiplied it by 4 (and
// a chain of 8,000 stages took 2 GB); sharing them, by a little over 2.
func TestChainGrowsLinearly(t *testing.T) {
	small, large := checkBytes(1000), checkBytes(2000)
	ratio := float64(large) / float64(small)
	t.Logf("1,000 stages: %d KB, 2,000 stages: %d KB (x%.2f)", small>>10, large>>10, ratio)
	if ratio > 3 {
		t.Errorf("doubling the stages of a FROM chain multiplied the contract's allocations by %.2f (%d -> %d KB): more than linear", ratio, small>>10, large>>10)
	}
	// and not merely in proportion: what one stage adds is small
	if perStage := large / 2000; perStage > 64<<10 {
		t.Errorf("%d bytes per stage of a FROM chain", perStage)
	}
}

// TestLookupsNeedNoWalk requires made and produced to answer for a stage
// deep in a FROM chain without walking the stages below it: a walk for
// every WORKDIR (made) or COPY --from (produced) made a chain of n stages
// cost n^2 time.
func TestLookupsNeedNoWalk(t *testing.T) {
	m := build(dockerfile.Parse(chainText(50)), nil)
	s := m.states[len(m.states)-1]
	probes := []string{"/", "", "/d0", "/d49", "/x1", "/x49", "/x", "/d", "/d4", "/x10/y", "/d0/f", "/nope"}
	answers := func(s *state) string {
		var out []string
		for _, p := range probes {
			ok, judged := s.produced(p)
			out = append(out, fmt.Sprintf("%s:%v,%v,%v", p, s.made(p), ok, judged))
		}
		return strings.Join(out, " ")
	}
	want := answers(s)
	if w := "/:false,true,false :true,true,true /d0:true,true,true /d49:true,true,true /x1:true,true,true /x49:true,true,true " +
		"/x:false,false,false /d:false,false,false /d4:true,true,true /x10/y:false,false,true /d0/f:false,false,true /nope:false,false,false"; want != w {
		t.Fatalf("answers\n%s\nwant\n%s", want, w)
	}
	cut := *s
	cut.parent = nil
	if got := answers(&cut); got != want {
		t.Errorf("the answers depend on the stages below:\n%s\nwith them\n%s", got, want)
	}
}

// TestMergedView checks what each stage's state holds of the stages it
// builds on: a stage sees what they added, a stage's additions and
// deletions override theirs for it and the stages built on it, and leave
// them and their other children as they were.
func TestMergedView(t *testing.T) {
	text := `FROM node:20 AS base
WORKDIR /app
WORKDIR /srv/www
RUN rm -rf /srv/www
RUN corepack enable
FROM base AS a
WORKDIR /srv/www
RUN chown node /app
RUN apt-get install -y curl
FROM base AS b
USER node
RUN npm ci
FROM a AS c
USER node
RUN npm ci
WORKDIR /app
RUN npm ci
FROM c AS d
USER root
WORKDIR /opt/x
COPY --chown=node x /srv/www/
RUN npm i -g serve
FROM d AS e
WORKDIR /app/sub
RUN chown node /opt/x
`
	corepack := "pnpm pnpx yarn yarnpkg"
	want := []struct {
		rootDirs string // path:line of the instruction that made it
		progs    string
		made     string // of /app /srv/www /srv /opt/x /app/sub
	}{
		{"/app:2 /srv/www:3", corepack, "true false false false false"},                          // base
		{"/srv/www:7", "curl install " + corepack, "true true true false false"},                 // a: overrides /srv/www, deletes /app
		{"/app:2 /srv/www:3", corepack, "true false false false false"},                          // b: as base
		{"/srv/www:7", "curl install " + corepack, "true true true false false"},                 // c: as a
		{"/opt/x:20", "curl install pnpm pnpx serve yarn yarnpkg", "true true true true false"},  // d
		{"/app/sub:24", "curl install pnpm pnpx serve yarn yarnpkg", "true true true true true"}, // e
	}
	f := dockerfile.Parse([]byte(text))
	m := build(f, nil)
	if len(m.states) != len(want) {
		t.Fatalf("%d stages", len(m.states))
	}
	for i, w := range want {
		s := m.states[i]
		var dirs []string
		for _, p := range slices.Sorted(maps.Keys(rootDirsOf(s))) {
			o := rootDirsOf(s)[p]
			k := slices.Index(m.states, o.owner)
			dirs = append(dirs, fmt.Sprintf("%s:%d", p, f.Stages[k].Instructions[o.instr].StartLine+1))
		}
		var progs []string
		for p, ok := range progsOf(s) {
			if ok {
				progs = append(progs, p)
			}
		}
		slices.Sort(progs)
		var made []string
		for _, p := range []string{"/app", "/srv/www", "/srv", "/opt/x", "/app/sub"} {
			made = append(made, fmt.Sprint(s.made(p)))
		}
		if got := strings.Join(dirs, " "); got != w.rootDirs {
			t.Errorf("stage %d: rootDirs %s, want %s", i, got, w.rootDirs)
		}
		if got := strings.Join(progs, " "); got != w.progs {
			t.Errorf("stage %d: progs %s, want %s", i, got, w.progs)
		}
		if got := strings.Join(made, " "); got != w.made {
			t.Errorf("stage %d: made %s, want %s", i, got, w.made)
		}
	}
	// b's npm ci meets base's /srv/www; c's first meets a's, its second
	// nothing (a chowned /app)
	var got []string
	for _, p := range Check(f, nil) {
		got = append(got, fmt.Sprintf("%s %d %s", p.Kind, strings.Count(text[:p.Span.Start], "\n")+1, p.Message[strings.Index(p.Message, "(line"):strings.Index(p.Message, ")")+1]))
	}
	if w := []string{"NonRootWriteRootDir 12 (line 3)", "NonRootWriteRootDir 15 (line 7)"}; !slices.Equal(got, w) {
		t.Errorf("problems %q, want %q", got, w)
	}
}

// setWalkLimit sets walkLimit for the rest of the test.
func setWalkLimit(t *testing.T, n int) {
	old := walkLimit
	walkLimit = n
	t.Cleanup(func() { walkLimit = old })
}

// stateAnswers is what every state of m answers to made and produced for
// the paths its stages' products are at, around and below.
func stateAnswers(m *model) []string {
	probes := map[string]bool{"/": true, "": true, "/app/dist": true, "/nope": true, "app": true}
	for _, s := range m.states {
		for _, pr := range s.products {
			for _, p := range []string{pr.path, pr.path + "/sub", pr.path + "/src/x", pr.path + "-x", path.Dir(pr.path)} {
				if len(probes) < 120 {
					probes[p] = true
				}
			}
		}
	}
	var out []string
	for i, s := range m.states {
		for _, p := range slices.Sorted(maps.Keys(probes)) {
			ok, judged := s.produced(p)
			out = append(out, fmt.Sprintf("%d %q made %v produced %v %v", i, p, s.made(p), ok, judged))
		}
	}
	return out
}

// TestIndexEqualsWalk checks the index of the products below a stage
// against the walk through them: every state of chains, the fixtures, the
// multi-stage corpus files and random edits of them answers made and
// produced the same with the index used everywhere (walkLimit 0) as with
// the walk everywhere, and the contract is the same, with and without a
// build context.
func TestIndexEqualsWalk(t *testing.T) {
	srcs := map[string][]byte{"chain": chainText(60)}
	var b strings.Builder
	for i := range 40 {
		// copies from deep in a chain (produced's walk), users, removals
		fmt.Fprintf(&b, "FROM %s AS s%d\nRUN mkdir -p /x%d && rm -rf /x%d\nWORKDIR /d%d\nCOPY --from=s%d /d0/f /x%d/ /y%d\nUSER node\nRUN npm ci\nUSER root\nCOPY . /app%d\n",
			map[bool]string{true: "node:20", false: fmt.Sprintf("s%d", i-1)}[i == 0], i, i, i/2, i, max(i-1, 0), i/3, i, i%5)
	}
	srcs["chain with copies"] = []byte(b.String())
	for _, name := range []string{benchdata.MediumFile, "monorepo-node-go-python.Dockerfile"} {
		raw, err := benchdata.Read(name)
		if err != nil {
			t.Fatal(err)
		}
		srcs[name] = raw
	}
	if dir, ok := corpustest.Dir(); ok {
		files, err := corpustest.Files(dir)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, p := range files {
			if raw, err := os.ReadFile(p); err == nil && strings.Contains(strings.ToLower(filepath.Base(p)), "dockerfile") && len(dockerfile.Parse(raw).Stages) >= 3 {
				if n++; !testing.Short() || n%10 == 0 {
					srcs[p] = raw
				}
			}
		}
	}
	ctx := mapFiles{"package.json": `{"scripts":{"build":"tsc"}}`, "src": "", "dist": "", "f": ""}
	indexed := 0
	for name, raw := range srcs {
		r := rand.New(rand.NewPCG(uint64(len(raw)), 5))
		text := raw
		for e := range 4 {
			if e > 0 {
				text = randomEdit(r, text)
			}
			for _, files := range []Files{nil, ctx} {
				var answers [2][]string
				var problems [2][]Problem
				for k, limit := range []int{0, 1 << 30} {
					setWalkLimit(t, limit)
					f := dockerfile.Parse(text)
					m := build(f, files)
					if limit == 0 {
						for _, s := range m.states {
							if s.index != nil {
								indexed++
							}
						}
					}
					answers[k], problems[k] = stateAnswers(m), Check(f, files)
				}
				if !slices.Equal(answers[0], answers[1]) {
					for i := range answers[0] {
						if answers[0][i] != answers[1][i] {
							t.Fatalf("%s, edit %d, files %v: with the index %s, walking %s", filepath.Base(name), e, files != nil, answers[0][i], answers[1][i])
						}
					}
				}
				if !reflect.DeepEqual(problems[0], problems[1]) {
					t.Fatalf("%s, edit %d, files %v: with the index %s\nwalking %s", filepath.Base(name), e, files != nil, fmtProblems(problems[0]), fmtProblems(problems[1]))
				}
			}
		}
	}
	if indexed == 0 {
		t.Fatal("no state had an index")
	}
	t.Logf("%d sources, %d indexed states", len(srcs), indexed)
}
