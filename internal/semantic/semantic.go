// Package semantic computes semantic tokens for a Dockerfile: keywords,
// flags and their values, stage names (declarations and references),
// variables, strings, numbers, comments, parser directives and heredoc
// delimiters, including variables and comments inside heredoc bodies.
//
// Tokens are painted onto the bytes of the file in layers (a variable inside a
// quoted string is cut out of the string), so the result never overlaps, and
// each token is split at line breaks, so it never spans lines.
package semantic

import (
	"strings"

	"github.com/msls-dev/msls/dockerfile"
)

// Type is a semantic token type; its value is its index in TokenTypes.
type Type uint32

// The token types, in legend order. They use LSP's standard names so that
// every theme colours them.
const (
	Keyword   Type = iota // instruction keywords, AS, HEALTHCHECK CMD/NONE
	Parameter             // flag names: --from, --mount
	String                // quoted strings, JSON-form elements, flag values
	Number                // EXPOSE ports
	Variable              // $VAR, ${VAR}, ARG and ENV names
	Class                 // stage names
	TypeName              // base image references
	Property              // LABEL keys
	Comment               // comments, the '#' of directives
	Macro                 // parser directive names
	Operator              // heredoc markers (<<EOF) and terminators
)

// TokenTypes is the legend's token types, indexed by Type.
var TokenTypes = []string{"keyword", "parameter", "string", "number", "variable", "class", "type", "property", "comment", "macro", "operator"}

// Modifier is a bit set of token modifiers.
type Modifier uint32

// Token modifiers (bit i is TokenModifiers[i]).
const (
	Declaration Modifier = 1 << iota // a stage name after AS, an ARG/ENV name
	Deprecated                       // MAINTAINER
)

// TokenModifiers is the legend's token modifiers, in bit order.
var TokenModifiers = []string{"declaration", "deprecated"}

// Token is one semantic token; Span never crosses a line break.
type Token struct {
	Span Span
	Type Type
	Mods Modifier
}

// Span is a byte range of the file.
type Span = dockerfile.Span

// painter assigns each byte of the text to at most one token; later paints
// win, so layers go from background (strings) to foreground (variables).
type painter struct {
	f     *dockerfile.File
	ids   []int32
	kinds []Token
}

func (p *painter) paint(s Span, t Type, m Modifier) {
	if s.Start < 0 {
		s.Start = 0
	}
	if s.End > len(p.ids) {
		s.End = len(p.ids)
	}
	if s.End <= s.Start {
		return
	}
	p.kinds = append(p.kinds, Token{Span: s, Type: t, Mods: m})
	id := int32(len(p.kinds))
	for i := s.Start; i < s.End; i++ {
		p.ids[i] = id
	}
}

// Tokens returns the file's semantic tokens in source order.
func Tokens(f *dockerfile.File) []Token {
	if len(f.Text) == 0 {
		return nil
	}
	p := &painter{f: f, ids: make([]int32, len(f.Text))}
	for _, in := range f.Instructions {
		p.instruction(in, false)
	}
	// Variables over strings: they are what changes a string's value.
	for _, in := range f.Instructions {
		p.varRefs(in)
	}
	for _, d := range f.Directives {
		p.paint(Span{Start: d.Span.Start, End: d.NameSpan.Start}, Comment, 0)
		p.paint(d.NameSpan, Macro, 0)
		p.paint(d.ValueSpan, String, 0)
	}
	// Comments last: a comment line between continuation lines lies inside
	// the span of a string or an argument that continues past it.
	for _, c := range f.Comments {
		p.paint(c.Span, Comment, 0)
	}
	return p.tokens()
}

// tokens turns painted bytes into tokens: maximal runs of one paint on one line.
func (p *painter) tokens() []Token {
	var out []Token
	t := p.f.Text
	i := 0
	for i < len(t) {
		id := p.ids[i]
		if id == 0 || t[i] == '\n' || t[i] == '\r' {
			i++
			continue
		}
		j := i + 1
		for j < len(t) && p.ids[j] == id && t[j] != '\n' && t[j] != '\r' {
			j++
		}
		k := p.kinds[id-1]
		out = append(out, Token{Span: Span{Start: i, End: j}, Type: k.Type, Mods: k.Mods})
		i = j
	}
	return out
}

func (p *painter) instruction(in *dockerfile.Instruction, sub bool) {
	f := p.f
	if in.Keyword != "" && isKnown(in.Keyword) {
		var m Modifier
		if in.Keyword == "MAINTAINER" {
			m = Deprecated
		}
		p.paint(in.KeywordSpan, Keyword, m)
	}
	for _, fl := range in.Flags {
		p.paint(Span{Start: fl.Span.Start, End: fl.NameSpan.End}, Parameter, 0)
		if fl.HasValue {
			if strings.EqualFold(fl.Name, "from") && in.Keyword != "RUN" && isStageRef(f, fl.Value, in) {
				p.paint(fl.ValueSpan, Class, 0)
			} else {
				p.paint(fl.ValueSpan, String, 0)
			}
		}
	}
	if in.Sub != nil {
		p.instruction(in.Sub, true)
		return
	}
	if in.JSON {
		for _, a := range in.Args {
			p.paint(a.Span, String, 0)
		}
	} else {
		p.quotedStrings(in)
	}
	switch in.Keyword {
	case "FROM":
		if len(in.Args) > 0 {
			st := f.StageAt(in.Span.Start)
			if st != nil && st.From == in && st.Parent >= 0 {
				p.paint(in.Args[0].Span, Class, 0)
			} else {
				p.paint(in.Args[0].Span, TypeName, 0)
			}
		}
		if len(in.Args) >= 3 && strings.EqualFold(in.Args[1].Value, "AS") {
			p.paint(in.Args[1].Span, Keyword, 0)
			p.paint(in.Args[2].Span, Class, Declaration)
		}
	case "ARG", "ENV":
		p.declarations(in)
	case "LABEL":
		for _, a := range in.Args {
			if eq := strings.IndexByte(a.Value, '='); eq > 0 {
				p.paint(Span{Start: a.Span.Start, End: min(a.Span.Start+eq, a.Span.End)}, Property, 0)
			}
		}
	case "EXPOSE":
		for _, a := range in.Args {
			if a.Value != "" && a.Value[0] >= '0' && a.Value[0] <= '9' {
				p.paint(a.Span, Number, 0)
			}
		}
	case "HEALTHCHECK":
		if len(in.Args) > 0 && (strings.EqualFold(in.Args[0].Value, "CMD") || strings.EqualFold(in.Args[0].Value, "NONE")) {
			p.paint(in.Args[0].Span, Keyword, 0)
		}
	}
	for _, h := range in.Heredocs {
		p.paint(h.MarkerSpan, Operator, 0)
		p.paint(h.EndSpan, Operator, 0)
		if in.Keyword == "RUN" || sub {
			p.heredocComments(h)
		}
	}
}

