package navigation

import (
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/corpustest"
)

// TestIndexAgreesWithWholeFileScan compares the per-instruction lookups and
// the per-File index with the straightforward whole-file scans they replace
// (kept below as the reference), at every offset of the golden fixtures, of
// corpus seeds and of generated many-stage files.
func TestIndexAgreesWithWholeFileScan(t *testing.T) {
	inputs := map[string][]byte{
		"huge":  hugeFile(30),
		"chain": chainFile(30),
		"mixed": []byte("ARG A=1 B=$A\nFROM x:$A AS base\nARG A\nENV C=$A D=${B:-x}\nONBUILD COPY --from=base / /\n" +
			"FROM base AS 1\nRUN --mount=type=bind,from=base,target=/b --mount=from=0 echo $C\nCOPY --from=1 --from=img / /\n" +
			"FROM 1\nCOPY --from=BASE / /\nRUN <<EOF\necho $C ${D}\nEOF\nFROM img AS other\nCOPY --from=other / /\n"),
	}
	var big strings.Builder // stages with more variables than resolver.local scans
	big.WriteString("ARG G=1\nFROM alpine AS big\nARG G\n")
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&big, "ENV V%d=$G A=$A%d\nRUN echo $A $V%d\n", i%13, i, (i+5)%13)
	}
	big.WriteString("FROM big AS child\nENV A=$A B=$V7\nRUN echo $A $B $G\nFROM child\n")
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&big, "ENV W%d=$A$W%d\n", i, i+1)
	}
	big.WriteString("RUN echo $W3 $A $V1 $NOPE\n")
	inputs["bigstage"] = []byte(big.String())
	for _, dir := range []string{"../testdata/navigation", "../testdata/completion"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.txtar"))
		for _, file := range files {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for _, fl := range ar.Files {
				if strings.HasSuffix(fl.Name, ".Dockerfile") {
					inputs[filepath.Base(file)+"/"+fl.Name] = []byte(strings.ReplaceAll(string(fl.Data), marker, ""))
				}
			}
		}
	}
	seeds := corpustest.Seeds(1)
	if testing.Short() && len(seeds) > 20 {
		seeds = seeds[:20]
	}
	for i, s := range seeds {
		inputs[fmt.Sprintf("corpus-seed-%d", i)] = s
	}
	names := make([]string, 0, len(inputs))
	for n := range inputs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		f := dockerfile.Parse(inputs[name])
		if got, want := StageRefs(f), oldStageRefs(f); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: StageRefs differ:\n got %+v\nwant %+v", name, got, want)
		}
		uses := VarUses(f)
		if want := oldVarUses(f); !reflect.DeepEqual(uses, want) {
			t.Errorf("%s: VarUses differ:\n got %+v\nwant %+v", name, uses, want)
		}
		ix := varIndex(f)
		if !reflect.DeepEqual(ix.uses, uses) {
			t.Errorf("%s: the index's variable uses (memoized resolution) differ from VarUses", name)
		}
		if got, want := stageIndex(f).refs, oldStageRefs(f); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the index's stage references differ", name)
		}
		for i, u := range uses {
			if want := oldFamily(f, u); ix.families[i].String() != want || family(f, u).String() != want {
				t.Errorf("%s: family of %s at %d = %q / %q, want %q", name, u.Name, u.Span.Start, ix.families[i], family(f, u), want)
			}
		}
		for _, s := range f.Stages {
			if got, want := stageHover(f, s), oldStageHover(f, s); got != want {
				t.Errorf("%s: stage %d hover:\n got %q\nwant %q", name, s.Index, got, want)
			}
		}
		for off := 0; off <= len(f.Text); off++ {
			gt, gok := TargetAt(f, off)
			wt, wok := oldTargetAt(f, off)
			if gok != wok || !reflect.DeepEqual(gt, wt) {
				t.Errorf("%s: TargetAt(%d) = %+v %v, want %+v %v", name, off, gt, gok, wt, wok)
				break
			}
			for _, decl := range []bool{true, false} {
				if got, want := References(f, off, decl), oldReferences(f, off, decl); !reflect.DeepEqual(got, want) {
					t.Errorf("%s: References(%d, %v) = %+v, want %+v", name, off, decl, got, want)
				}
			}
		}
	}
}

