package corpustest

import (
	"fmt"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/msls-dev/msls/dockerfile"
)

// ModelProblems checks the structural promises of a parsed File that every
// language feature relies on: spans lie inside the text and are ordered,
// instructions do not overlap, the parts of an instruction lie inside it, and
// the line index converts offsets and UTF-16 positions both ways. It returns
// one message per broken promise (at most max of them; 0 means no limit).
func ModelProblems(f *dockerfile.File, max int) []string {
	c := &checker{n: len(f.Text), max: max}
	text := f.Text
	for i, d := range f.Directives {
		c.span(fmt.Sprintf("directive %d", i), d.Span)
		c.within(fmt.Sprintf("directive %d name", i), d.NameSpan, d.Span)
		c.within(fmt.Sprintf("directive %d value", i), d.ValueSpan, d.Span)
	}
	for i, cm := range f.Comments {
		c.span(fmt.Sprintf("comment %d", i), cm.Span)
	}
	for i, e := range f.Errors {
		c.span(fmt.Sprintf("error %d (%s)", i, e.Message), e.Span)
	}
	prevEnd := -1
	for i, in := range f.Instructions {
		name := fmt.Sprintf("instruction %d %s", i, in.Keyword)
		c.instruction(name, in, f)
		if in.Span.Start < prevEnd {
			c.add("%s: span %v starts before the previous instruction ends (%d)", name, in.Span, prevEnd)
		}
		if in.Span.End > prevEnd {
			prevEnd = in.Span.End
		}
		if in.Sub != nil {
			c.instruction(name+" ONBUILD sub", in.Sub, f)
			c.within(name+" ONBUILD sub", in.Sub.Span, in.Span)
		}
	}
	for i, st := range f.Stages {
		name := fmt.Sprintf("stage %d", i)
		c.span(name, st.Span)
		if st.Index != i {
			c.add("%s: Index is %d", name, st.Index)
		}
		if st.From == nil || len(st.Instructions) == 0 || st.Instructions[0] != st.From {
			c.add("%s: FROM is not its first instruction", name)
			continue
		}
		c.within(name+" base", st.BaseSpan, st.From.Span)
		c.within(name+" name", st.NameSpan, st.From.Span)
		if st.Parent >= i {
			c.add("%s: parent %d is not an earlier stage", name, st.Parent)
		}
		for _, in := range st.Instructions {
			if in.Stage != i {
				c.add("%s: instruction %s says it is in stage %d", name, in.Keyword, in.Stage)
			}
			c.within(name+" instruction", in.Span, st.Span)
		}
		for j, v := range st.Vars {
			c.span(fmt.Sprintf("%s var %d name", name, j), v.NameSpan)
			c.span(fmt.Sprintf("%s var %d value", name, j), v.ValueSpan)
		}
	}
	for j, v := range f.GlobalArgs {
		c.span(fmt.Sprintf("global arg %d name", j), v.NameSpan)
	}
	c.lines(f.Lines, text)
	return c.out
}

type checker struct {
	n, max int
	out    []string
}

func (c *checker) add(format string, args ...any) {
	if c.max > 0 && len(c.out) >= c.max {
		return
	}
	c.out = append(c.out, fmt.Sprintf(format, args...))
}

func (c *checker) span(what string, s dockerfile.Span) bool {
	if s.Start < 0 || s.End > c.n || s.Start > s.End {
		c.add("%s: span %v is not inside the text [0,%d] or is reversed", what, s, c.n)
		return false
	}
	return true
}

func (c *checker) within(what string, s, outer dockerfile.Span) {
	if !c.span(what, s) {
		return
	}
	if s.IsZero() && !outer.IsZero() {
		return // "no location"
	}
	if s.Start < outer.Start || s.End > outer.End {
		c.add("%s: span %v is outside %v", what, s, outer)
	}
}

