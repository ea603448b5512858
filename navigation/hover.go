package navigation

import (
	"fmt"
	"strings"

	"github.com/msls-dev/msls/dockerfile"
)

// HoverInfo is the Markdown shown for the thing under the cursor and the
// span it describes.
type HoverInfo struct {
	Markdown string
	Span     dockerfile.Span
}

// Hover explains what is at off: a parser directive, a stage (its FROM line,
// what it builds on and who uses it, how to build it alone), a variable (its
// definition and value), an instruction keyword, a flag or a `--mount` field.
func Hover(f *dockerfile.File, off int) (HoverInfo, bool) {
	for _, d := range f.Directives {
		if d.Span.Contains(off) {
			if doc, ok := Directive(d.Name); ok {
				return HoverInfo{Markdown: fmt.Sprintf("**# %s=** parser directive\n\n%s", doc.Name, doc.Summary), Span: d.Span}, true
			}
		}
	}
	if t, ok := TargetAt(f, off); ok {
		switch {
		case t.Stage != nil:
			return HoverInfo{Markdown: stageHover(f, t.Stage), Span: t.Span}, true
		case t.Image != "":
			return HoverInfo{Markdown: fmt.Sprintf("Image `%s`: no stage of this Dockerfile is named so, so BuildKit pulls the image.", t.Image), Span: t.Span}, true
		case t.Var != nil:
			return HoverInfo{Markdown: varHover(f, *t.Var), Span: t.Span}, true
		}
	}
	in := f.InstructionAt(off)
	if in == nil {
		return HoverInfo{}, false
	}
	if in.Sub != nil && off >= in.Sub.KeywordSpan.Start {
		in = in.Sub
	}
	if in.Is("FROM") && in.Stage >= 0 && in.Stage < len(f.Stages) {
		if st := f.Stages[in.Stage]; st.BaseSpan.Len() > 0 && st.BaseSpan.Contains(off) {
			return HoverInfo{Markdown: stageHover(f, st), Span: st.BaseSpan}, true
		}
	}
	doc, known := Instruction(in.Keyword)
	if in.KeywordSpan.Contains(off) {
		if !known {
			return HoverInfo{}, false
		}
		md := fmt.Sprintf("**%s**\n\n%s\n\n```dockerfile\n%s\n```\n\n[Dockerfile reference](%s)", doc.Keyword, doc.Summary, doc.Syntax, doc.DocsURL())
		return HoverInfo{Markdown: md, Span: in.KeywordSpan}, true
	}
	for _, fl := range in.Flags {
		if !fl.Span.Contains(off) {
			continue
		}
		var fd *FlagDoc
		if known {
			fd, _ = doc.Flag(fl.Name)
		}
		if fd == nil {
			return HoverInfo{Markdown: fmt.Sprintf("`--%s` is not a flag of %s.", fl.Name, in.Keyword), Span: fl.Span}, true
		}
		if strings.EqualFold(fl.Name, "mount") && fl.HasValue && off >= fl.ValueSpan.Start {
			if h, ok := mountFieldHover(f, fl, off); ok {
				return h, true
			}
		}
		md := fmt.Sprintf("**%s --%s**\n\n%s", in.Keyword, fd.Name, fd.Summary)
		if fl.HasValue {
			for _, v := range fd.Values {
				if v.Summary != "" && strings.EqualFold(v.Value, fl.Value) {
					md += fmt.Sprintf("\n\n`%s`: %s", v.Value, v.Summary)
				}
			}
		}
		return HoverInfo{Markdown: md, Span: fl.Span}, true
	}
	return HoverInfo{}, false
}

func mountFieldHover(f *dockerfile.File, fl dockerfile.Flag, off int) (HoverInfo, bool) {
	for _, fd := range MountFields(f, fl) {
		if !fd.Span.Contains(off) {
			continue
		}
		k, ok := MountKey(fd.Key)
		if !ok {
			return HoverInfo{Markdown: fmt.Sprintf("`%s` is not a `--mount` option.", fd.Key), Span: fd.Span}, true
		}
		md := fmt.Sprintf("**--mount %s**\n\n%s", k.Key, k.Summary)
		if len(k.Types) > 0 {
			md += fmt.Sprintf("\n\nFor mount types: %s.", strings.Join(k.Types, ", "))
		}
		for _, v := range k.Values {
			if v.Summary != "" && strings.EqualFold(v.Value, fd.Value) {
				md += fmt.Sprintf("\n\n`%s`: %s", v.Value, v.Summary)
			}
		}
		return HoverInfo{Markdown: md, Span: fd.Span}, true
	}
	return HoverInfo{}, false
}

// stageLabel names a stage for messages: `builder` or `#2`.
func stageLabel(s *dockerfile.Stage) string {
	if s.Name != "" {
		return "`" + s.Name + "`"
	}
	return fmt.Sprintf("#%d", s.Index)
}

func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return s[:i] + " …"
	}
	return s
}

