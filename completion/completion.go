// Package completion proposes what can be typed at a cursor in a Dockerfile:
// instruction keywords, parser directives, flags and their values, stage
// names and variables. It works on a *dockerfile.File and a byte offset and
// returns plain items whose edits are model spans; the server turns them into
// LSP completion items.
package completion

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/navigation"
)

// Kind is what an item completes.
type Kind int

const (
	KindKeyword Kind = iota
	KindDirective
	KindFlag
	KindValue
	KindStage
	KindVariable
)

func (k Kind) String() string {
	return [...]string{"keyword", "directive", "flag", "value", "stage", "variable"}[k]
}

// Item is one proposal.
type Item struct {
	Label  string
	Kind   Kind
	Detail string
	// Doc is Markdown.
	Doc string
	// Edit replaces the typed prefix (and the rest of the word being
	// completed) with NewText, which is an LSP snippet when Snippet is set.
	Edit    dockerfile.Edit
	Snippet bool
	// FilterText is what the client matches the typed text against, when it
	// differs from Label (for example `${NAME}` when `${` was typed).
	FilterText string
	// AdditionalEdits are applied with the item (for example an `ARG NAME`
	// line that brings a global or automatic ARG into scope).
	AdditionalEdits []dockerfile.Edit
	Deprecated      bool
	// Retrigger asks the client to complete again after inserting (the item
	// ends with `=` and values follow).
	Retrigger bool
}

// Options are the client's abilities.
type Options struct {
	// Snippets: the client accepts snippet syntax in insert texts.
	Snippets bool
}

// Complete returns the proposals at byte offset off, best first. Bad or
// partial input yields fewer items, never a panic.
func Complete(f *dockerfile.File, off int, opt Options) []Item {
	if off < 0 {
		off = 0
	}
	if off > len(f.Text) {
		off = len(f.Text)
	}
	// An offset between '\r' and '\n' is not a position a client can
	// send; treat it as the end of the line's content.
	if off > 0 && off < len(f.Text) && f.Text[off-1] == '\r' && f.Text[off] == '\n' {
		off--
	}
	c := &ctx{f: f, off: off, opt: opt}
	c.run()
	return c.items
}

type ctx struct {
	f     *dockerfile.File
	off   int
	opt   Options
	items []Item
}

func (c *ctx) add(it Item) { c.items = append(c.items, it) }

func isSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == '\v' || b == '\f'
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func (c *ctx) run() {
	f, off := c.f, c.off
	line := f.Lines.Line(off)
	lineStart := f.Lines.LineStart(line)
	if line == 0 && len(f.Text) >= 3 && f.Text[0] == 0xEF && f.Text[1] == 0xBB && f.Text[2] == 0xBF {
		lineStart = min(3, off)
	}
	before := string(f.Text[lineStart:off])
	trimmed := strings.TrimLeft(before, " \t")

	if in, h, ok := c.heredocAt(); ok {
		c.inHeredoc(in, h)
		return
	}
	if strings.HasPrefix(trimmed, "#") {
		if c.inHeader(line) {
			c.directive(lineStart+len(before)-len(trimmed), trimmed)
		}
		return
	}
	in := c.instructionAt(line)
	if in == nil || (line > in.StartLine && strings.TrimSpace(before) == "" && !continues(f, line)) {
		if strings.TrimSpace(before) == "" {
			c.keywords(off, off, f.StageAt(off) == nil, false)
		}
		return
	}
	if in.Sub != nil && off > in.KeywordSpan.End && off >= in.Sub.KeywordSpan.Start {
		if off <= in.Sub.KeywordSpan.End {
			c.keywords(in.Sub.KeywordSpan.Start, off, false, true)
			return
		}
		in = in.Sub
	} else if in.Is("ONBUILD") && in.Sub == nil && off > in.KeywordSpan.End {
		c.keywords(c.wordStart(), off, false, true)
		return
	}
	if off < in.KeywordSpan.Start {
		return // before the keyword (a line holding only a continuation)
	}
	if off <= in.KeywordSpan.End {
		c.keywords(in.KeywordSpan.Start, off, in.Stage < 0 && !in.Is("FROM"), false)
		return
	}
	ws := c.wordStart()
	word := string(f.Text[ws:off])
	if c.variable(in, ws, word) {
		return
	}
	flagZone := true
	for _, a := range in.Args {
		if a.Span.Start < ws {
			flagZone = false
			break
		}
	}
	if flagZone && strings.HasPrefix(word, "-") {
		if eq := strings.IndexByte(word, '='); eq >= 0 && strings.HasPrefix(word, "--") {
			c.flagValue(in, word[2:eq], ws+eq+1)
		} else {
			c.flags(in, ws)
		}
		return
	}
	c.args(in, ws, word, flagZone)
}

