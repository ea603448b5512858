package dockerfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// MaxLineBytes is the longest physical line BuildKit's parser accepts
// (bufio.MaxScanTokenSize - 1).
const MaxLineBytes = 64*1024 - 1

var directiveRE = regexp.MustCompile(`^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.*?)[ \t]*$`)

// segment maps a run of the logical line (continuations joined) back to the
// source: logical bytes [log, log+n) are source bytes [src, src+n).
type segment struct{ log, src, n int }

type parseState struct {
	f   *File
	esc byte
	// line scanning state
	line int
	n    int // number of lines
	// prev is the File ParseFrom reuses.
	prev *File
	// reused is the number of leading instructions ParseFrom took as they
	// are from an earlier File: published already, they are never written.
	reused int
	// sync, when set, is called after each scanned instruction with the
	// line after it; true ends the scan (ParseFrom took the rest of the file
	// from an earlier File).
	sync func(line int) bool
}

// Parse builds the model of a Dockerfile. It never fails: problems become
// entries of File.Errors (and Instruction.Err) and everything else is still
// modelled. An empty file is a valid File with no instructions.
func Parse(text []byte) *File {
	f := &File{Text: text, Lines: NewLineIndex(text), EscapeToken: '\\'}
	p := &parseState{f: f, esc: '\\', n: f.Lines.LineCount()}
	p.scan(0, false)
	p.attachBuildKit(0, len(f.Instructions))
	p.buildStages()
	p.sortErrors()
	return f
}

func (p *parseState) sortErrors() {
	f := p.f
	sort.SliceStable(f.Errors, func(i, j int) bool { return f.Errors[i].Span.Start < f.Errors[j].Span.Start })
}

// lineContent returns the start (after a leading BOM on line 0) and the end
// (before the line break) of a line.
func (p *parseState) lineContent(line int) (int, int) {
	start, end := p.f.Lines.LineStart(line), p.f.Lines.LineEnd(line)
	if line == 0 && bytes.HasPrefix(p.f.Text, []byte{0xEF, 0xBB, 0xBF}) {
		start = 3
		if end < start {
			end = start
		}
	}
	return start, end
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == '\n'
}

func skipSpace(t []byte, i, end int) int {
	for i < end && isSpace(t[i]) {
		i++
	}
	return i
}

// addErr records an error of instruction in (nil for a directive's).
func (p *parseState) addErr(in *Instruction, msg string, s Span) *ParseError {
	e := ParseError{Message: msg, Span: s}
	p.f.Errors = append(p.f.Errors, e)
	if in != nil {
		in.errs = append(in.errs, e)
	} else {
		p.f.dirErrs = append(p.f.dirErrs, e)
	}
	// A separate copy: f.Errors is sorted later and may be reallocated.
	return &ParseError{Message: msg, Span: s}
}

// scan reads lines from line from on; directivesDone says whether parser
// directives may still follow.
func (p *parseState) scan(from int, directivesDone bool) {
	t := p.f.Text
	var seen map[string]bool
	var pending []Comment
	for p.line = from; p.line < p.n; p.line++ {
		start, end := p.lineContent(p.line)
		i := skipSpace(t, start, end)
		if !directivesDone {
			if m := directiveRE.FindSubmatchIndex(t[i:end]); m != nil && isDirectiveName(string(t[i+m[2]:i+m[3]])) {
				name := strings.ToLower(string(t[i+m[2] : i+m[3]]))
				d := Directive{Name: name, Value: string(t[i+m[4] : i+m[5]]), Span: Span{i, end},
					NameSpan: Span{i + m[2], i + m[3]}, ValueSpan: Span{i + m[4], i + m[5]}}
				if seen == nil {
					seen = map[string]bool{}
				}
				switch {
				case seen[name]:
					p.addErr(nil, fmt.Sprintf("only one %s parser directive can be used", name), d.Span)
				case name == "escape" && d.Value != "\\" && d.Value != "`":
					p.addErr(nil, fmt.Sprintf("invalid escape token %q: must be ` or \\", d.Value), d.ValueSpan)
					p.f.Directives = append(p.f.Directives, d)
				default:
					if name == "escape" {
						p.esc = d.Value[0]
						p.f.EscapeToken = rune(p.esc)
					}
					p.f.Directives = append(p.f.Directives, d)
				}
				seen[name] = true
				continue
			}
			directivesDone = true
		}
		if i == end {
			pending = nil
			continue
		}
		if t[i] == '#' {
			c := Comment{Text: strings.TrimSpace(string(t[i+1 : end])), Span: Span{i, end}}
			p.f.Comments = append(p.f.Comments, c)
			pending = append(pending, c)
			continue
		}
		inst := p.instruction(i)
		inst.Comments = pending
		pending = nil
		p.f.Instructions = append(p.f.Instructions, inst)
		if p.sync != nil && p.line == inst.EndLine && p.sync(p.line+1) {
			return
		}
	}
}

