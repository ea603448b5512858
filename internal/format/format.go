// Package format is msls's Dockerfile formatter. It rewrites layout only:
// keyword case, the spaces around keywords and flags, continuation-line
// indentation, trailing white space, blank lines and JSON-form spacing. It
// never touches heredoc bodies, comment text, or white space that a line
// continuation joins into a quoted string or a whitespace-sensitive value,
// and every result is checked against BuildKit's parse of the original: an
// instruction whose formatting would parse differently is left as written.
package format

import (
	"bytes"
	"encoding/json"
	"regexp"
	"sort"
	"strings"

	"github.com/msls-dev/msls/dockerfile"
)

// Options control the layout. The zero value is usable: four-space
// continuation indentation.
type Options struct {
	// IndentWidth is the number of spaces continuation lines are indented by
	// (0 means 4). Ignored when UseTabs is set.
	IndentWidth int
	// UseTabs indents continuation lines with one tab.
	UseTabs bool
	// KeepIndentation leaves the leading white space of continuation lines as
	// written, for hand-aligned multi-line instructions.
	KeepIndentation bool
}

func (o Options) indent() string {
	if o.UseTabs {
		return "\t"
	}
	w := o.IndentWidth
	if w <= 0 {
		w = 4
	}
	if w > 16 {
		w = 16
	}
	return strings.Repeat(" ", w)
}

// Format returns the formatted text of f.
func Format(f *dockerfile.File, opt Options) []byte {
	return Apply(f.Text, Edits(f, opt))
}

// Edits returns the edits that format f, in source order, each covering whole
// lines. No edits means f is already formatted.
func Edits(f *dockerfile.File, opt Options) []dockerfile.Edit {
	keep := map[int]bool{}
	for round := 0; round < 3; round++ {
		edits := render(f, opt, keep)
		if len(edits) == 0 {
			return nil
		}
		bad, ok := verify(f, dockerfile.Parse(Apply(f.Text, edits)))
		if ok {
			return edits
		}
		if len(bad) == 0 {
			break
		}
		for _, i := range bad {
			keep[i] = true
		}
	}
	return nil
}

// RangeEdits returns the formatting edits that touch the lines of span (an
// instruction is formatted whole when any of its lines is in range).
func RangeEdits(f *dockerfile.File, opt Options, span dockerfile.Span) []dockerfile.Edit {
	all := Edits(f, opt)
	first, last := f.Lines.Line(span.Start), f.Lines.Line(span.End)
	if span.End > span.Start && span.End == f.Lines.LineStart(last) && last > first {
		last-- // a selection ending at column 0 does not include that line
	}
	lo, hi := f.Lines.LineStart(first), f.Lines.LineEnd(last)
	var out []dockerfile.Edit
	for _, e := range all {
		if e.Span.Start <= hi && (e.Span.End > lo || e.Span.Start == lo) {
			out = append(out, e)
		}
	}
	return out
}

// Apply applies non-overlapping edits to text.
func Apply(text []byte, edits []dockerfile.Edit) []byte {
	if len(edits) == 0 {
		return text
	}
	sorted := append([]dockerfile.Edit(nil), edits...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Span.Start < sorted[j].Span.Start })
	var b bytes.Buffer
	at := 0
	for _, e := range sorted {
		if e.Span.Start < at || e.Span.End > len(text) {
			continue
		}
		b.Write(text[at:e.Span.Start])
		b.WriteString(e.NewText)
		at = e.Span.End
	}
	b.Write(text[at:])
	return b.Bytes()
}

// knownKeywords are the instructions BuildKit accepts; unknown words are left
// as written.
var knownKeywords = map[string]bool{
	"ADD": true, "ARG": true, "CMD": true, "COPY": true, "ENTRYPOINT": true, "ENV": true, "EXPOSE": true,
	"FROM": true, "HEALTHCHECK": true, "LABEL": true, "MAINTAINER": true, "ONBUILD": true, "RUN": true,
	"SHELL": true, "STOPSIGNAL": true, "USER": true, "VOLUME": true, "WORKDIR": true,
}

