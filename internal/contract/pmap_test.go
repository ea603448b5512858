package contract

import (
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// pmapItems is m as a plain map (in key order, which a map forgets).
func pmapItems[V comparable](m pmap[V]) map[string]V {
	out := map[string]V{}
	var walk func(n *pnode[V], lo, hi string, hasLo, hasHi bool)
	walk = func(n *pnode[V], lo, hi string, hasLo, hasHi bool) {
		if n == nil {
			return
		}
		if hasLo && n.key <= lo || hasHi && n.key >= hi {
			panic("pmap: keys out of order at " + n.key)
		}
		if n.left != nil && n.left.prio > n.prio || n.right != nil && n.right.prio > n.prio {
			panic("pmap: not a heap by prio at " + n.key)
		}
		walk(n.left, lo, n.key, hasLo, true)
		out[n.key] = n.val
		walk(n.right, n.key, hi, true, hasHi)
	}
	walk(m.root, "", "", false, false)
	return out
}

// rootDirsOf and progsOf are a state's maps, the stages it builds on
// included.
func rootDirsOf(s *state) map[string]dirOrigin { return pmapItems(s.rootDirs) }
func progsOf(s *state) map[string]bool         { return pmapItems(s.progs) }

// TestPmap applies random changes to pmaps and to plain maps alongside,
// keeping every version: each version must answer as the plain map of its
// time, after any number of later changes derived from it or from older
// versions (a stage and the stages built on it, siblings included).
func TestPmap(t *testing.T) {
	// paths that sort around each other: p, p+"/...", p+"-x", p+".x"
	keys := []string{"", "/", "/a", "/a/b", "/a/b/c", "/a-b", "/a.b", "/a/b-c", "/ab", "/b", "/b/a", "/app",
		"/app/node_modules", "/app2", "/srv/www", "/srv", "pnpm", "yarn", "a"}
	r := rand.New(rand.NewPCG(1, 2))
	type version struct {
		m    pmap[int]
		want map[string]int
	}
	vs := []version{{want: map[string]int{}}}
	for step := range 4000 {
		from := vs[len(vs)-1]
		if r.IntN(4) == 0 {
			from = vs[r.IntN(len(vs))] // a sibling of a later version
		}
		k := keys[r.IntN(len(keys))]
		next := version{want: maps.Clone(from.want)}
		if r.IntN(3) == 0 {
			next.m = from.m.without(k)
			delete(next.want, k)
		} else {
			v := r.IntN(3)
			next.m = from.m.with(k, v)
			next.want[k] = v
		}
		vs = append(vs, next)
		if step%97 != 0 {
			continue
		}
		for i, v := range vs {
			if got := pmapItems(v.m); !maps.Equal(got, v.want) {
				t.Fatalf("step %d, version %d: %v, want %v", step, i, got, v.want)
			}
			for _, k := range keys {
				got, ok := v.m.get(k)
				want, wantOK := v.want[k]
				if got != want || ok != wantOK || v.m.has(k) != wantOK {
					t.Fatalf("step %d, version %d: get(%q) = %d, %v, want %d, %v", step, i, k, got, ok, want, wantOK)
				}
				under := false
				for q := range v.want {
					under = under || q == k || strings.HasPrefix(q, k+"/")
				}
				if v.m.hasAtOrUnder(k) != under {
					t.Fatalf("step %d, version %d (%v): hasAtOrUnder(%q) = %v", step, i, slices.Sorted(maps.Keys(v.want)), k, !under)
				}
			}
		}
	}
	// an unchanged value or an absent key gives the map itself
	m := pmap[int]{}.with("/a", 1)
	if m.with("/a", 1).root != m.root || m.without("/b").root != m.root {
		t.Error("with of the same value or without of an absent key made a new map")
	}
}
