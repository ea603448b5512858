// Package navigation answers the "where is it, what is it" questions about a
// Dockerfile: definition, references, highlights, rename, hover, document
// symbols and folding. Everything works on a *dockerfile.File and byte
// offsets and returns plain values; the server converts them to LSP.
package navigation

import (
	"sort"
	"strings"

	"github.com/msls-dev/msls/dockerfile"
)

// StageRefKind says where a stage is referred to.
type StageRefKind int

const (
	// RefCopyFrom is `COPY --from=<ref>`.
	RefCopyFrom StageRefKind = iota
	// RefMountFrom is the `from=` field of `RUN --mount`.
	RefMountFrom
	// RefFromBase is `FROM <stage>`.
	RefFromBase
)

// StageRef is a place naming a stage (or an image that could have been one).
type StageRef struct {
	Kind StageRefKind
	Name string
	Span dockerfile.Span
	Inst *dockerfile.Instruction
	// Stage is the stage the reference resolves to; nil for an image.
	Stage *dockerfile.Stage
	// Numeric references name the stage by index; rename leaves them alone.
	Numeric bool
}

// StageRefs lists every stage reference of the file in source order. As in
// BuildKit, `--from` and `from=` see every named stage of the file (a cycle
// is BuildKit's error to report), while `FROM` only builds on earlier ones.
// Wrapped ONBUILD instructions run in another build and are skipped.
func StageRefs(f *dockerfile.File) []StageRef {
	var refs []StageRef
	for _, in := range f.Instructions {
		refs = appendStageRefs(refs, f, in)
	}
	return refs
}

// appendStageRefs appends the stage references of one instruction.
func appendStageRefs(refs []StageRef, f *dockerfile.File, in *dockerfile.Instruction) []StageRef {
	switch {
	case in.Is("FROM"):
		if in.Stage >= 0 && in.Stage < len(f.Stages) {
			st := f.Stages[in.Stage]
			if st.Parent >= 0 {
				refs = append(refs, StageRef{Kind: RefFromBase, Name: st.BaseImage, Span: st.BaseSpan, Inst: in, Stage: f.Stages[st.Parent]})
			}
		}
	case in.Is("COPY"):
		for _, fl := range in.Flags {
			if strings.EqualFold(fl.Name, "from") && fl.HasValue && fl.Value != "" {
				refs = append(refs, resolveRef(f, StageRef{Kind: RefCopyFrom, Name: fl.Value, Span: fl.ValueSpan, Inst: in}))
			}
		}
	case in.Is("RUN"):
		for _, fl := range in.Flags {
			if !strings.EqualFold(fl.Name, "mount") || !fl.HasValue {
				continue
			}
			for _, fd := range MountFields(f, fl) {
				if strings.EqualFold(fd.Key, "from") && fd.HasValue && fd.Value != "" {
					refs = append(refs, resolveRef(f, StageRef{Kind: RefMountFrom, Name: fd.Value, Span: fd.ValueSpan, Inst: in}))
				}
			}
		}
	}
	return refs
}

// resolveRef finds the stage a `--from`/`from=` value names: a stage name
// (the first of that name, case-insensitively), else an index. The lookup
// goes through the File's name index, so listing every reference of a file
// with thousands of stages stays linear.
func resolveRef(f *dockerfile.File, r StageRef) StageRef {
	if strings.ContainsAny(r.Name, "$") {
		return r
	}
	if s := f.StageByName(r.Name); s != nil {
		r.Stage = s
		r.Numeric = s.Name == "" || !strings.EqualFold(s.Name, r.Name)
	}
	return r
}