func (c *checker) instruction(name string, in *dockerfile.Instruction, f *dockerfile.File) {
	if !c.span(name, in.Span) {
		return
	}
	c.within(name+" keyword", in.KeywordSpan, in.Span)
	c.within(name+" args", in.ArgsSpan, in.Span)
	prev := in.KeywordSpan.End
	for i, fl := range in.Flags {
		w := fmt.Sprintf("%s flag %d --%s", name, i, fl.Name)
		c.within(w, fl.Span, in.Span)
		c.within(w+" name", fl.NameSpan, fl.Span)
		c.within(w+" value", fl.ValueSpan, fl.Span)
		if fl.Span.Start < prev {
			c.add("%s: span %v starts before the previous part ends (%d)", w, fl.Span, prev)
		}
		prev = fl.Span.End
	}
	for i, a := range in.Args {
		w := fmt.Sprintf("%s arg %d", name, i)
		c.within(w, a.Span, in.Span)
		if a.Span.Start < prev {
			c.add("%s: span %v starts before the previous part ends (%d)", w, a.Span, prev)
		}
		prev = a.Span.End
	}
	for i, r := range in.VarRefs {
		w := fmt.Sprintf("%s varref %d $%s", name, i, r.Name)
		c.within(w, r.Span, in.Span)
		c.within(w+" name", r.NameSpan, r.Span)
	}
	for i, h := range in.Heredocs {
		w := fmt.Sprintf("%s heredoc %d <<%s", name, i, h.Name)
		c.within(w+" marker", h.MarkerSpan, in.Span)
		c.within(w+" body", h.BodySpan, in.Span)
		c.within(w+" end", h.EndSpan, in.Span)
		if c.span(w+" body", h.BodySpan) && string(f.Text[h.BodySpan.Start:h.BodySpan.End]) != h.Body {
			c.add("%s: Body differs from the text of BodySpan", w)
		}
	}
	if got := f.Lines.Line(in.Span.Start); got != in.StartLine {
		c.add("%s: StartLine %d, but the span starts on line %d", name, in.StartLine, got)
	}
	if got := f.Lines.Line(in.Span.End); got != in.EndLine {
		c.add("%s: EndLine %d, but the span ends on line %d", name, in.EndLine, got)
	}
}

// lines checks the line index against an independent computation: the UTF-16
// column of every rune boundary, and Position -> Offset -> Position round trips.
func (c *checker) lines(x *dockerfile.LineIndex, text []byte) {
	line, lineStart, col, colAtCR := 0, 0, 0, -1
	check := func(off int) {
		// Position is linear in the column, so on very long lines only a
		// sample of offsets is checked, to keep the check itself linear.
		if off-lineStart > 1024 && off%257 != 0 && off < len(text) && text[off] != '\n' {
			return
		}
		want := col
		inBreak := off > x.LineEnd(line)
		if inBreak {
			// An offset inside a "\r\n" line break is not a position a client
			// can name: it maps to the end of the line.
			want = colAtCR
		}
		p := x.Position(off)
		if p.Line != line || p.Character != want {
			c.add("Position(%d) = %d:%d, want %d:%d", off, p.Line, p.Character, line, want)
			return
		}
		if inBreak {
			return
		}
		back, exact := x.Offset(p)
		if back != off || !exact {
			c.add("Offset(Position(%d) = %d:%d) = %d (exact %v)", off, p.Line, p.Character, back, exact)
		}
	}
	for i := 0; i < len(text); {
		if text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n' {
			colAtCR = col
		}
		check(i)
		if text[i] == '\n' {
			i++
			line, lineStart, col, colAtCR = line+1, i, 0, -1
			continue
		}
		r, size := utf8.DecodeRune(text[i:])
		col += utf16.RuneLen(r) // an invalid byte decodes to U+FFFD: one unit
		i += size
	}
	check(len(text))
	if x.LineCount() != line+1 {
		c.add("LineCount %d, want %d", x.LineCount(), line+1)
	}
	// Positions past the end clamp, never panic.
	for _, p := range []dockerfile.Position{{Line: -1}, {Character: -1}, {Line: line + 5}, {Line: line, Character: 1 << 30}, {Character: 1 << 30}} {
		off, _ := x.Offset(p)
		if off < 0 || off > len(text) {
			c.add("Offset(%v) = %d: outside the text", p, off)
		}
	}
}