// wordStart is the start of the white-space-delimited word ending at off.
func (c *ctx) wordStart() int {
	ws := c.off
	for ws > 0 && !isSpace(c.f.Text[ws-1]) {
		ws--
	}
	return ws
}

// wordEnd extends [.., off) over the rest of the word being edited, up to a
// stop byte.
func (c *ctx) wordEnd(stops string) int {
	e := c.off
	for e < len(c.f.Text) && !isSpace(c.f.Text[e]) && !strings.ContainsRune(stops, rune(c.f.Text[e])) {
		e++
	}
	return e
}

// continues reports whether the line before line ends with a continuation
// escape, making line part of the previous instruction.
func continues(f *dockerfile.File, line int) bool {
	for l := line - 1; l >= 0; l-- {
		s := strings.TrimRight(string(f.Text[f.Lines.LineStart(l):f.Lines.LineEnd(l)]), " \t")
		t := strings.TrimLeft(s, " \t")
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		return strings.HasSuffix(s, string(f.EscapeToken))
	}
	return false
}

// instructionAt finds the instruction the cursor line belongs to, including
// a blank continuation line after `\` that the model leaves out of the span.
func (c *ctx) instructionAt(line int) *dockerfile.Instruction {
	if in := c.f.InstructionAt(c.off); in != nil {
		return in
	}
	if !continues(c.f, line) {
		return nil
	}
	var last *dockerfile.Instruction
	for _, in := range c.f.Instructions {
		if in.Span.End <= c.off {
			last = in
		}
	}
	return last
}

func (c *ctx) heredocAt() (*dockerfile.Instruction, dockerfile.Heredoc, bool) {
	in := c.f.InstructionAt(c.off)
	if in == nil {
		return nil, dockerfile.Heredoc{}, false
	}
	for _, h := range in.Heredocs {
		unterminated := h.EndSpan.Len() == 0
		if c.off >= h.BodySpan.Start && (c.off < h.BodySpan.End || unterminated && c.off == h.BodySpan.End) {
			return in, h, true
		}
		// The terminator line itself completes nothing.
		if !unterminated && c.off >= h.EndSpan.Start && c.off <= h.EndSpan.End {
			return in, dockerfile.Heredoc{Name: h.Name}, true
		}
	}
	return nil, dockerfile.Heredoc{}, false
}

func (c *ctx) inHeredoc(in *dockerfile.Instruction, h dockerfile.Heredoc) {
	if h.BodySpan.Len() == 0 && h.Body == "" && !h.Expand && h.MarkerSpan.IsZero() {
		return // terminator line
	}
	ws := c.wordStart()
	c.variable(in, ws, string(c.f.Text[ws:c.off]))
}

// inHeader reports whether every line above line is a parser directive, so
// that a `#` line may still be one.
func (c *ctx) inHeader(line int) bool {
	for l := 0; l < line; l++ {
		s := strings.TrimSpace(string(c.f.Text[c.f.Lines.LineStart(l):c.f.Lines.LineEnd(l)]))
		s = strings.TrimPrefix(s, "\uFEFF")
		if !strings.HasPrefix(s, "#") {
			return false
		}
		name, _, ok := strings.Cut(strings.TrimSpace(s[1:]), "=")
		if !ok {
			return false
		}
		if _, known := navigation.Directive(strings.TrimSpace(name)); !known {
			return false
		}
	}
	return true
}