// chainFile builds every stage on the one before (`FROM s<i-1> AS s<i>`),
// each using a variable defined only in the first: resolving it walks the
// whole chain.
func chainFile(stages int) []byte {
	var b strings.Builder
	b.WriteString("FROM alpine AS s0\nENV ROOT=/r\n")
	for i := 1; i < stages; i++ {
		fmt.Fprintf(&b, "FROM s%d AS s%d\nENV N%d=$ROOT/%d\nCOPY --from=s%d / /\nRUN echo $N%d $ROOT $UNSET\n", i-1, i, i, i, i-1, i)
		if i%7 == 0 {
			b.WriteString("ENV ROOT=$ROOT/x\n") // a redefinition that reads the one before
		}
	}
	return []byte(b.String())
}

// The whole-file scans the index replaced, verbatim but for their names.

func oldStageRefs(f *dockerfile.File) []StageRef {
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
					refs = append(refs, oldResolveRef(f, StageRef{Kind: RefCopyFrom, Name: fl.Value, Span: fl.ValueSpan, Inst: in}))
				}
			}
		case in.Is("RUN"):
			for _, fl := range in.Flags {
				if !strings.EqualFold(fl.Name, "mount") || !fl.HasValue {
					continue
				}
				for _, fd := range MountFields(f, fl) {
					if strings.EqualFold(fd.Key, "from") && fd.HasValue && fd.Value != "" {
						refs = append(refs, oldResolveRef(f, StageRef{Kind: RefMountFrom, Name: fd.Value, Span: fd.ValueSpan, Inst: in}))
					}
				}
			}
		}
	}
	return refs
}