// joinSafe are the instructions whose arguments BuildKit splits on white space
// (or hands to a shell), so the amount of unquoted white space a line
// continuation joins does not matter. WORKDIR, USER, STOPSIGNAL, MAINTAINER
// and the legacy `ENV key value` / `LABEL key value` forms keep it verbatim.
var joinSafe = map[string]bool{
	"FROM": true, "ARG": true, "COPY": true, "ADD": true, "EXPOSE": true, "VOLUME": true,
	"RUN": true, "CMD": true, "ENTRYPOINT": true, "SHELL": true, "HEALTHCHECK": true,
}

func joinSafeInstruction(in *dockerfile.Instruction) bool {
	if in.Sub != nil {
		return joinSafeInstruction(in.Sub)
	}
	switch in.Keyword {
	case "ENV", "LABEL":
		return len(in.Args) > 0 && strings.Contains(in.Args[0].Value, "=")
	}
	return joinSafe[in.Keyword]
}

var directiveLike = regexp.MustCompile(`^#\s*[a-zA-Z][a-zA-Z0-9]*\s*=`)

// unit is a run of whole source lines that formats as one piece.
type unit struct {
	first, last int    // source lines, inclusive
	text        string // formatted, every line with its line break
	blankBefore bool   // a blank line must precede it (stage separation)
	blank       bool   // the unit is a blank line
}

func render(f *dockerfile.File, opt Options, keep map[int]bool) []dockerfile.Edit {
	r := &renderer{f: f, opt: opt, nl: "\n", ind: opt.indent(), esc: string(f.EscapeToken)}
	if i := bytes.IndexByte(f.Text, '\n'); i > 0 && f.Text[i-1] == '\r' {
		r.nl = "\r\n"
	}
	n := f.Lines.LineCount()
	if n > 0 && f.Lines.LineStart(n-1) == len(f.Text) {
		n-- // the empty "line" after a final line break
	}
	startAt := map[int]int{}
	for i, in := range f.Instructions {
		startAt[in.StartLine] = i
	}
	owned := make([]bool, n)
	for _, in := range f.Instructions {
		for l := in.StartLine; l <= in.EndLine && l < n; l++ {
			owned[l] = true
		}
	}
	blankBefore := map[int]bool{}
	for _, st := range f.Stages {
		if st.Index == 0 {
			continue
		}
		l := st.From.StartLine
		for l > 0 && !owned[l-1] && r.isComment(l-1) {
			l--
		}
		blankBefore[l] = true
	}

	var units []unit
	line := 0
	// Directives stay as written (bar trailing white space): their region
	// ends at the first other line, and moving that boundary would turn a
	// comment into a directive or back.
	for line < n && len(f.Directives) > 0 {
		s, e := f.Lines.LineStart(line), f.Lines.LineEnd(line)
		txt := strings.TrimRight(string(f.Text[s:e]), " \t")
		if !directiveLike.MatchString(strings.TrimLeft(strings.TrimPrefix(txt, "\ufeff"), " \t")) {
			break
		}
		units = append(units, unit{first: line, last: line, text: txt + r.nl})
		line++
	}
	for line < n {
		if i, ok := startAt[line]; ok {
			in := f.Instructions[i]
			u := unit{first: line, last: in.EndLine, blankBefore: blankBefore[line]}
			if u.last >= n {
				u.last = n - 1
			}
			if keep[i] || in.Err != nil || in.Node == nil {
				u.text = r.verbatim(in)
			} else {
				u.text = r.instruction(in)
			}
			units = append(units, u)
			line = u.last + 1
			continue
		}
		s, e := f.Lines.LineStart(line), f.Lines.LineEnd(line)
		txt := strings.Trim(string(f.Text[s:e]), " \t\r\v\f")
		if line == 0 {
			txt = strings.TrimPrefix(txt, "\ufeff")
		}
		if txt == "" {
			units = append(units, unit{first: line, last: line, blank: true})
		} else {
			units = append(units, unit{first: line, last: line, text: txt + r.nl, blankBefore: blankBefore[line]})
		}
		line++
	}
	if len(units) == 0 {
		return nil
	}

	// Blank lines: at most one in a row, none at the end, none at the start
	// unless the first line is a comment that must not become a directive.
	var out []string
	seenContent := len(f.Directives) > 0 && !units[0].blank
	pendingBlank := false
	for k := 0; k < len(units); k++ {
		u := units[k]
		if u.blank {
			pendingBlank = true
			out = append(out, "")
			continue
		}
		need := pendingBlank && seenContent || u.blankBefore && seenContent
		if !seenContent && pendingBlank && directiveLike.MatchString(strings.TrimLeft(u.text, " \t")) {
			need = true
		}
		// Rewrite the blank run before this unit: keep its first line (as a
		// bare line break) when a blank is needed, drop the rest.
		j := k - 1
		for j >= 0 && units[j].blank {
			j--
		}
		run := k - 1 - j
		if run > 0 {
			for b := 0; b < run; b++ {
				out[j+1+b] = "-"
			}
			if need {
				out[j+1] = r.nl
			}
		}
		text := u.text
		if need && run == 0 {
			text = r.nl + text
		}
		out = append(out, text)
		seenContent = true
		pendingBlank = false
	}
	// trailing blank lines go
	for k := len(units) - 1; k >= 0 && units[k].blank; k-- {
		out[k] = "-"
	}

	var edits []dockerfile.Edit
	for k, u := range units {
		newText := out[k]
		if newText == "-" {
			newText = ""
		} else if u.blank {
			newText = r.nl
		}
		start := f.Lines.LineStart(u.first)
		if u.first == 0 && bytes.HasPrefix(f.Text, []byte{0xEF, 0xBB, 0xBF}) {
			start = 3 // the byte-order mark stays
		}
		end := f.Lines.LineStart(u.last + 1)
		if u.last+1 >= f.Lines.LineCount() {
			end = len(f.Text)
		}
		if k == len(units)-1 && u.last == n-1 && !bytes.HasSuffix(f.Text, []byte("\n")) && strings.HasSuffix(newText, r.nl) && r.endsInOpenHeredoc() {
			newText = strings.TrimSuffix(newText, r.nl)
		}
		if string(f.Text[start:end]) != newText {
			edits = append(edits, dockerfile.Edit{Span: dockerfile.Span{Start: start, End: end}, NewText: newText})
		}
	}
	return edits
}