func (c *ctx) directive(hash int, text string) {
	body := text[1:]
	lead := len(body) - len(strings.TrimLeft(body, " \t"))
	nameStart := hash + 1 + lead
	rest := body[lead:]
	if eq := strings.IndexByte(rest, '='); eq >= 0 {
		name := strings.TrimSpace(rest[:eq])
		d, ok := navigation.Directive(name)
		if !ok {
			return
		}
		valStart := nameStart + eq + 1
		for valStart < c.off && (c.f.Text[valStart] == ' ' || c.f.Text[valStart] == '\t') {
			valStart++
		}
		typed := string(c.f.Text[valStart:c.off])
		end := c.f.Lines.LineEnd(c.f.Lines.Line(c.off))
		if d.Name == "check" {
			c.checkDirective(valStart, typed)
			return
		}
		for _, v := range d.Values {
			if hasPrefixFold(v.Value, typed) {
				c.add(Item{Label: v.Value, Kind: KindValue, Detail: v.Summary, Edit: dockerfile.Edit{Span: dockerfile.Span{Start: valStart, End: end}, NewText: v.Value}})
			}
		}
		return
	}
	if strings.ContainsAny(rest, " \t") {
		return
	}
	seen := map[string]bool{}
	for _, d := range c.f.Directives {
		if d.NameSpan.Start != nameStart {
			seen[d.Name] = true
		}
	}
	for _, d := range navigation.Directives {
		if seen[d.Name] || !hasPrefixFold(d.Name, rest) {
			continue
		}
		c.add(Item{Label: d.Name, Kind: KindDirective, Detail: "parser directive", Doc: d.Summary,
			Edit: dockerfile.Edit{Span: dockerfile.Span{Start: nameStart, End: c.wordEnd("=")}, NewText: d.Name + "="}, Retrigger: true})
	}
}

// checkDirective completes `# check=skip=Rule1,Rule2;error=true`.
func (c *ctx) checkDirective(valStart int, typed string) {
	setting := typed
	base := valStart
	if i := strings.LastIndexByte(typed, ';'); i >= 0 {
		setting, base = typed[i+1:], valStart+i+1
	}
	key, val, hasEq := strings.Cut(setting, "=")
	if !hasEq {
		for _, v := range []navigation.ValueDoc{{Value: "skip=", Summary: "rules to skip, comma-separated, or all"}, {Value: "error=", Summary: "fail the build on violations"}} {
			if hasPrefixFold(v.Value, key) {
				c.add(Item{Label: v.Value, Kind: KindValue, Detail: v.Summary, Edit: dockerfile.Edit{Span: dockerfile.Span{Start: base, End: c.off}, NewText: v.Value}, Retrigger: true})
			}
		}
		return
	}
	vstart := base + len(key) + 1
	switch strings.ToLower(strings.TrimSpace(key)) {
	case "error":
		for _, v := range []string{"true", "false"} {
			if hasPrefixFold(v, val) {
				c.add(Item{Label: v, Kind: KindValue, Edit: dockerfile.Edit{Span: dockerfile.Span{Start: vstart, End: c.off}, NewText: v}})
			}
		}
	case "skip":
		if i := strings.LastIndexByte(val, ','); i >= 0 {
			vstart += i + 1
			val = val[i+1:]
		}
		used := map[string]bool{}
		for _, r := range strings.Split(setting[len(key)+1:], ",") {
			used[strings.ToLower(r)] = true
		}
		all := append([]navigation.ValueDoc{{Value: "all", Summary: "skip every check"}}, navigation.BuildChecks...)
		for _, v := range all {
			if !used[strings.ToLower(v.Value)] && hasPrefixFold(v.Value, val) {
				c.add(Item{Label: v.Value, Kind: KindValue, Detail: v.Summary, Edit: dockerfile.Edit{Span: dockerfile.Span{Start: vstart, End: c.off}, NewText: v.Value}})
			}
		}
	}
}

// keywords proposes instruction keywords replacing [start, off). Before the
// first FROM only FROM and ARG are valid; after ONBUILD, neither FROM nor
// ONBUILD nor MAINTAINER are.
func (c *ctx) keywords(start, off int, beforeFrom, onbuild bool) {
	if start > off {
		start = off
	}
	typed := string(c.f.Text[start:off])
	end := c.wordEnd("")
	for _, d := range navigation.Instructions {
		if beforeFrom && d.Keyword != "FROM" && d.Keyword != "ARG" {
			continue
		}
		if onbuild && (d.Keyword == "FROM" || d.Keyword == "ONBUILD" || d.Keyword == "MAINTAINER") {
			continue
		}
		if !hasPrefixFold(d.Keyword, typed) {
			continue
		}
		text := d.Keyword + " "
		if end < len(c.f.Text) && (c.f.Text[end] == ' ' || c.f.Text[end] == '\t') {
			text = d.Keyword
		}
		it := Item{Label: d.Keyword, Kind: KindKeyword, Detail: d.Syntax, Doc: d.Summary, Deprecated: d.Deprecated,
			Edit: dockerfile.Edit{Span: dockerfile.Span{Start: start, End: end}, NewText: text}}
		if c.opt.Snippets && d.Snippet != "" && restOfLineBlank(c.f, end) {
			it.Edit.NewText, it.Snippet = d.Snippet, true
		}
		c.add(it)
	}
}