func oldResolveRef(f *dockerfile.File, r StageRef) StageRef {
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

func oldVarUses(f *dockerfile.File) []VarUse {
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

func oldFamily(f *dockerfile.File, u VarUse) string {
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

func oldTargetAt(f *dockerfile.File, off int) (Target, bool) {
	for _, s := range f.Stages {
		if s.Name != "" && s.NameSpan.Contains(off) {
			return Target{Stage: s, Span: s.NameSpan}, true
		}
	}
	for _, r := range oldStageRefs(f) {
		if r.Span.Contains(off) {
			r := r
			if r.Stage == nil {
				return Target{Image: r.Name, StageRef: &r, Span: r.Span}, true
			}
			return Target{Stage: r.Stage, StageRef: &r, Span: r.Span}, true
		}
	}
	for _, u := range oldVarUses(f) {
		if u.Span.Contains(off) {
			u := u
			return Target{Var: &u, Span: u.Span}, true
		}
	}
	return Target{}, false
}

func oldReferences(f *dockerfile.File, off int, includeDecl bool) []Occurrence {
	t, ok := oldTargetAt(f, off)
	if !ok {
		return nil
	}
	var occ []Occurrence
	switch {
	case t.Stage != nil:
		occ = oldStageOccurrences(f, t.Stage)
	case t.Var != nil:
		occ = oldVarOccurrences(f, *t.Var)
	case t.Image != "":
		for _, r := range oldStageRefs(f) {
			if r.Stage == nil && r.Name == t.Image {
				occ = append(occ, Occurrence{Span: r.Span})
			}
		}
	}
	if !includeDecl {
		kept := occ[:0]
		for _, o := range occ {
			if !o.Decl {
				kept = append(kept, o)
			}
		}
		occ = kept
	}
	return occ
}

func oldStageOccurrences(f *dockerfile.File, s *dockerfile.Stage) []Occurrence {
	var occ []Occurrence
	if s.Name != "" {
		occ = append(occ, Occurrence{Span: s.NameSpan, Decl: true})
	}
	for _, r := range oldStageRefs(f) {
		if r.Stage == s {
			occ = append(occ, Occurrence{Span: r.Span, Numeric: r.Numeric})
		}
	}
	sortOcc(occ)
	return occ
}

func oldVarOccurrences(f *dockerfile.File, target VarUse) []Occurrence {
	fam := oldFamily(f, target)
	var occ []Occurrence
	for _, u := range oldVarUses(f) {
		if u.Name == target.Name && oldFamily(f, u) == fam {
			occ = append(occ, Occurrence{Span: u.Span, Decl: u.Decl != nil})
		}
	}
	return occ
}

func oldStageHover(f *dockerfile.File, s *dockerfile.Stage) string {
	var b strings.Builder
	fmt.Fprintf(&b, "```dockerfile\n%s\n```\n\n", firstLine(f.Slice(s.From.Span)))
	startLine, _ := f.Lines.LineCol(s.Span.Start)
	endLine, _ := f.Lines.LineCol(s.Span.End)
	if s.Name != "" {
		fmt.Fprintf(&b, "Stage %d `%s`", s.Index, s.Name)
	} else {
		fmt.Fprintf(&b, "Stage %d (unnamed)", s.Index)
	}
	if s.Parent >= 0 {
		fmt.Fprintf(&b, ", built on stage %s", stageLabel(f.Stages[s.Parent]))
	} else if s.BaseImage != "" {
		fmt.Fprintf(&b, ", based on `%s`", s.BaseImage)
	}
	if s.Platform != "" {
		fmt.Fprintf(&b, " for `%s`", s.Platform)
	}
	if startLine == endLine {
		fmt.Fprintf(&b, " · line %d", startLine)
	} else {
		fmt.Fprintf(&b, " · lines %d–%d", startLine, endLine)
	}
	if n := len(s.Instructions); n == 1 {
		b.WriteString(", 1 instruction")
	} else {
		fmt.Fprintf(&b, ", %d instructions", n)
	}
	if s == f.FinalStage() {
		b.WriteString(" · the final stage (what `docker build` produces by default)")
	}
	b.WriteString("\n\n")
	var uses, usedBy []string
	for _, r := range oldStageRefs(f) {
		if r.Stage == nil || r.Inst.Stage < 0 || r.Inst.Stage >= len(f.Stages) {
			continue
		}
		from := f.Stages[r.Inst.Stage]
		l, _ := f.Lines.LineCol(r.Span.Start)
		how := [...]string{"COPY --from", "RUN --mount from", "FROM"}[r.Kind]
		if from == s && r.Stage != s {
			uses = append(uses, fmt.Sprintf("%s (%s, line %d)", stageLabel(r.Stage), how, l))
		}
		if r.Stage == s && from != s {
			usedBy = append(usedBy, fmt.Sprintf("%s (%s, line %d)", stageLabel(from), how, l))
		}
	}
	if len(uses) > 0 {
		fmt.Fprintf(&b, "Uses: %s\n\n", strings.Join(uses, ", "))
	}
	if len(usedBy) > 0 {
		fmt.Fprintf(&b, "Used by: %s\n\n", strings.Join(usedBy, ", "))
	}
	if s.Name != "" {
		fmt.Fprintf(&b, "Build up to this stage: `docker build --target %s .`", strings.ToLower(s.Name))
	} else {
		b.WriteString("Name it (`AS <name>`) to build it alone with `docker build --target`.")
	}
	return b.String()
}

// The build checks offered for `# check=skip=` are the registry's BuildKit
// rules, all of them (BuildKit's linter package has 22 in v0.34).
func TestBuildChecksFromRegistry(t *testing.T) {
	want := map[string]bool{}
	for _, r := range diagnostics.Rules() {
		if r.Source == diagnostics.SourceBuildKit {
			want[r.Code] = true
		}
	}
	if len(BuildChecks) != len(want) || len(want) < 22 {
		t.Fatalf("%d build checks, the registry has %d BuildKit rules", len(BuildChecks), len(want))
	}
	for _, c := range BuildChecks {
		if !want[c.Value] || c.Summary == "" {
			t.Errorf("build check %+v", c)
		}
	}
}