func isDirectiveName(s string) bool {
	switch strings.ToLower(s) {
	case "syntax", "escape", "check":
		return true
	}
	return false
}

// continuation reports whether content ends with a line-continuation escape
// (BuildKit: the escape token is the last non-blank character and is not
// itself escaped) and returns the content without it.
func (p *parseState) continuation(t []byte, start, end int) (int, bool) {
	e := end
	for e > start && (t[e-1] == ' ' || t[e-1] == '\t') {
		e--
	}
	if e > start && t[e-1] == p.esc && (e-1 == start || t[e-2] != p.esc) {
		return e - 1, true
	}
	return end, false
}

// instruction gathers one instruction starting at offset first on p.line:
// its continuation lines, then its heredoc bodies. It leaves p.line on the
// instruction's last line.
func (p *parseState) instruction(first int) *Instruction {
	t := p.f.Text
	in := &Instruction{Stage: -1, StartLine: p.line}
	var logical strings.Builder
	add := func(s, e int) {
		if e > s {
			in.segs = append(in.segs, segment{log: logical.Len(), src: s, n: e - s})
			logical.Write(t[s:e])
		}
	}
	tooLong := false
	_, end := p.lineContent(p.line)
	if end-p.f.Lines.LineStart(p.line) > MaxLineBytes {
		tooLong = true
	}
	pieceEnd, cont := p.continuation(t, first, end)
	add(first, pieceEnd)
	lastEnd := end
	for cont && p.line+1 < p.n {
		p.line++
		s, e := p.lineContent(p.line)
		if e-s > MaxLineBytes {
			tooLong = true
		}
		i := skipSpace(t, s, e)
		if i == e {
			continue // empty continuation line (BuildKit warns: NoEmptyContinuation)
		}
		if t[i] == '#' {
			p.f.Comments = append(p.f.Comments, Comment{Text: strings.TrimSpace(string(t[i+1 : e])), Span: Span{i, e}})
			continue
		}
		pieceEnd, cont = p.continuation(t, s, e)
		add(s, pieceEnd)
		lastEnd = e
	}
	in.eofDep = cont // the continuation ran into the end of the file
	in.Span = Span{first, lastEnd}
	logic := logical.String()
	in.logical = logic
	p.lex(in, logic, 0)
	if in.Is("ONBUILD") && len(in.ArgsText) > 0 {
		sub := &Instruction{Stage: -1, segs: in.segs, StartLine: in.StartLine}
		p.lex(sub, logic, strings.Index(logic, in.ArgsText))
		sub.Span = Span{sub.KeywordSpan.Start, in.Span.End}
		in.Sub = sub
	}
	p.heredocs(in, logic)
	in.EndLine = p.f.Lines.Line(in.Span.End)
	if in.Sub != nil {
		// The wrapped instruction may start on a continuation line.
		in.Sub.StartLine, in.Sub.EndLine = p.f.Lines.Line(in.Sub.Span.Start), in.EndLine
	}
	if tooLong {
		in.Err = p.addErr(in, fmt.Sprintf("%s: a line is longer than BuildKit's limit of %d bytes", in.Keyword, MaxLineBytes), in.Span)
	}
	p.varRefs(in, logic)
	in.nScanErrs = len(in.errs)
	return in
}

// mapOff maps an offset of the logical line to a source offset: the first
// segment that ends after lo (the last one past the end). Segments are
// contiguous in logical order, so a binary search finds it; a linear scan
// made every lookup O(lines) and long continuations quadratic.
func mapOff(segs []segment, lo int) int {
	if len(segs) == 0 {
		return 0
	}
	i := sort.Search(len(segs)-1, func(i int) bool {
		if mapOffProbe != nil {
			mapOffProbe()
		}
		return lo < segs[i].log+segs[i].n
	})
	return segs[i].src + (lo - segs[i].log)
}