type renderer struct {
	f   *dockerfile.File
	opt Options
	nl  string
	ind string
	esc string
}

func (r *renderer) isComment(line int) bool {
	s, e := r.f.Lines.LineStart(line), r.f.Lines.LineEnd(line)
	return strings.HasPrefix(strings.TrimLeft(string(r.f.Text[s:e]), " \t"), "#")
}

// endsInOpenHeredoc reports whether the file ends inside an unterminated
// heredoc, whose body a final line break would change.
func (r *renderer) endsInOpenHeredoc() bool {
	if len(r.f.Instructions) == 0 {
		return false
	}
	in := r.f.Instructions[len(r.f.Instructions)-1]
	for _, h := range in.Heredocs {
		if h.EndSpan.Len() == 0 {
			return true
		}
	}
	return false
}

// verbatim is the instruction exactly as written, with its line breaks.
func (r *renderer) verbatim(in *dockerfile.Instruction) string {
	start := r.f.Lines.LineStart(in.StartLine)
	end := r.f.Lines.LineStart(in.EndLine + 1)
	if in.EndLine+1 >= r.f.Lines.LineCount() {
		end = len(r.f.Text)
	}
	if in.StartLine == 0 && bytes.HasPrefix(r.f.Text, []byte{0xEF, 0xBB, 0xBF}) {
		start = 3
	}
	s := string(r.f.Text[start:end])
	if !strings.HasSuffix(s, "\n") {
		s += r.nl
	}
	return s
}

