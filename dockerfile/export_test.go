package dockerfile

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// DumpFile writes out everything a File holds, private fields included, but
// the BuildKit typed commands (see Commands) and the derived memo of
// instructions. Pointers to instructions appear as their indexes.
func DumpFile(f *File) string {
	var b strings.Builder
	idx := map[*Instruction]int{}
	for i, in := range f.Instructions {
		idx[in] = i
	}
	ref := func(in *Instruction) string {
		if in == nil {
			return "nil"
		}
		if i, ok := idx[in]; ok {
			return fmt.Sprintf("inst#%d", i)
		}
		return "inst#?"
	}
	fmt.Fprintf(&b, "len=%d lines=%v esc=%q\n", len(f.Text), f.Lines.starts, f.EscapeToken)
	fmt.Fprintf(&b, "directives=%+v\ncomments=%+v\nerrors=%+v\ndirErrs=%+v\n", f.Directives, f.Comments, f.Errors, f.dirErrs)
	for i, in := range f.Instructions {
		fmt.Fprintf(&b, "#%d %s\n", i, dumpInstruction(in))
		if in.Sub != nil {
			fmt.Fprintf(&b, "  sub %s\n", dumpInstruction(in.Sub))
		}
	}
	for _, st := range f.Stages {
		insts := make([]string, len(st.Instructions))
		for i, in := range st.Instructions {
			insts[i] = ref(in)
		}
		fmt.Fprintf(&b, "stage %d name=%q %+v base=%q %+v platform=%q parent=%d from=%s span=%+v insts=%v vars=%s\n",
			st.Index, st.Name, st.NameSpan, st.BaseImage, st.BaseSpan, st.Platform, st.Parent, ref(st.From), st.Span, insts, dumpVars(st.Vars, ref))
	}
	fmt.Fprintf(&b, "globals=%s\n", dumpVars(f.GlobalArgs, ref))
	names := make([]string, 0, len(f.stageNames))
	for k, st := range f.stageNames {
		own := st.Index < len(f.Stages) && f.Stages[st.Index] == st
		names = append(names, fmt.Sprintf("%s:%d:%v", k, st.Index, own))
	}
	sort.Strings(names)
	fmt.Fprintf(&b, "stageNames=%v ascii=%v\n", names, f.stageNamesASCII)
	return b.String()
}

func dumpVars(vars []Var, ref func(*Instruction) string) string {
	var b strings.Builder
	for _, v := range vars {
		fmt.Fprintf(&b, "{%d %q %q %v %+v %+v %s}", v.Kind, v.Name, v.Value, v.HasValue, v.NameSpan, v.ValueSpan, ref(v.Inst))
	}
	return b.String()
}

func dumpInstruction(in *Instruction) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%q %+v span=%+v lines=%d-%d flags=%+v args=%+v argsText=%q %+v json=%v heredocs=%+v comments=%+v refs=%+v stage=%d",
		in.Keyword, in.KeywordSpan, in.Span, in.StartLine, in.EndLine, in.Flags, in.Args, in.ArgsText, in.ArgsSpan, in.JSON,
		in.Heredocs, in.Comments, in.VarRefs, in.Stage)
	if in.Err != nil {
		fmt.Fprintf(&b, " err=%+v", *in.Err)
	}
	fmt.Fprintf(&b, " segs=%v logical=%q argsLog=%d errs=%+v nScan=%d bkErr=%q eofDep=%v",
		in.segs, in.logical, in.argsLog, in.errs, in.nScanErrs, in.bkErr, in.eofDep)
	if n := in.Node; n != nil {
		fmt.Fprintf(&b, " node=%s|orig=%q|lines=%d-%d|heredocs=%+v|attrs=%v|comments=%q|flags=%q",
			n.Dump(), n.Original, n.StartLine, n.EndLine, n.Heredocs, n.Attributes, n.PrevComment, n.Flags)
	}
	fmt.Fprintf(&b, " command=%T", in.Command)
	return b.String()
}

// SameCommands reports the first instruction whose BuildKit typed command
// differs between two Files (reflect.DeepEqual), or -1.
func SameCommands(a, b *File) int {
	for i := range min(len(a.Instructions), len(b.Instructions)) {
		if !reflect.DeepEqual(normalCommand(a.Instructions[i].Command), normalCommand(b.Instructions[i].Command)) {
			return i
		}
	}
	return -1
}

// normalCommand copies a typed command with its FlagsUsed sorted: BuildKit
// fills it from a map, in no fixed order.
func normalCommand(cmd any) any {
	v := reflect.ValueOf(cmd)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return cmd
	}
	c := reflect.New(v.Elem().Type())
	c.Elem().Set(v.Elem())
	if fu := c.Elem().FieldByName("FlagsUsed"); fu.IsValid() && fu.CanSet() {
		if used, ok := fu.Interface().([]string); ok {
			sorted := append([]string(nil), used...)
			sort.Strings(sorted)
			fu.Set(reflect.ValueOf(sorted))
		}
	}
	return c.Interface()
}
