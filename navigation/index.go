// Package navigation answers the "where is it, what is it" questions about a
// Dockerfile: definition, references, highlights, rename, hover, document
// symbols and folding. Everything works on a *dockerfile.File and byte
// offsets and returns plain values; the server converts them to LSP.
package navigation

import (
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
	}
	return refs
}

func resolveRef(f *dockerfile.File, r StageRef) StageRef {
	if strings.ContainsAny(r.Name, "$") {
		return r
	}
	for _, s := range f.Stages {
		if s.Name != "" && strings.EqualFold(s.Name, r.Name) {
			r.Stage = s
			return r
		}
	}
	if n, ok := atoi(r.Name); ok && n < len(f.Stages) {
		r.Stage, r.Numeric = f.Stages[n], true
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
	decls := map[int]*dockerfile.Var{} // name start -> definition
	for i := range f.GlobalArgs {
		decls[f.GlobalArgs[i].NameSpan.Start] = &f.GlobalArgs[i]
	}
	for _, s := range f.Stages {
		for i := range s.Vars {
			decls[s.Vars[i].NameSpan.Start] = &s.Vars[i]
		}
	}
	for _, in := range f.Instructions {
		var ds []*dockerfile.Var
		if in.Is("ARG") || in.Is("ENV") {
			for _, a := range in.Args {
				if v := decls[a.Span.Start]; v != nil && v.Inst == in {
					ds = append(ds, v)
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
			uses = append(uses, VarUse{Name: r.Name, Span: r.NameSpan, Inst: in, Ref: r, Def: ResolveVar(f, r.Name, in)})
			ri++
		}
	}
	return uses
}

// family identifies the variable a definition belongs to, so that rename and
// references treat `ARG V` (global), its re-declarations in stages and every
// use as one variable. Definitions of one name in a chain of stages built on
// each other are one variable too.
func family(f *dockerfile.File, u VarUse) string {
	v := u.Def
	if v == nil {
		return "undefined:" + u.Name
	}
	if v.Inst.Stage < 0 {
		return "global:" + v.Name
	}
	if v.Kind == dockerfile.VarArg && GlobalArg(f, v.Name) != nil {
		return "global:" + v.Name
	}
	root := v.Inst.Stage
	for root < len(f.Stages) && f.Stages[root].Parent >= 0 && f.Stages[root].Parent < root {
		root = f.Stages[root].Parent
	}
	return "stage:" + itoa(root) + ":" + v.Name
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

// TargetAt finds the stage or variable named at off (the end of a name counts).
func TargetAt(f *dockerfile.File, off int) (Target, bool) {
	for _, s := range f.Stages {
		if s.Name != "" && s.NameSpan.Contains(off) {
			return Target{Stage: s, Span: s.NameSpan}, true
		}
	}
	for _, r := range StageRefs(f) {
		if r.Span.Contains(off) {
			r := r
			if r.Stage == nil {
				return Target{Image: r.Name, StageRef: &r, Span: r.Span}, true
			}
			return Target{Stage: r.Stage, StageRef: &r, Span: r.Span}, true
		}
	}
	for _, u := range VarUses(f) {
		if u.Span.Contains(off) {
			u := u
			return Target{Var: &u, Span: u.Span}, true
		}
	}
	return Target{}, false
}