// mapOffProbe, set by tests only, is called for each segment mapOff looks
// at: the count proves the lookups logarithmic without timing anything.
var mapOffProbe func()

// mapSpan maps a logical span to a source span; the end maps from its last
// byte so that a span ending at a line join does not run into the next line.
func mapSpan(segs []segment, a, b int) Span {
	if len(segs) == 0 {
		return Span{}
	}
	if b <= a {
		s := mapOff(segs, a)
		return Span{s, s}
	}
	return Span{mapOff(segs, a), mapOff(segs, b-1) + 1}
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' }

// wordEnd returns the end of the word starting at i: the first unquoted white
// space. The escape token escapes the next byte.
func wordEnd(s string, i int, esc byte) int {
	var quote byte
	for i < len(s) {
		c := s[i]
		switch {
		case c == esc && quote != '\'':
			i += 2
			continue
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case isSpaceByte(c):
			return i
		}
		i++
	}
	return len(s)
}

func skipSpaceStr(s string, i int) int {
	for i < len(s) && isSpaceByte(s[i]) {
		i++
	}
	return i
}

var jsonForms = map[string]bool{"RUN": true, "CMD": true, "ENTRYPOINT": true, "SHELL": true, "COPY": true, "ADD": true, "VOLUME": true}

// lex splits the logical line (from offset from) into keyword, flags and args.
func (p *parseState) lex(in *Instruction, s string, from int) {
	i := skipSpaceStr(s, from)
	ke := i
	for ke < len(s) && !isSpaceByte(s[ke]) {
		ke++
	}
	in.Keyword = strings.ToUpper(s[i:ke])
	in.KeywordSpan = mapSpan(in.segs, i, ke)
	i = skipSpaceStr(s, ke)
	for i+1 < len(s) && s[i] == '-' && s[i+1] == '-' {
		we := wordEnd(s, i, p.esc)
		if we == i+2 { // a bare "--" ends the flags
			i = skipSpaceStr(s, we)
			break
		}
		word := s[i:we]
		fl := Flag{Span: mapSpan(in.segs, i, we)}
		if eq := strings.IndexByte(word, '='); eq >= 0 {
			fl.Name, fl.Value, fl.HasValue = word[2:eq], word[eq+1:], true
			fl.NameSpan = mapSpan(in.segs, i+2, i+eq)
			fl.ValueSpan = mapSpan(in.segs, i+eq+1, we)
			if i+eq+1 == we {
				// no value: an empty span at the end of the flag, not where
				// the next piece of the line starts (after a continuation,
				// that is past the flag)
				fl.ValueSpan = Span{fl.Span.End, fl.Span.End}
			}
		} else {
			fl.Name = word[2:]
			fl.NameSpan = mapSpan(in.segs, i+2, we)
			fl.ValueSpan = Span{fl.Span.End, fl.Span.End}
		}
		in.Flags = append(in.Flags, fl)
		i = skipSpaceStr(s, we)
	}
	e := len(s)
	for e > i && isSpaceByte(s[e-1]) {
		e--
	}
	in.ArgsText = s[i:e]
	in.argsLog = i
	in.ArgsSpan = mapSpan(in.segs, i, e)
	if in.ArgsSpan.IsZero() && e == i {
		at := in.KeywordSpan.End
		if n := len(in.Flags); n > 0 {
			at = in.Flags[n-1].Span.End
		}
		in.ArgsSpan = Span{at, at}
	}
	if jsonForms[in.Keyword] && strings.HasPrefix(in.ArgsText, "[") {
		if args, ok := jsonArgs(in.ArgsText, i, in.segs); ok {
			in.JSON, in.Args = true, args
			return
		}
	}
	for i < e {
		we := wordEnd(s[:e], i, p.esc)
		in.Args = append(in.Args, Arg{Value: s[i:we], Span: mapSpan(in.segs, i, we)})
		i = skipSpaceStr(s[:e], we)
	}
}

// jsonArgs decodes a JSON array of strings, giving each element its span.
func jsonArgs(text string, base int, segs []segment) ([]Arg, bool) {
	var vals []string
	if err := json.Unmarshal([]byte(text), &vals); err != nil {
		return nil, false
	}
	args := make([]Arg, 0, len(vals))
	i := 0
	for k := 0; k < len(vals); k++ {
		q := strings.IndexByte(text[i:], '"')
		if q < 0 {
			return nil, false
		}
		st := i + q
		j := st + 1
		for j < len(text) && text[j] != '"' {
			if text[j] == '\\' {
				j++
			}
			j++
		}
		args = append(args, Arg{Value: vals[k], Span: mapSpan(segs, base+st, base+j+1)})
		i = j + 1
	}
	return args, true
}

var heredocKeywords = map[string]bool{"RUN": true, "COPY": true, "ADD": true}

// heredocs finds the here-documents of the instruction, as BuildKit does, and
// consumes their bodies from the following lines.
func (p *parseState) heredocs(in *Instruction, logic string) {
	target := in
	if in.Sub != nil {
		target = in.Sub
	}
	if !heredocKeywords[target.Keyword] || target.JSON || !strings.Contains(logic, "<<") {
		return
	}
	lex := shell.NewLex('\\')
	lex.RawQuotes = true
	lex.RawEscapes = true
	lex.SkipUnsetEnv = true
	words, _ := lex.ProcessWords(logic, emptyEnv{})
	t := p.f.Text
	searchFrom := 0
	for _, w := range words {
		hd, err := parser.ParseHeredoc(w)
		if err != nil {
			in.Err = p.addErr(in, err.Error(), in.Span)
			return
		}
		if hd == nil {
			continue
		}
		h := Heredoc{Name: hd.Name, Expand: hd.Expand, Chomp: hd.Chomp}
		if k := strings.Index(logic[searchFrom:], "<<"); k >= 0 {
			ms := searchFrom + k
			for ms > 0 && logic[ms-1] >= '0' && logic[ms-1] <= '9' {
				ms--
			}
			me := wordEnd(logic, searchFrom+k, p.esc)
			h.MarkerSpan = mapSpan(in.segs, ms, me)
			searchFrom = me
		}
		bodyStart := p.f.Lines.LineStart(p.line + 1)
		if p.line+1 >= p.n {
			bodyStart = len(t)
		}
		terminated := false
		for p.line+1 < p.n {
			p.line++
			s, e := p.f.Lines.LineStart(p.line), p.f.Lines.LineEnd(p.line)
			cand := t[s:e]
			if h.Chomp {
				cand = bytes.TrimLeft(cand, "\t")
			}
			if string(cand) == h.Name {
				h.BodySpan = Span{bodyStart, s}
				h.EndSpan = Span{s, e}
				terminated = true
				break
			}
		}
		if !terminated {
			h.BodySpan = Span{bodyStart, len(t)}
			h.EndSpan = Span{len(t), len(t)}
			in.eofDep = true
			in.Err = p.addErr(in, fmt.Sprintf("unterminated heredoc %q: no line %q ends it", h.Name, h.Name), Span{in.Span.Start, len(t)})
		}
		h.Body = string(t[h.BodySpan.Start:h.BodySpan.End])
		in.Heredocs = append(in.Heredocs, h)
		if terminated {
			in.Span.End = h.EndSpan.End
		} else {
			in.Span.End = p.f.Lines.LineEnd(p.n - 1)
		}
	}
	if in.Sub != nil {
		in.Sub.Heredocs = in.Heredocs
		in.Sub.Span.End = in.Span.End
	}
}

type emptyEnv struct{}

func (emptyEnv) Get(string) (string, bool) { return "", false }
func (emptyEnv) Keys() []string            { return nil }

func isNameStart(c byte) bool { return c == '_' || (c|0x20) >= 'a' && (c|0x20) <= 'z' }
func isNameChar(c byte) bool  { return isNameStart(c) || c >= '0' && c <= '9' }

// varRefs records $NAME and ${NAME...} uses after the keyword and in heredoc bodies.
func (p *parseState) varRefs(in *Instruction, logic string) {
	ks := 0
	for ks < len(logic) && isSpaceByte(logic[ks]) {
		ks++
	}
	for ks < len(logic) && !isSpaceByte(logic[ks]) {
		ks++
	}
	in.VarRefs = scanVarRefs(logic, ks, p.esc, func(a, b int) Span { return mapSpan(in.segs, a, b) }, false)
	for _, h := range in.Heredocs {
		if !h.Expand {
			continue // a quoted delimiter keeps the body literal
		}
		base := h.BodySpan.Start
		in.VarRefs = append(in.VarRefs, scanVarRefs(h.Body, 0, p.esc, func(a, b int) Span { return Span{base + a, base + b} }, true)...)
	}
}

func scanVarRefs(s string, i int, esc byte, span func(a, b int) Span, heredoc bool) []VarRef {
	var refs []VarRef
	inSingle := false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c == esc && !inSingle:
			i++
		case c == '\'' && !heredoc:
			inSingle = !inSingle
		case c == '$' && !inSingle && i+1 < len(s):
			if s[i+1] == '{' {
				j := i + 2
				for j < len(s) && isNameChar(s[j]) {
					j++
				}
				if j == i+2 || !isNameStart(s[i+2]) {
					continue
				}
				end := strings.IndexByte(s[j:], '}')
				if end < 0 {
					end = len(s)
				} else {
					end = j + end + 1
				}
				refs = append(refs, VarRef{Name: s[i+2 : j], Span: span(i, end), NameSpan: span(i+2, j), Braced: true, InHeredoc: heredoc})
				i = end - 1
			} else if isNameStart(s[i+1]) {
				j := i + 1
				for j < len(s) && isNameChar(s[j]) {
					j++
				}
				refs = append(refs, VarRef{Name: s[i+1 : j], Span: span(i, j), NameSpan: span(i+1, j), InHeredoc: heredoc})
				i = j - 1
			}
		}
	}
	return refs
}