// restOfLineBlank: a snippet would clash with arguments already written.
func restOfLineBlank(f *dockerfile.File, off int) bool {
	e := f.Lines.LineEnd(f.Lines.Line(off))
	if off >= e {
		return true
	}
	return strings.TrimSpace(string(f.Text[off:e])) == ""
}

// flags proposes the flags of in not yet given, replacing the word at ws.
func (c *ctx) flags(in *dockerfile.Instruction, ws int) {
	doc, ok := navigation.Instruction(in.Keyword)
	if !ok {
		return
	}
	typed := strings.TrimLeft(string(c.f.Text[ws:c.off]), "-")
	end := c.wordEnd("=")
	hasEq := end < len(c.f.Text) && c.f.Text[end] == '='
	for _, fd := range doc.Flags {
		if !fd.Repeatable && c.given(in, fd.Name, ws) {
			continue
		}
		if !hasPrefixFold(fd.Name, typed) {
			continue
		}
		text, retrigger := "--"+fd.Name, false
		if !fd.Bool && !hasEq {
			text, retrigger = text+"=", true
		}
		c.add(Item{Label: "--" + fd.Name, Kind: KindFlag, Detail: in.Keyword + " flag", Doc: fd.Summary,
			Edit: dockerfile.Edit{Span: dockerfile.Span{Start: ws, End: end}, NewText: text}, Retrigger: retrigger})
	}
}

// given reports whether in already has the flag, other than the word at ws.
func (c *ctx) given(in *dockerfile.Instruction, name string, ws int) bool {
	for _, fl := range in.Flags {
		if fl.Span.Start != ws && strings.EqualFold(fl.Name, name) {
			return true
		}
	}
	return false
}

// flagValue completes the value of --name, which starts at vs.
func (c *ctx) flagValue(in *dockerfile.Instruction, name string, vs int) {
	typed := string(c.f.Text[vs:c.off])
	span := dockerfile.Span{Start: vs, End: c.wordEnd("")}
	switch {
	case in.Is("COPY") && strings.EqualFold(name, "from"):
		c.stages(in, typed, span, true)
		return
	case in.Is("RUN") && strings.EqualFold(name, "mount"):
		c.mount(in, vs, typed)
		return
	}
	doc, ok := navigation.Instruction(in.Keyword)
	if !ok {
		return
	}
	fd, ok := doc.Flag(name)
	if !ok {
		return
	}
	c.values(fd.Values, typed, span)
}

func (c *ctx) values(vals []navigation.ValueDoc, typed string, span dockerfile.Span) {
	for _, v := range vals {
		if hasPrefixFold(v.Value, typed) {
			c.add(Item{Label: v.Value, Kind: KindValue, Detail: v.Summary, Edit: dockerfile.Edit{Span: span, NewText: v.Value}})
		}
	}
}

// stages proposes the stages defined before in (never its own), by name with
// the base image as detail, then by index when indexes are allowed.
func (c *ctx) stages(in *dockerfile.Instruction, typed string, span dockerfile.Span, indexes bool) {
	// For a FROM line in.Stage is the stage it starts: also excluded.
	cur := in.Stage
	if cur < 0 {
		return
	}
	if cur > len(c.f.Stages) {
		cur = len(c.f.Stages)
	}
	earlier := c.f.Stages[:cur]
	for _, s := range earlier {
		if s.Name != "" && hasPrefixFold(s.Name, typed) {
			c.add(Item{Label: s.Name, Kind: KindStage, Detail: s.BaseImage, Doc: fmt.Sprintf("Stage %d, `FROM %s`", s.Index, s.BaseImage),
				Edit: dockerfile.Edit{Span: span, NewText: s.Name}})
		}
	}
	if !indexes {
		return
	}
	// Formatting every index to compare it would cost an allocation per
	// earlier stage even when the typed text is a name (thousands, in a file
	// with thousands of stages): compare without formatting first.
	var buf [20]byte
	for _, s := range earlier {
		if !strings.HasPrefix(string(strconv.AppendInt(buf[:0], int64(s.Index), 10)), typed) {
			continue
		}
		idx := strconv.Itoa(s.Index)
		detail := s.BaseImage
		if s.Name != "" {
			detail = s.Name + " (" + s.BaseImage + ")"
		}
		c.add(Item{Label: idx, Kind: KindStage, Detail: detail, Doc: fmt.Sprintf("Stage %d by index", s.Index),
			Edit: dockerfile.Edit{Span: span, NewText: idx}})
	}
}

