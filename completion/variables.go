package completion

import (
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/navigation"
)

func isNameChar(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// variable completes `$NA` / `${NA` ending at the cursor. It reports whether
// the cursor was in a variable reference (even when nothing matches), so
// that other contexts do not also answer.
func (c *ctx) variable(in *dockerfile.Instruction, ws int, word string) bool {
	t := c.f.Text
	i := c.off
	for i > ws && isNameChar(t[i-1]) {
		i--
	}
	dollar, braced := -1, false
	switch {
	case i > ws && t[i-1] == '$':
		dollar = i - 1
	case i-1 > ws && t[i-1] == '{' && t[i-2] == '$':
		dollar, braced = i-2, true
	default:
		return false
	}
	if dollar > 0 && rune(t[dollar-1]) == c.f.EscapeToken {
		return true // an escaped `\$` is a literal dollar
	}
	prefix := string(t[i:c.off])
	if prefix != "" && prefix[0] >= '0' && prefix[0] <= '9' {
		return true
	}
	end := c.off
	for end < len(t) && isNameChar(t[end]) {
		end++
	}
	if braced && end < len(t) && t[end] == '}' {
		end++
	}
	span := dockerfile.Span{Start: dollar, End: end}
	text := func(name string) string {
		if braced {
			return "${" + name + "}"
		}
		return "$" + name
	}
	inScope, outOfScope := c.scope(in)
	for _, v := range inScope {
		if !hasPrefixFold(v.name, prefix) {
			continue
		}
		c.add(Item{Label: v.name, Kind: KindVariable, Detail: v.detail, Doc: v.doc,
			Edit: dockerfile.Edit{Span: span, NewText: text(v.name)}, FilterText: text(v.name)})
	}
	// Global and automatic ARGs that a stage has not declared: completing
	// one also declares it above the instruction, as BuildKit requires.
	at := c.f.Lines.LineStart(in.StartLine)
	indent := ""
	for j := at; j < len(t) && (t[j] == ' ' || t[j] == '\t'); j++ {
		indent += string(t[j])
	}
	for _, v := range outOfScope {
		if !hasPrefixFold(v.name, prefix) {
			continue
		}
		c.add(Item{Label: v.name, Kind: KindVariable, Detail: v.detail + " (adds ARG " + v.name + ")", Doc: v.doc,
			Edit:            dockerfile.Edit{Span: span, NewText: text(v.name)},
			FilterText:      text(v.name),
			AdditionalEdits: []dockerfile.Edit{{Span: dockerfile.Span{Start: at, End: at}, NewText: indent + "ARG " + v.name + "\n"}}})
	}
	return true
}

type scopedVar struct {
	name, detail, doc string
}

func varDetail(f *dockerfile.File, v *dockerfile.Var) string {
	kind := "ENV"
	if v.Kind == dockerfile.VarArg {
		kind = "ARG"
		if v.Inst.Stage < 0 {
			kind = "global ARG"
		}
	}
	if v.HasValue {
		return kind + "=" + v.Value
	}
	if v.Kind == dockerfile.VarArg && v.Inst.Stage >= 0 {
		if g := navigation.GlobalArg(f, v.Name); g != nil && g.HasValue {
			return kind + " (global default " + g.Value + ")"
		}
	}
	if a, ok := navigation.Automatic(v.Name); ok {
		return kind + " (set by BuildKit: " + a.Summary + ")"
	}
	return kind
}

// scope lists the variables visible to in (nearest definition first, each
// name once) and the global/automatic ARGs a stage could declare to see.
func (c *ctx) scope(in *dockerfile.Instruction) (inScope, outOfScope []scopedVar) {
	f := c.f
	seen := map[string]bool{}
	addVar := func(v *dockerfile.Var) {
		// `ARG =x` declares no name: nothing to offer (an empty label).
		if v.Name == "" || seen[v.Name] {
			return
		}
		seen[v.Name] = true
		inScope = append(inScope, scopedVar{name: v.Name, detail: varDetail(f, v)})
	}
	globalsOnly := in.Stage < 0 || in.Is("FROM") || in.Stage >= len(f.Stages)
	if globalsOnly {
		for i := len(f.GlobalArgs) - 1; i >= 0; i-- {
			if v := &f.GlobalArgs[i]; v.Inst != in && v.Inst.Span.Start < in.Span.Start {
				addVar(v)
			}
		}
		for _, a := range navigation.AutomaticArgs {
			if !seen[a.Name] {
				seen[a.Name] = true
				inScope = append(inScope, scopedVar{name: a.Name, detail: "set by BuildKit", doc: a.Summary})
			}
		}
		return inScope, nil
	}
	limit := in.Span.Start
	for s := f.Stages[in.Stage]; s != nil; {
		for i := len(s.Vars) - 1; i >= 0; i-- {
			if v := &s.Vars[i]; v.Inst != in && v.Inst.Span.Start < limit {
				addVar(v)
			}
		}
		if s.Parent < 0 || s.Parent >= s.Index {
			break
		}
		s = f.Stages[s.Parent]
		limit = s.Span.End + 1
	}
	for i := range f.GlobalArgs {
		g := &f.GlobalArgs[i]
		if g.Name != "" && !seen[g.Name] {
			seen[g.Name] = true
			outOfScope = append(outOfScope, scopedVar{name: g.Name, detail: varDetail(f, g)})
		}
	}
	for _, a := range navigation.AutomaticArgs {
		if !seen[a.Name] {
			seen[a.Name] = true
			outOfScope = append(outOfScope, scopedVar{name: a.Name, detail: "set by BuildKit", doc: a.Summary})
		}
	}
	return inScope, outOfScope
}