// isStageRef reports whether a --from value names an earlier stage (rather
// than an image).
func isStageRef(f *dockerfile.File, ref string, in *dockerfile.Instruction) bool {
	st := f.StageByName(ref)
	return st != nil && st.From.Span.Start < in.Span.Start
}

func (p *painter) declarations(in *dockerfile.Instruction) {
	var vars []dockerfile.Var
	if in.Stage < 0 {
		vars = p.f.GlobalArgs
	} else if in.Stage < len(p.f.Stages) {
		vars = p.f.Stages[in.Stage].Vars
	}
	for _, v := range vars {
		if v.Inst == in {
			p.paint(v.NameSpan, Variable, Declaration)
		}
	}
}

// quotedStrings paints '...' and "..." in shell-form arguments, following
// quotes across line continuations.
func (p *painter) quotedStrings(in *dockerfile.Instruction) {
	s := in.ArgsText
	if !strings.ContainsAny(s, `'"`) {
		return
	}
	esc := byte(p.f.EscapeToken)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == esc || (c == '\\' && esc == '\\') {
			i++
			continue
		}
		if c != '\'' && c != '"' {
			continue
		}
		j := i + 1
		for j < len(s) && s[j] != c {
			if c == '"' && (s[j] == esc || s[j] == '\\') {
				j++
			}
			j++
		}
		if j >= len(s) {
			return // unterminated: leave it unpainted rather than guess
		}
		p.paint(in.ArgsTextSpan(i, j+1), String, 0)
		i = j
	}
}

// heredocComments paints the comment lines of a shell heredoc body.
func (p *painter) heredocComments(h dockerfile.Heredoc) {
	body := h.Body
	at := h.BodySpan.Start
	for len(body) > 0 {
		nl := strings.IndexByte(body, '\n')
		line := body
		if nl >= 0 {
			line = body[:nl]
		}
		trimmed := strings.TrimLeft(line, " \t")
		if strings.HasPrefix(trimmed, "#") {
			start := at + len(line) - len(trimmed)
			p.paint(Span{Start: start, End: at + len(strings.TrimRight(line, "\r"))}, Comment, 0)
		}
		if nl < 0 {
			break
		}
		at += nl + 1
		body = body[nl+1:]
	}
}

func (p *painter) varRefs(in *dockerfile.Instruction) {
	for _, r := range in.VarRefs {
		if r.InHeredoc && !p.refExpands(in, r) {
			continue
		}
		s := r.Span
		if r.Braced && p.f.Slice(Span{Start: r.NameSpan.End, End: r.Span.End}) != "}" {
			// ${VAR:-default}: the name part only, so that a reference in
			// the default keeps its own token.
			s = Span{Start: r.Span.Start, End: r.NameSpan.End}
		}
		p.paint(s, Variable, 0)
	}
}

// refExpands reports whether a reference in a heredoc body is live: only
// bodies of unquoted delimiters expand.
func (p *painter) refExpands(in *dockerfile.Instruction, r dockerfile.VarRef) bool {
	for _, h := range in.Heredocs {
		if r.Span.Start >= h.BodySpan.Start && r.Span.Start < h.BodySpan.End {
			return h.Expand
		}
	}
	return false
}

func isKnown(kw string) bool {
	switch kw {
	case "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
		"MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR":
		return true
	}
	return false
}

// Encode returns the LSP encoding of the tokens that intersect rng (all of
// them when rng is nil): five integers per token, positions relative to the
// previous token, columns and lengths in UTF-16 code units.
func Encode(f *dockerfile.File, toks []Token, rng *Span) []uint32 {
	out := make([]uint32, 0, 5*len(toks))
	prevLine, prevChar := 0, 0
	for _, t := range toks {
		if rng != nil && (t.Span.End <= rng.Start || t.Span.Start >= rng.End) {
			continue
		}
		start, end := f.Lines.Position(t.Span.Start), f.Lines.Position(t.Span.End)
		length := end.Character - start.Character
		if end.Line != start.Line || length <= 0 {
			continue
		}
		dl := start.Line - prevLine
		dc := start.Character
		if dl == 0 {
			dc = start.Character - prevChar
		}
		out = append(out, uint32(dl), uint32(dc), uint32(length), uint32(t.Type), uint32(t.Mods))
		prevLine, prevChar = start.Line, start.Character
	}
	return out
}