// instruction formats one parsed instruction.
func (r *renderer) instruction(in *dockerfile.Instruction) string {
	f := r.f
	t := f.Text
	lastCmd := in.EndLine
	if len(in.Heredocs) > 0 {
		lastCmd = f.Lines.Line(in.Heredocs[0].BodySpan.Start) - 1
		if in.Heredocs[0].BodySpan.Start >= len(t) && f.Lines.LineEnd(in.EndLine) == len(t) {
			lastCmd = in.EndLine
		}
		if lastCmd < in.StartLine {
			lastCmd = in.StartLine
		}
	}
	safe := joinSafeInstruction(in)
	quoted := r.quotedBoundaries(in)

	// Word-level rewrites on the keyword line, as edits relative to t.
	var inl []dockerfile.Edit
	kw := in.Keyword
	if knownKeywords[kw] && f.Slice(in.KeywordSpan) != kw {
		inl = append(inl, dockerfile.Edit{Span: in.KeywordSpan, NewText: kw})
	}
	// One space between the keyword, the flags and the arguments when they
	// share a line: BuildKit splits there, so the amount never matters.
	words := []dockerfile.Span{in.KeywordSpan}
	for _, fl := range in.Flags {
		words = append(words, fl.Span)
	}
	if in.Sub != nil {
		if sk := in.Sub.Keyword; knownKeywords[sk] && f.Slice(in.Sub.KeywordSpan) != sk {
			inl = append(inl, dockerfile.Edit{Span: in.Sub.KeywordSpan, NewText: sk})
		}
		words = append(words, in.Sub.KeywordSpan)
		for _, fl := range in.Sub.Flags {
			words = append(words, fl.Span)
		}
		if in.Sub.ArgsSpan.Len() > 0 {
			words = append(words, dockerfile.Span{Start: in.Sub.ArgsSpan.Start, End: in.Sub.ArgsSpan.Start})
		}
	} else if in.ArgsSpan.Len() > 0 {
		words = append(words, dockerfile.Span{Start: in.ArgsSpan.Start, End: in.ArgsSpan.Start})
	}
	for k := 0; k+1 < len(words); k++ {
		a, b := words[k].End, words[k+1].Start
		if a < b && f.Lines.Line(a) == f.Lines.Line(b) && strings.Trim(string(t[a:b]), " \t") == "" && string(t[a:b]) != " " {
			inl = append(inl, dockerfile.Edit{Span: dockerfile.Span{Start: a, End: b}, NewText: " "})
		}
	}
	// `FROM image AS name`: AS in upper case, like the keyword.
	if in.Keyword == "FROM" && len(in.Args) >= 3 && strings.EqualFold(in.Args[1].Value, "AS") && in.Args[1].Value != "AS" {
		inl = append(inl, dockerfile.Edit{Span: in.Args[1].Span, NewText: "AS"})
	}
	// JSON arrays written on one line get canonical spacing.
	jin := in
	if in.Sub != nil {
		jin = in.Sub
	}
	if jin.JSON && f.Lines.Line(jin.ArgsSpan.Start) == f.Lines.Line(jin.ArgsSpan.End) {
		if canon, ok := canonicalJSON(jin.Args); ok && canon != f.Slice(jin.ArgsSpan) {
			inl = append(inl, dockerfile.Edit{Span: jin.ArgsSpan, NewText: canon})
		}
	}
	sort.Slice(inl, func(i, j int) bool { return inl[i].Span.Start < inl[j].Span.Start })

	var b strings.Builder
	prevCont := -1 // line whose continuation joins into the next content line
	for l := in.StartLine; l <= lastCmd; l++ {
		s, e := f.Lines.LineStart(l), f.Lines.LineEnd(l)
		if l == in.StartLine {
			s = in.KeywordSpan.Start
		}
		raw := string(t[s:e])
		trimmed := strings.TrimLeft(raw, " \t")
		if l > in.StartLine && strings.Trim(raw, " \t\r\v\f") == "" {
			// An empty continuation line: BuildKit skips it (and warns that
			// it will become an error), so it goes.
			continue
		}
		if l > in.StartLine && strings.HasPrefix(trimmed, "#") {
			if r.opt.KeepIndentation {
				b.WriteString(strings.TrimRight(raw, " \t"))
			} else {
				b.WriteString(r.ind + strings.TrimRight(trimmed, " \t"))
			}
			b.WriteString(r.nl)
			continue
		}
		// Content line: its leading white space is part of the join with the
		// previous content line.
		lead := raw[:len(raw)-len(trimmed)]
		body := r.applyInline(inl, s+len(lead), e)
		if l > in.StartLine {
			switch {
			case r.opt.KeepIndentation || prevCont < 0 || !safe || quoted[prevCont] || r.glued(prevCont, lead):
				b.WriteString(lead)
			default:
				b.WriteString(r.ind)
			}
		}
		// The end of the line: a continuation keeps exactly one space before
		// the escape when the join is free to change.
		if piece, ok := r.continuation(body); ok {
			trimmedPiece := strings.TrimRight(piece, " \t")
			switch {
			case trimmedPiece == "":
				b.WriteString(piece + r.esc)
			case !safe || quoted[l] || len(trimmedPiece) == len(piece) || strings.HasSuffix(trimmedPiece, r.esc):
				b.WriteString(piece + r.esc)
			default:
				b.WriteString(trimmedPiece + " " + r.esc)
			}
			prevCont = l
		} else {
			b.WriteString(strings.TrimRight(body, " \t\r\v\f"))
			prevCont = -1
		}
		b.WriteString(r.nl)
	}
	// Heredoc bodies and terminators: byte for byte.
	if lastCmd < in.EndLine {
		start := f.Lines.LineStart(lastCmd + 1)
		end := f.Lines.LineStart(in.EndLine + 1)
		if in.EndLine+1 >= f.Lines.LineCount() {
			end = len(t)
		}
		body := string(t[start:end])
		b.WriteString(body)
		if !strings.HasSuffix(body, "\n") {
			b.WriteString(r.nl)
		}
	}
	return b.String()
}