func stageHover(f *dockerfile.File, s *dockerfile.Stage) string {
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
	// What s uses is in its own instructions; what uses s comes from the
	// file's index, so neither walks the whole file per hover.
	var uses, usedBy []string
	describe := func(r StageRef, other *dockerfile.Stage) string {
		l, _ := f.Lines.LineCol(r.Span.Start)
		how := [...]string{"COPY --from", "RUN --mount from", "FROM"}[r.Kind]
		return fmt.Sprintf("%s (%s, line %d)", stageLabel(other), how, l)
	}
	var own []StageRef
	for _, in := range s.Instructions {
		if in.Stage == s.Index {
			own = appendStageRefs(own, f, in)
		}
	}
	for _, r := range own {
		if r.Stage != nil && r.Stage != s {
			uses = append(uses, describe(r, r.Stage))
		}
	}
	ix := stageIndex(f)
	for _, i := range ix.refsTo[s] {
		r := ix.refs[i]
		if r.Inst.Stage >= 0 && r.Inst.Stage < len(f.Stages) && f.Stages[r.Inst.Stage] != s {
			usedBy = append(usedBy, describe(r, f.Stages[r.Inst.Stage]))
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

func varHover(f *dockerfile.File, u VarUse) string {
	v := u.Def
	if v == nil {
		if g := GlobalArg(f, u.Name); g != nil && !u.Inst.Is("FROM") {
			l, _ := f.Lines.LineCol(g.NameSpan.Start)
			return fmt.Sprintf("`$%s` is not in scope here: the global `ARG %s` (line %d) must be re-declared in this stage with `ARG %s` to be used.", u.Name, u.Name, l, u.Name)
		}
		if a, ok := Automatic(u.Name); ok {
			if u.Inst.Is("FROM") || u.Inst.Stage < 0 {
				return fmt.Sprintf("`%s`: set by BuildKit, the %s.", a.Name, a.Summary)
			}
			return fmt.Sprintf("`%s` is set by BuildKit (the %s), but inside a stage it must be declared with `ARG %s` to be used.", a.Name, a.Summary, a.Name)
		}
		return fmt.Sprintf("`$%s` is not defined in this Dockerfile: it comes from the base image's environment or the build environment, or is empty.", u.Name)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "```dockerfile\n%s\n```\n\n", firstLine(f.Slice(v.Inst.Span)))
	line, _ := f.Lines.LineCol(v.NameSpan.Start)
	kind := "environment variable (ENV)"
	if v.Kind == dockerfile.VarArg {
		kind = "build argument (ARG)"
		if v.Inst.Stage < 0 {
			kind = "global build argument (ARG)"
		}
	}
	fmt.Fprintf(&b, "`%s`: %s, line %d", v.Name, kind, line)
	shown := v
	if v.Kind == dockerfile.VarArg && !v.HasValue && v.Inst.Stage >= 0 {
		if g := GlobalArg(f, v.Name); g != nil {
			gl, _ := f.Lines.LineCol(g.NameSpan.Start)
			fmt.Fprintf(&b, ", re-declaring the global ARG of line %d", gl)
			shown = g
		}
	}
	b.WriteString("\n\n")
	switch {
	case shown.HasValue:
		val := unquote(shown.Value)
		fmt.Fprintf(&b, "Value: `%s`", val)
		if x, ok := expand(f, val, shown.Inst, 4); ok && x != val {
			fmt.Fprintf(&b, " = `%s`", x)
		}
		if v.Kind == dockerfile.VarArg {
			b.WriteString(" (default; `--build-arg` overrides it)")
		}
	case v.Kind == dockerfile.VarArg:
		if a, ok := Automatic(v.Name); ok {
			fmt.Fprintf(&b, "Set by BuildKit: the %s.", a.Summary)
		} else {
			fmt.Fprintf(&b, "No default: empty unless given with `--build-arg %s=…`.", v.Name)
		}
	}
	return b.String()
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// expand substitutes the plain `$NAME`/`${NAME}` uses of val whose value this
// file fixes; it reports false when any use stays unknown.
func expand(f *dockerfile.File, val string, in *dockerfile.Instruction, depth int) (string, bool) {
	if !strings.Contains(val, "$") {
		return val, true
	}
	if depth == 0 {
		return val, false
	}
	var b strings.Builder
	known := true
	for i := 0; i < len(val); i++ {
		c := val[i]
		if c != '$' || i+1 >= len(val) {
			b.WriteByte(c)
			continue
		}
		j, braced := i+1, false
		if val[j] == '{' {
			j, braced = j+1, true
		}
		k := j
		for k < len(val) && (val[k] == '_' || val[k] >= 'a' && val[k] <= 'z' || val[k] >= 'A' && val[k] <= 'Z' || k > j && val[k] >= '0' && val[k] <= '9') {
			k++
		}
		if k == j || (braced && (k >= len(val) || val[k] != '}')) {
			b.WriteByte(c)
			known = false
			continue
		}
		name := val[j:k]
		def := ResolveVar(f, name, in)
		if def != nil && def.Kind == dockerfile.VarArg && !def.HasValue && def.Inst.Stage >= 0 {
			def = GlobalArg(f, name)
		}
		if def == nil || !def.HasValue {
			b.WriteString(val[i : k+btoi(braced)])
			known = false
		} else {
			x, ok := expand(f, unquote(def.Value), def.Inst, depth-1)
			known = known && ok
			b.WriteString(x)
		}
		i = k + btoi(braced) - 1
	}
	return b.String(), known
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
