package navigation

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/msls-dev/msls/dockerfile"
)

// Occurrence is one place a stage or variable is named.
type Occurrence struct {
	Span dockerfile.Span
	// Decl marks the definition (`FROM ... AS name`, `ARG`/`ENV` name).
	Decl bool
	// Numeric marks a stage referred to by index.
	Numeric bool
}

// Definition returns where the stage or variable at off is defined: the
// `AS name` of a stage (the FROM keyword of an unnamed one), or the ARG/ENV
// name a variable use resolves to. It returns false when there is nothing to
// go to (an image, an undefined variable).
func Definition(f *dockerfile.File, off int) (dockerfile.Span, bool) {
	t, ok := TargetAt(f, off)
	if !ok {
		return dockerfile.Span{}, false
	}
	switch {
	case t.Stage != nil:
		return stageDefSpan(t.Stage), true
	case t.Var != nil && t.Var.Def != nil:
		return t.Var.Def.NameSpan, true
	}
	return dockerfile.Span{}, false
}

func stageDefSpan(s *dockerfile.Stage) dockerfile.Span {
	if s.Name != "" {
		return s.NameSpan
	}
	return s.From.KeywordSpan
}

// References lists the occurrences of the stage or variable at off in source
// order; the definition is included when includeDecl is set.
func References(f *dockerfile.File, off int, includeDecl bool) []Occurrence {
	t, ok := TargetAt(f, off)
	if !ok {
		return nil
	}
	var occ []Occurrence
	switch {
	case t.Stage != nil:
		occ = stageOccurrences(f, t.Stage)
	case t.Var != nil:
		occ = varOccurrences(f, *t.Var)
	case t.Image != "":
		for _, r := range stageIndex(f).refs {
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

// Highlights are the occurrences to highlight in the editor for the symbol
// at off (the definition included).
func Highlights(f *dockerfile.File, off int) []Occurrence { return References(f, off, true) }

func stageOccurrences(f *dockerfile.File, s *dockerfile.Stage) []Occurrence {
	var occ []Occurrence
	if s.Name != "" {
		occ = append(occ, Occurrence{Span: s.NameSpan, Decl: true})
	}
	ix := stageIndex(f)
	for _, i := range ix.refsTo[s] {
		r := ix.refs[i]
		occ = append(occ, Occurrence{Span: r.Span, Numeric: r.Numeric})
	}
	sortOcc(occ)
	return occ
}

func varOccurrences(f *dockerfile.File, target VarUse) []Occurrence {
	var occ []Occurrence
	for _, u := range familyUses(f, target) {
		occ = append(occ, Occurrence{Span: u.Span, Decl: u.Decl != nil})
	}
	return occ
}

// familyUses lists the definitions and uses of target's variable in source
// order.
func familyUses(f *dockerfile.File, target VarUse) []VarUse {
	ix := varIndex(f)
	fam := family(f, target)
	var out []VarUse
	for i, u := range ix.uses {
		if ix.families[i] == fam && u.Name == target.Name {
			out = append(out, u)
		}
	}
	return out
}

func sortOcc(occ []Occurrence) {
	sort.SliceStable(occ, func(i, j int) bool { return occ[i].Span.Start < occ[j].Span.Start })
}

// RenameError is a rename refused for a reason the user can act on.
type RenameError struct{ Msg string }

func (e *RenameError) Error() string { return e.Msg }

func renameErr(format string, a ...any) error { return &RenameError{Msg: fmt.Sprintf(format, a...)} }

// PrepareRename checks that the symbol at off can be renamed and returns the
// span of its name and the current name.
func PrepareRename(f *dockerfile.File, off int) (dockerfile.Span, string, error) {
	t, ok := TargetAt(f, off)
	if !ok {
		return dockerfile.Span{}, "", renameErr("nothing to rename here: place the cursor on a stage name or a variable")
	}
	switch {
	case t.Image != "":
		return dockerfile.Span{}, "", renameErr("%q is an image, not a stage of this Dockerfile", t.Image)
	case t.Stage != nil:
		if t.Stage.Name == "" {
			return dockerfile.Span{}, "", renameErr("stage %d has no name to rename; name it with `FROM %s AS <name>`", t.Stage.Index, t.Stage.BaseImage)
		}
		if t.StageRef != nil && t.StageRef.Numeric {
			return dockerfile.Span{}, "", renameErr("this refers to stage %q by its index %s; rename it at its name", t.Stage.Name, t.StageRef.Name)
		}
		return t.Span, f.Slice(t.Span), nil
	case t.Var != nil:
		if t.Var.Def == nil {
			return dockerfile.Span{}, "", renameErr("$%s is not defined in this Dockerfile (it may come from the base image or the build environment); nothing to rename", t.Var.Name)
		}
		if _, auto := Automatic(t.Var.Name); auto {
			return dockerfile.Span{}, "", renameErr("%s is set by BuildKit; renaming it would lose its value", t.Var.Name)
		}
		return t.Span, t.Var.Name, nil
	}
	return dockerfile.Span{}, "", renameErr("nothing to rename here")
}

// validStageName is BuildKit's rule for `AS` names (checked lower-cased).
var validStageName = regexp.MustCompile(`^[a-z][a-z0-9-_.]*$`)

var validVarName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Rename returns the edits renaming the stage or variable at off to newName,
// or a *RenameError saying why it cannot be done.
func Rename(f *dockerfile.File, off int, newName string) ([]dockerfile.Edit, error) {
	if _, _, err := PrepareRename(f, off); err != nil {
		return nil, err
	}
	t, _ := TargetAt(f, off)
	if t.Stage != nil {
		return renameStage(f, t.Stage, newName)
	}
	return renameVar(f, *t.Var, newName)
}

func lineOf(f *dockerfile.File, off int) int {
	l, _ := f.Lines.LineCol(off)
	return l
}

func renameStage(f *dockerfile.File, s *dockerfile.Stage, newName string) ([]dockerfile.Edit, error) {
	if !validStageName.MatchString(strings.ToLower(newName)) {
		return nil, renameErr("invalid stage name %q: it must start with a letter and contain only letters, digits, '-', '_' and '.'", newName)
	}
	if newName == s.Name {
		return nil, nil
	}
	for _, o := range f.Stages {
		if o != s && o.Name != "" && strings.EqualFold(o.Name, newName) {
			return nil, renameErr("stage name %q is already used by stage %d on line %d", newName, o.Index, lineOf(f, o.NameSpan.Start))
		}
	}
	// An image reference spelled like the new name would start naming the
	// stage: `COPY --from` sees every stage, `FROM` the earlier ones.
	for _, in := range f.Instructions {
		if in.Is("FROM") && in.Stage > s.Index && in.Stage < len(f.Stages) {
			st := f.Stages[in.Stage]
			if st.Parent < 0 && strings.EqualFold(st.BaseImage, newName) {
				return nil, renameErr("line %d builds on the image %q; naming this stage %q would make it build on the stage instead", lineOf(f, st.BaseSpan.Start), st.BaseImage, newName)
			}
		}
	}
	for _, r := range stageIndex(f).refs {
		if r.Stage == nil && strings.EqualFold(r.Name, newName) {
			return nil, renameErr("line %d copies from the image %q; naming this stage %q would make it copy from the stage instead", lineOf(f, r.Span.Start), r.Name, newName)
		}
	}
	var edits []dockerfile.Edit
	for _, o := range stageOccurrences(f, s) {
		if !o.Numeric {
			edits = append(edits, dockerfile.Edit{Span: o.Span, NewText: newName})
		}
	}
	return edits, nil
}

func renameVar(f *dockerfile.File, target VarUse, newName string) ([]dockerfile.Edit, error) {
	if !validVarName.MatchString(newName) {
		return nil, renameErr("invalid variable name %q: use letters, digits and '_', not starting with a digit", newName)
	}
	if newName == target.Name {
		return nil, nil
	}
	if _, auto := Automatic(newName); auto {
		return nil, renameErr("%s is set by BuildKit; choose another name", newName)
	}
	var edits []dockerfile.Edit
	stages := map[int]bool{}
	global := family(f, target).kind == 'g'
	for _, u := range familyUses(f, target) {
		edits = append(edits, dockerfile.Edit{Span: u.Span, NewText: newName})
		stages[u.Inst.Stage] = true
	}
	// Refuse when the new name is already used where the renamed variable
	// lives: the two would merge (or a use would change meaning).
	for _, u := range varIndex(f).uses {
		if u.Name != newName {
			continue
		}
		if global || stages[u.Inst.Stage] {
			return nil, renameErr("%s is already used on line %d; renaming $%s to it would mix the two variables", newName, lineOf(f, u.Span.Start), target.Name)
		}
	}
	return edits, nil
}
