package contract

import (
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
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

// TestMadeNeedsNoWalk requires made to answer from the stage's own state:
// walking the stages it builds on for every WORKDIR made a chain of n
// stages cost n^2 time.
func TestMadeNeedsNoWalk(t *testing.T) {
	m := build(dockerfile.Parse(chainText(50)), nil)
	s := m.states[len(m.states)-1]
	probes := []string{"/", "", "/d0", "/d49", "/x1", "/x49", "/x", "/d", "/d4", "/x10/y", "/nope"}
	var want []bool
	for _, p := range probes {
		want = append(want, s.made(p))
	}
	if !slices.Equal(want, []bool{false, true, true, true, true, true, false, false, true, false, false}) {
		t.Fatalf("made(%q) = %v", probes, want)
	}
	cut := *s
	cut.parent = nil
	for i, p := range probes {
		if got := cut.made(p); got != want[i] {
			t.Errorf("made(%q) depends on the parent chain: %v, %v with it", p, got, want[i])
		}
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
