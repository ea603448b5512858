package navigation

import (
	"sort"

	"github.com/msls-dev/msls/dockerfile"
)

// The whole-file answers about one symbol (who uses a stage, every use of a
// variable) are computed once per version, on the first request that needs
// them, and kept in the File's memo (File.Derived): a File is immutable, and
// an editor asks many questions of the same version. The stage and variable
// halves are separate, since hovering a stage needs only the first.
// Definition and hover on a variable need neither: they look at one
// instruction.

// stageRefs is every stage reference of a file in source order, and per
// stage the indexes in refs of those resolving to it, in source order.
type stageRefs struct {
	refs   []StageRef
	refsTo map[*dockerfile.Stage][]int
}

// varUses is every variable definition and use in source order, with the
// family of each. Scanning them per request is cheap (a comparison each);
// resolving them is what costs, and is done here once.
type varUses struct {
	uses     []VarUse
	families []familyKey
}

type stageIndexKey struct{}
type varIndexKey struct{}

// stageIndex returns f's stage references.
func stageIndex(f *dockerfile.File) *stageRefs {
	return f.Derived(stageIndexKey{}, func() any {
		ix := &stageRefs{refsTo: map[*dockerfile.Stage][]int{}}
		for _, in := range f.Instructions {
			ix.refs = appendStageRefs(ix.refs, f, in)
		}
		for i, r := range ix.refs {
			if r.Stage != nil {
				ix.refsTo[r.Stage] = append(ix.refsTo[r.Stage], i)
			}
		}
		return ix
	}).(*stageRefs)
}

// varIndex returns f's variable uses.
func varIndex(f *dockerfile.File) *varUses {
	return f.Derived(varIndexKey{}, func() any {
		ix := &varUses{}
		r := newResolver(f)
		for _, in := range f.Instructions {
			ix.uses = appendVarUses(ix.uses, f, in, r.resolve)
		}
		ix.families = make([]familyKey, len(ix.uses))
		for i, u := range ix.uses {
			ix.families[i] = familyWith(f, u, r.root)
		}
		return ix
	}).(*varUses)
}

// resolver is ResolveVar for every use of a file at once: per stage, the
// definitions of each name, and the answer for "name at the end of stage s"
// memoized, so that a chain of thousands of stages built on each other is
// walked once per name rather than once per use.
type resolver struct {
	f      *dockerfile.File
	global map[string][]int
	byName []map[string][]int // per stage, built on first use
	ends   map[stageName]*dockerfile.Var
	roots  []int
}

type stageName struct {
	stage int
	name  string
}

func newResolver(f *dockerfile.File) *resolver {
	r := &resolver{f: f, global: namesOf(f.GlobalArgs), byName: make([]map[string][]int, len(f.Stages)),
		ends: map[stageName]*dockerfile.Var{}, roots: make([]int, len(f.Stages))}
	// The root of each stage's FROM chain, in one pass: a parent always
	// comes earlier.
	for i, s := range f.Stages {
		r.roots[i] = i
		if s.Parent >= 0 && s.Parent < i {
			r.roots[i] = r.roots[s.Parent]
		}
	}
	return r
}

func namesOf(vars []dockerfile.Var) map[string][]int {
	m := map[string][]int{}
	for i := range vars {
		m[vars[i].Name] = append(m[vars[i].Name], i)
	}
	return m
}

func (r *resolver) root(stage int) int {
	if stage >= 0 && stage < len(r.roots) {
		return r.roots[stage]
	}
	return stage
}

// local is the last definition of name in stage started before limit and
// not made by in. Most stages define a handful of variables, scanned
// directly; larger ones get a map by name on first use.
func (r *resolver) local(stage int, name string, in *dockerfile.Instruction, limit int) *dockerfile.Var {
	vars := r.f.Stages[stage].Vars
	if len(vars) <= 16 {
		for i := len(vars) - 1; i >= 0; i-- {
			if v := &vars[i]; v.Name == name && v.Inst != in && v.Inst.Span.Start < limit {
				return v
			}
		}
		return nil
	}
	if r.byName[stage] == nil {
		r.byName[stage] = namesOf(vars)
	}
	return lastBefore(vars, r.byName[stage][name], in, limit)
}

// lastBefore is ResolveVar's `before` over the definitions idx of one name:
// the last one started before limit, not made by in itself.
func lastBefore(vars []dockerfile.Var, idx []int, in *dockerfile.Instruction, limit int) *dockerfile.Var {
	i := sort.Search(len(idx), func(j int) bool { return vars[idx[j]].Inst.Span.Start >= limit }) - 1
	for ; i >= 0; i-- {
		if v := &vars[idx[i]]; v.Inst != in {
			return v
		}
	}
	return nil
}

// resolve agrees with ResolveVar (the index tests compare them).
func (r *resolver) resolve(f *dockerfile.File, name string, in *dockerfile.Instruction) *dockerfile.Var {
	if in.Stage < 0 || in.Is("FROM") || in.Stage >= len(f.Stages) {
		return lastBefore(f.GlobalArgs, r.global[name], in, in.Span.Start)
	}
	s := f.Stages[in.Stage]
	if v := r.local(s.Index, name, in, in.Span.Start); v != nil {
		return v
	}
	if s.Parent < 0 || s.Parent >= s.Index {
		return nil
	}
	return r.end(s.Parent, name)
}

// end is the last definition of name in stage (or, failing that, in the
// stages it builds on), memoized along the chain it walks.
func (r *resolver) end(stage int, name string) *dockerfile.Var {
	var walked []int
	var found *dockerfile.Var
	for cur := stage; ; {
		if v, ok := r.ends[stageName{cur, name}]; ok {
			found = v
			break
		}
		walked = append(walked, cur)
		if v := r.local(cur, name, nil, r.f.Stages[cur].Span.End+1); v != nil {
			found = v
			break
		}
		st := r.f.Stages[cur]
		if st.Parent < 0 || st.Parent >= st.Index {
			break
		}
		cur = st.Parent
	}
	for _, c := range walked {
		r.ends[stageName{c, name}] = found
	}
	return found
}