// mount completes the CSV value of RUN --mount starting at vs.
func (c *ctx) mount(in *dockerfile.Instruction, vs int, typed string) {
	fieldStart := vs
	if i := strings.LastIndexByte(typed, ','); i >= 0 {
		fieldStart = vs + i + 1
	}
	field := string(c.f.Text[fieldStart:c.off])
	whole := string(c.f.Text[vs:c.wordEnd("")])
	typ := "bind"
	given := map[string]bool{}
	pos := vs
	for _, fd := range strings.Split(whole, ",") {
		cur := pos == fieldStart
		pos += len(fd) + 1
		k, v, _ := strings.Cut(fd, "=")
		if kd, ok := navigation.MountKey(k); ok && !cur {
			given[kd.Key] = true
		}
		if strings.EqualFold(k, "type") && v != "" {
			typ = strings.ToLower(v)
		}
	}
	if key, val, ok := strings.Cut(field, "="); ok {
		kd, known := navigation.MountKey(key)
		if !known {
			return
		}
		span := dockerfile.Span{Start: fieldStart + len(key) + 1, End: c.wordEnd(",")}
		if kd.Stage {
			c.stages(in, val, span, true)
			return
		}
		c.values(kd.Values, val, span)
		return
	}
	span := dockerfile.Span{Start: fieldStart, End: c.wordEnd(",=")}
	for i := range navigation.MountKeys {
		kd := &navigation.MountKeys[i]
		if given[kd.Key] || !kd.AppliesTo(typ) || !hasPrefixFold(kd.Key, field) {
			continue
		}
		detail := "--mount, all types"
		if len(kd.Types) > 0 {
			detail = "--mount type=" + strings.Join(kd.Types, "|")
		}
		c.add(Item{Label: kd.Key, Kind: KindValue, Detail: detail, Doc: kd.Summary,
			Edit: dockerfile.Edit{Span: span, NewText: kd.Key + "="}, Retrigger: len(kd.Values) > 0 || kd.Stage})
	}
}

// args completes positional arguments: stages and `AS` in FROM, CMD/NONE
// after HEALTHCHECK, signals, ARG names to re-declare; flags too while none
// of the arguments is written yet.
func (c *ctx) args(in *dockerfile.Instruction, ws int, word string, flagZone bool) {
	n := 0
	for _, a := range in.Args {
		if a.Span.Start < ws {
			n++
		}
	}
	span := dockerfile.Span{Start: ws, End: c.wordEnd("")}
	switch {
	case in.Is("FROM") && n == 0:
		c.stages(in, word, span, false)
	case in.Is("FROM") && n == 1:
		if hasPrefixFold("AS", word) {
			c.add(Item{Label: "AS", Kind: KindKeyword, Detail: "name this stage", Edit: dockerfile.Edit{Span: span, NewText: "AS "}})
		}
	case in.Is("HEALTHCHECK") && n == 0:
		c.values([]navigation.ValueDoc{{Value: "CMD", Summary: "command that checks the container"}, {Value: "NONE", Summary: "disable the base image's check"}}, word, span)
	case in.Is("STOPSIGNAL") && n == 0:
		c.values(navigation.Signals, word, span)
	case in.Is("ARG") && in.Stage >= 0:
		c.redeclarable(in, word, span)
	}
	if flagZone && word == "" {
		c.flags(in, ws)
	}
}

// redeclarable proposes, after ARG in a stage, the global and automatic ARGs
// not yet in scope.
func (c *ctx) redeclarable(in *dockerfile.Instruction, word string, span dockerfile.Span) {
	seen := map[string]bool{}
	for _, g := range c.f.GlobalArgs {
		if seen[g.Name] || !hasPrefixFold(g.Name, word) || navigation.ResolveVar(c.f, g.Name, in) != nil {
			continue
		}
		seen[g.Name] = true
		c.add(Item{Label: g.Name, Kind: KindVariable, Detail: "global ARG " + g.Name + valueSuffix(g), Edit: dockerfile.Edit{Span: span, NewText: g.Name}})
	}
	for _, a := range navigation.AutomaticArgs {
		if seen[a.Name] || !hasPrefixFold(a.Name, word) || navigation.ResolveVar(c.f, a.Name, in) != nil {
			continue
		}
		c.add(Item{Label: a.Name, Kind: KindVariable, Detail: "set by BuildKit", Doc: a.Summary, Edit: dockerfile.Edit{Span: span, NewText: a.Name}})
	}
}

func valueSuffix(v dockerfile.Var) string {
	if v.HasValue {
		return "=" + v.Value
	}
	return ""
}