// glued reports whether the continuation on line l joins the next line with
// no white space at all; adding indentation there would split a word.
func (r *renderer) glued(l int, lead string) bool {
	if lead != "" {
		return false
	}
	s, e := r.f.Lines.LineStart(l), r.f.Lines.LineEnd(l)
	piece, ok := r.continuation(string(r.f.Text[s:e]))
	if !ok {
		return true
	}
	return strings.TrimRight(piece, " \t") == piece
}

// continuation splits a line ending in a continuation escape, the way
// BuildKit's regular expression does, into the text before the escape.
func (r *renderer) continuation(line string) (string, bool) {
	e := strings.TrimRight(line, " \t")
	esc := r.esc
	if !strings.HasSuffix(e, esc) {
		return line, false
	}
	piece := e[:len(e)-len(esc)]
	if strings.HasSuffix(piece, esc) {
		return line, false // an escaped escape
	}
	return piece, true
}

// applyInline applies the word-level edits that fall inside [s, e).
func (r *renderer) applyInline(inl []dockerfile.Edit, s, e int) string {
	t := r.f.Text
	var b strings.Builder
	at := s
	for _, ed := range inl {
		if ed.Span.Start < at || ed.Span.End > e {
			continue
		}
		b.Write(t[at:ed.Span.Start])
		b.WriteString(ed.NewText)
		at = ed.Span.End
	}
	if at < e {
		b.Write(t[at:e])
	}
	return b.String()
}

// quotedBoundaries returns the lines whose continuation falls inside a quoted
// string (or right after an escape), where the joined white space is part of
// a value. It follows shell quoting over the instruction's lines.
func (r *renderer) quotedBoundaries(in *dockerfile.Instruction) map[int]bool {
	f := r.f
	out := map[int]bool{}
	var quote byte
	esc := byte(f.EscapeToken)
	for l := in.StartLine; l <= in.EndLine; l++ {
		s, e := f.Lines.LineStart(l), f.Lines.LineEnd(l)
		if l == in.StartLine {
			s = in.KeywordSpan.Start
		}
		line := string(f.Text[s:e])
		if l > in.StartLine {
			tl := strings.TrimLeft(line, " \t")
			if tl == "" || strings.HasPrefix(tl, "#") {
				continue
			}
		}
		piece, cont := r.continuation(line)
		for i := 0; i < len(piece); i++ {
			c := piece[i]
			switch {
			case quote == '\'':
				if c == '\'' {
					quote = 0
				}
			case c == esc || c == '\\':
				i++
			case quote == '"':
				if c == '"' {
					quote = 0
				}
			case c == '\'' || c == '"':
				quote = c
			}
		}
		if !cont {
			break
		}
		if quote != 0 {
			out[l] = true
		}
	}
	return out
}

// canonicalJSON renders a JSON-form argument list as `["a", "b"]`.
func canonicalJSON(args []dockerfile.Arg) (string, bool) {
	var b strings.Builder
	b.WriteByte('[')
	for i, a := range args {
		if i > 0 {
			b.WriteString(", ")
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(a.Value); err != nil {
			return "", false
		}
		b.WriteString(strings.TrimSuffix(buf.String(), "\n"))
	}
	b.WriteByte(']')
	return b.String(), true
}