func atoi(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// MountField is one `key[=value]` field of a `--mount` value.
type MountField struct {
	Key       string
	Value     string
	HasValue  bool
	Span      dockerfile.Span
	KeySpan   dockerfile.Span
	ValueSpan dockerfile.Span
}

// MountFields splits a `--mount` flag value into its comma-separated fields
// with source spans. A value that spans a line continuation has no reliable
// byte mapping and yields no fields.
func MountFields(f *dockerfile.File, fl dockerfile.Flag) []MountField {
	if f.Slice(fl.ValueSpan) != fl.Value {
		return nil
	}
	return splitFields(fl.Value, fl.ValueSpan.Start)
}

func splitFields(v string, base int) []MountField {
	var out []MountField
	start := 0
	for i := 0; i <= len(v); i++ {
		if i < len(v) && v[i] != ',' {
			continue
		}
		field := v[start:i]
		fd := MountField{Key: field, Span: dockerfile.Span{Start: base + start, End: base + i}}
		fd.KeySpan = fd.Span
		if eq := strings.IndexByte(field, '='); eq >= 0 {
			fd.Key, fd.Value, fd.HasValue = field[:eq], field[eq+1:], true
			fd.KeySpan = dockerfile.Span{Start: base + start, End: base + start + eq}
			fd.ValueSpan = dockerfile.Span{Start: base + start + eq + 1, End: base + i}
		} else {
			fd.ValueSpan = dockerfile.Span{Start: fd.Span.End, End: fd.Span.End}
		}
		out = append(out, fd)
		start = i + 1
	}
	return out
}

// VarUse is a definition or a use of a variable.
type VarUse struct {
	Name string
	// Span covers the name only (no `$`, braces or value).
	Span dockerfile.Span
	Inst *dockerfile.Instruction
	// Decl is set for a definition (ARG or ENV).
	Decl *dockerfile.Var
	// Def is the definition a use resolves to (nil when undefined in the
	// file); for a definition, itself.
	Def *dockerfile.Var
	// Ref is the reference for a use.
	Ref *dockerfile.VarRef
}

// ResolveVar finds the definition a use of name inside instruction in sees:
// the last ARG/ENV of the same name in the stage before in (then in the
// stages it builds on), or, in FROM lines and before the first FROM, a global
// ARG. A definition in the same instruction does not count: `ENV A=$A` reads
// the previous A. Inside a stage, a global ARG is only in scope once
// re-declared, so a bare use resolves to nothing.
func ResolveVar(f *dockerfile.File, name string, in *dockerfile.Instruction) *dockerfile.Var {
	before := func(vars []dockerfile.Var, limit int) *dockerfile.Var {
		for i := len(vars) - 1; i >= 0; i-- {
			v := &vars[i]
			if v.Name == name && v.Inst != in && v.Inst.Span.Start < limit {
				return v
			}
		}
		return nil
	}
	if in.Stage < 0 || in.Is("FROM") || in.Stage >= len(f.Stages) {
		return before(f.GlobalArgs, in.Span.Start)
	}
	limit := in.Span.Start
	for s := f.Stages[in.Stage]; s != nil; {
		if v := before(s.Vars, limit); v != nil {
			return v
		}
		if s.Parent < 0 || s.Parent >= s.Index {
			break
		}
		s = f.Stages[s.Parent]
		limit = s.Span.End + 1
	}
	return nil
}

// GlobalArg returns the first global ARG of that name.
func GlobalArg(f *dockerfile.File, name string) *dockerfile.Var {
	for i := range f.GlobalArgs {
		if f.GlobalArgs[i].Name == name {
			return &f.GlobalArgs[i]
		}
	}
	return nil
}

// VarUses lists every variable definition and use of the file in source order.
func VarUses(f *dockerfile.File) []VarUse {
	var uses []VarUse
	for _, in := range f.Instructions {
		uses = appendVarUses(uses, f, in, ResolveVar)
	}
	return uses
}

// appendVarUses appends the variable definitions and uses of one
// instruction, in source order; resolve is ResolveVar or an equivalent.
func appendVarUses(uses []VarUse, f *dockerfile.File, in *dockerfile.Instruction, resolve func(*dockerfile.File, string, *dockerfile.Instruction) *dockerfile.Var) []VarUse {
	var ds []*dockerfile.Var
	if in.Is("ARG") || in.Is("ENV") {
		vars := f.GlobalArgs
		if in.Stage >= 0 && in.Stage < len(f.Stages) {
			vars = f.Stages[in.Stage].Vars
		}
		// Vars are in source order: the instruction's own are a run found
		// by binary search, not a scan of a stage that may hold thousands.
		first := sort.Search(len(vars), func(i int) bool { return vars[i].NameSpan.Start >= in.Span.Start })
		for _, a := range in.Args {
			for i := first; i < len(vars) && vars[i].NameSpan.Start <= in.Span.End; i++ {
				if v := &vars[i]; v.Inst == in && v.NameSpan.Start == a.Span.Start {
					ds = append(ds, v)
					break
				}
			}
		}
	}
	refs := in.VarRefs
	// Definitions and uses interleave by position.
	di, ri := 0, 0
	for di < len(ds) || ri < len(refs) {
		if ri >= len(refs) || (di < len(ds) && ds[di].NameSpan.Start < refs[ri].Span.Start) {
			v := ds[di]
			uses = append(uses, VarUse{Name: v.Name, Span: v.NameSpan, Inst: in, Decl: v, Def: v})
			di++
			continue
		}
		r := &refs[ri]
		uses = append(uses, VarUse{Name: r.Name, Span: r.NameSpan, Inst: in, Ref: r, Def: resolve(f, r.Name, in)})
		ri++
	}
	return uses
}

// family identifies the variable a definition belongs to, so that rename and
// references treat `ARG V` (global), its re-declarations in stages and every
// use as one variable. Definitions of one name in a chain of stages built on
// each other are one variable too.
func family(f *dockerfile.File, u VarUse) familyKey {
	return familyWith(f, u, func(i int) int {
		for i < len(f.Stages) && f.Stages[i].Parent >= 0 && f.Stages[i].Parent < i {
			i = f.Stages[i].Parent
		}
		return i
	})
}

// familyKey is a variable family: undefined, global, or rooted at the first
// stage of a FROM chain. Comparable, so the index keeps one per use without
// building strings.
type familyKey struct {
	kind  byte // 'u'ndefined, 'g'lobal, 's'tage
	stage int  // the chain's root, for 's'
	name  string
}

func (k familyKey) String() string {
	switch k.kind {
	case 'u':
		return "undefined:" + k.name
	case 'g':
		return "global:" + k.name
	}
	return "stage:" + itoa(k.stage) + ":" + k.name
}

// familyWith is family with the root of a stage's chain given by root (the
// index computes every root once).
func familyWith(f *dockerfile.File, u VarUse, root func(stage int) int) familyKey {
	v := u.Def
	if v == nil {
		return familyKey{kind: 'u', name: u.Name}
	}
	if v.Inst.Stage < 0 {
		return familyKey{kind: 'g', name: v.Name}
	}
	if v.Kind == dockerfile.VarArg && GlobalArg(f, v.Name) != nil {
		return familyKey{kind: 'g', name: v.Name}
	}
	return familyKey{kind: 's', stage: root(v.Inst.Stage), name: v.Name}
}

func itoa(n int) string {
	if n < 10 && n >= 0 {
		return string(rune('0' + n))
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// Target is what sits under the cursor.
type Target struct {
	// Stage is set for a stage name (its definition or a reference).
	Stage *dockerfile.Stage
	// StageRef is the reference under the cursor, if not the definition.
	StageRef *StageRef
	// Image is set for a `--from`/`from=`/FROM reference that names no stage.
	Image string
	// Var is set for a variable definition or use.
	Var *VarUse
	// Span is the name under the cursor.
	Span dockerfile.Span
}

// TargetAt finds the stage or variable named at off (the end of a name
// counts). Names only occur inside instructions, so only the instruction at
// off is looked at: the cost does not grow with the file.
func TargetAt(f *dockerfile.File, off int) (Target, bool) {
	in := f.InstructionAt(off)
	if in == nil {
		return Target{}, false
	}
	if in.Is("FROM") && in.Stage >= 0 && in.Stage < len(f.Stages) {
		if s := f.Stages[in.Stage]; s.Name != "" && s.NameSpan.Contains(off) {
			return Target{Stage: s, Span: s.NameSpan}, true
		}
	}
	for _, r := range appendStageRefs(nil, f, in) {
		if r.Span.Contains(off) {
			r := r
			if r.Stage == nil {
				return Target{Image: r.Name, StageRef: &r, Span: r.Span}, true
			}
			return Target{Stage: r.Stage, StageRef: &r, Span: r.Span}, true
		}
	}
	// Resolve only the use under the cursor: in a long chain of stages,
	// resolving each variable of the instruction would walk the chain.
	unresolved := func(*dockerfile.File, string, *dockerfile.Instruction) *dockerfile.Var { return nil }
	for _, u := range appendVarUses(nil, f, in, unresolved) {
		if u.Span.Contains(off) {
			u := u
			if u.Ref != nil {
				u.Def = ResolveVar(f, u.Name, in)
			}
			return Target{Var: &u, Span: u.Span}, true
		}
	}
	return Target{}, false
}