// restoreRun puts the real command text back into the node BuildKit built
// from the compact text (see BuildKitText): a shell-form RUN's argument is one
// node holding everything after the flags, and Original is the logical line.
func restoreRun(node *parser.Node, in *Instruction) {
	if node.Next != nil {
		node.Next = &parser.Node{Value: in.ArgsText}
	}
	node.Original = in.logical
}

func parseCommand(node *parser.Node) (cmd any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &panicError{value: r, stack: debug.Stack()}
		}
	}()
	// A silent linter, not nil: BuildKit merges `# check=` comments above the
	// instruction into the linter and dereferences a nil one.
	return instructions.ParseInstructionWithLinter(node, silentLinter)
}

// panicError is a panic of BuildKit's typed parse: the instruction gets a
// parse error, and the File keeps the panic for its caller to log (Panics).
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string {
	return fmt.Sprintf("BuildKit could not parse the instruction: %v", e.value)
}

// notePanic records in the File a panic that err carries.
func (p *parseState) notePanic(in *Instruction, err error) {
	var pe *panicError
	if errors.As(err, &pe) {
		p.f.Panics = append(p.f.Panics, Panic{Line: in.StartLine, Value: pe.value, Stack: pe.stack})
	}
}

// silentLinter reports nothing: with no Warn, Linter.Run returns before
// touching anything, and merging comments into it makes a copy, so one
// serves every parse at once.
var silentLinter = linter.New(&linter.Config{})

var lineRE = regexp.MustCompile(`^dockerfile parse error on line \d+: `)

func cleanErr(err error) string {
	msg := lineRE.ReplaceAllString(err.Error(), "")
	return msg
}

func (p *parseState) buildStages() {
	f := p.f
	var cur *Stage
	from := p.reuseStages()
	for idx := from; idx < len(f.Instructions); idx++ {
		in := f.Instructions[idx]
		// An instruction reused from an earlier File has the same
		// instructions before it, so its Stage and errors are already
		// these; and it must not be written.
		reused := idx < p.reused
		if in.Is("FROM") {
			st := &Stage{Index: len(f.Stages), Parent: -1, From: in, Span: in.Span}
			if len(in.Args) > 0 {
				st.BaseImage, st.BaseSpan = in.Args[0].Value, in.Args[0].Span
			} else {
				st.BaseSpan = in.ArgsSpan
				if in.Err == nil && !reused {
					in.Err = p.addErr(in, "FROM needs an image or a stage to build on", in.Span)
				}
			}
			if len(in.Args) >= 3 && strings.EqualFold(in.Args[1].Value, "AS") {
				st.Name, st.NameSpan = in.Args[2].Value, in.Args[2].Span
			}
			if fl, ok := in.Flag("platform"); ok {
				st.Platform = fl.Value
			}
			if prev := f.StageByName(st.BaseImage); prev != nil && prev.Name != "" && strings.EqualFold(prev.Name, st.BaseImage) {
				st.Parent = prev.Index
			}
			f.Stages = append(f.Stages, st)
			f.indexStage(st)
			cur = st
		}
		if cur == nil {
			if in.Is("ARG") {
				f.GlobalArgs = append(f.GlobalArgs, argVars(in)...)
			} else if in.Err == nil && !reused {
				in.Err = p.addErr(in, fmt.Sprintf("%s must come after a FROM: only ARG may precede the first FROM", in.Keyword), in.KeywordSpan)
			}
			continue
		}
		if !reused {
			in.Stage = cur.Index
			if in.Sub != nil {
				in.Sub.Stage = cur.Index
			}
		}
		cur.Instructions = append(cur.Instructions, in)
		cur.Span.End = in.Span.End
		switch {
		case in.Is("ARG"):
			cur.Vars = append(cur.Vars, argVars(in)...)
		case in.Is("ENV"):
			cur.Vars = append(cur.Vars, envVars(in)...)
		}
	}
}

// reuseStages takes from the earlier File (ParseFrom) the stages made of
// reused instructions only, up to a reused FROM, and returns the index of the
// instruction from which buildStages must go on (0: all of them).
func (p *parseState) reuseStages() int {
	f, prev := p.f, p.prev
	if prev == nil || p.reused == 0 {
		return 0
	}
	last := f.Instructions[p.reused-1].StartLine
	// r stages start with a reused FROM; all but the last of them end
	// before another reused FROM, so they are complete.
	r := sort.Search(len(prev.Stages), func(i int) bool { return prev.Stages[i].From.StartLine > last })
	if r == 0 {
		return 0
	}
	f.GlobalArgs = prev.GlobalArgs
	f.Stages = make([]*Stage, r-1, len(prev.Stages)+1)
	copy(f.Stages, prev.Stages[:r-1])
	if r-1 > 0 {
		// prev's index less the stages not reused (cheaper than indexing
		// the reused ones again)
		f.stageNames, f.stageNamesASCII = maps.Clone(prev.stageNames), true
		for _, st := range prev.Stages[r-1:] {
			if st.Name != "" && isASCII(st.Name) {
				if k := lowerASCII(st.Name); f.stageNames[k] == st {
					delete(f.stageNames, k)
				}
			}
		}
		if !prev.stageNamesASCII {
			for _, st := range f.Stages {
				if !isASCII(st.Name) {
					f.stageNamesASCII = false
				}
			}
		}
	}
	from := prev.Stages[r-1].From.StartLine
	return sort.Search(p.reused, func(i int) bool { return f.Instructions[i].StartLine >= from })
}

func argVars(in *Instruction) []Var {
	vars := make([]Var, 0, len(in.Args))
	for _, a := range in.Args {
		if v := kvVar(VarArg, a, in); v.Name != "" { // `ARG =x` declares nothing
			vars = append(vars, v)
		}
	}
	return vars
}

func kvVar(kind VarKind, a Arg, in *Instruction) Var {
	v := Var{Kind: kind, Name: a.Value, NameSpan: a.Span, Inst: in}
	if eq := strings.IndexByte(a.Value, '='); eq >= 0 {
		v.Name, v.Value, v.HasValue = a.Value[:eq], a.Value[eq+1:], true
		v.NameSpan = Span{a.Span.Start, a.Span.Start + eq}
		v.ValueSpan = Span{a.Span.Start + eq + 1, a.Span.End}
		if v.NameSpan.End > a.Span.End { // the name crossed a line continuation
			v.NameSpan.End = a.Span.End
		}
	}
	return v
}

func envVars(in *Instruction) []Var {
	if len(in.Args) == 0 {
		return nil
	}
	if strings.Contains(in.Args[0].Value, "=") {
		vars := make([]Var, 0, len(in.Args))
		for _, a := range in.Args {
			if v := kvVar(VarEnv, a, in); v.Name != "" {
				vars = append(vars, v)
			}
		}
		return vars
	}
	// legacy `ENV name value...`
	v := Var{Kind: VarEnv, Name: in.Args[0].Value, NameSpan: in.Args[0].Span, Inst: in}
	if len(in.Args) > 1 {
		rest := in.Args[1:]
		v.ValueSpan = Span{rest[0].Span.Start, rest[len(rest)-1].Span.End}
		v.Value = strings.TrimSpace(in.ArgsText[len(in.Args[0].Value):])
		v.HasValue = true
	}
	return []Var{v}
}
