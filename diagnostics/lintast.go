package diagnostics

import (
	"bytes"
	"slices"
	"strings"
	"unicode"

	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/msls-dev/msls/dockerfile"
)

// BuildKit's build checks start by parsing the text they are given, which
// costs as much as the first parse of the file (a regular expression per
// line). The File already holds BuildKit's node for every instruction, parsed
// from the same lines, so the parse of the lint text is assembled from those
// nodes. What the nodes cannot carry is recomputed by replaying BuildKit's
// line scanner (parser.Parse) over the lint text of the lines between
// instructions and of each instruction's logical line: the comments above an
// instruction (the lint text neutralises comments, and emptied instructions
// let comments run together), the parser directives, and the
// empty-continuation warnings. Wherever the replay meets something it does
// not model, LintResult declines and the caller parses the text.

// lintBadLines is what msls hides from BuildKit's build checks: bad reports
// the lines of instructions with a parse error and of invalid parser
// directives (emptied, so that one bad line does not hide the checks of the
// rest), and stub gives a FROM in error the text `<keyword as written>
// scratch` on its first line, so that its stage keeps its place. Give both to
// lintText or lintResult.
func lintBadLines(f *dockerfile.File) (bad func(line int) bool, stub map[int]string) {
	for _, st := range f.Stages {
		if st.From.Err != nil {
			if stub == nil {
				stub = map[int]string{}
			}
			stub[st.From.StartLine] = f.Slice(st.From.KeywordSpan) + " scratch"
		}
	}
	if len(f.Errors) == 0 {
		return func(int) bool { return false }, stub
	}
	lines := map[int]bool{}
	for _, in := range f.Instructions {
		if in.Err != nil {
			for l := in.StartLine; l <= in.EndLine; l++ {
				lines[l] = true
			}
		}
	}
	for _, e := range f.Errors {
		if f.InstructionAt(e.Span.Start) == nil { // a directive error
			lines[f.Lines.Line(e.Span.Start)] = true
		}
	}
	return func(line int) bool { return lines[line] }, stub
}

// lintResult is BuildKit's parser.Parse result for lintText(f, bad, stub),
// assembled from the instructions' own nodes instead of parsing that text
// (a parse of the lint text costs as much as the first parse of the file),
// with, for each child of the result's AST, the typed command BuildKit made
// of the instruction's own node when that command is the one the child
// gives (the same lines, comments that set the same checks), else nil: what
// bklint.Lint takes so as not to parse them again. ok is false when
// it cannot be assembled faithfully; the caller then parses the text.
//
// The nodes are the File's where BuildKit's parse of the lint text gives the
// same node, else shallow copies (PrevComment, and the compacted text of a
// shell-form RUN); like the File's, they and the commands must not be
// modified.
func lintResult(f *dockerfile.File, bad func(line int) bool, stub map[int]string) (res *parser.Result, cmds []any, ok bool) {
	if len(f.Instructions) == 0 {
		return nil, nil, false
	}
	if bad == nil {
		bad = func(int) bool { return false }
	}
	a := lintAssembler{f: f, bad: bad, stub: stub, neutral: lintNeutral(f), esc: parser.DefaultEscapeToken,
		n: f.Lines.LineCount(), warnings: []parser.Warning{},
		children: make([]*parser.Node, 0, len(f.Instructions)), cmds: make([]any, 0, len(f.Instructions))}
	a.scanned = a.n
	if last := a.n - 1; last > 0 && (bad(last) && stub[last] == "" || !bad(last) && f.Lines.LineStart(last) == len(f.Text)) {
		// the lint text ends with a line break: BuildKit's scanner reads no
		// last, empty line (an instruction never ends on an empty line)
		a.scanned = last
	}
	line := 0
	for _, in := range f.Instructions {
		for ; line < in.StartLine; line++ {
			if !a.gap(line) {
				return nil, nil, false
			}
		}
		switch dropped := a.droppedLines(in); {
		case dropped == in.EndLine-in.StartLine+1:
			if f.Compacted(in) && a.stubbed(in) {
				return nil, nil, false // buildKitText empties a compacted RUN's lines, stub or not
			}
			for ; line <= in.EndLine; line++ {
				if !a.gap(line) {
					return nil, nil, false
				}
			}
		case dropped > 0:
			return nil, nil, false
		default:
			if line, ok = a.keep(in); !ok {
				return nil, nil, false
			}
		}
	}
	for ; line < a.n; line++ {
		if !a.gap(line) {
			return nil, nil, false
		}
	}
	// The escape token BuildKit reports may differ from the File's (an
	// emptied directive line ends the directives): each kept node was checked
	// against it, and stubs have no escape.
	if len(a.children) == 0 {
		return nil, nil, false
	}
	root := &parser.Node{StartLine: a.children[0].StartLine, EndLine: a.children[len(a.children)-1].EndLine, Children: a.children}
	return &parser.Result{AST: root, EscapeToken: a.esc, Warnings: a.warnings}, a.cmds, true
}

// lintAssembler is the state of BuildKit's scanner that LintResult replays.
type lintAssembler struct {
	f       *dockerfile.File
	bad     func(int) bool
	stub    map[int]string
	neutral lineSet
	n       int // lines of the file
	scanned int // lines BuildKit's scanner reads (n, or n-1 when the text ends with a line break)

	esc      rune
	dirs     parser.DirectiveParser
	dirsDone bool     // an instruction was seen: no more parser directives
	comments []string // BuildKit's pending comments, nil and empty alike as it has them

	children []*parser.Node
	cmds     []any // per child: the instruction's typed command, when it is the child's
	warnings []parser.Warning
}

func (a *lintAssembler) droppedLines(in *dockerfile.Instruction) int {
	k := 0
	for l := in.StartLine; l <= in.EndLine; l++ {
		if a.bad(l) {
			k++
		}
	}
	return k
}

func (a *lintAssembler) stubbed(in *dockerfile.Instruction) bool {
	for l := in.StartLine; l <= in.EndLine; l++ {
		if a.stub[l] != "" {
			return true
		}
	}
	return false
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// gap replays BuildKit's scanner on a line outside the kept instructions: a
// comment, an empty line, an emptied instruction's line, or a stub. It
// reports false for anything else (a line BuildKit would start an
// instruction with that the File does not have).
func (a *lintAssembler) gap(line int) bool {
	if line >= a.scanned {
		return true
	}
	t := lintLine(a.f, line, a.bad, a.neutral, a.stub)
	if line == 0 {
		t = bytes.TrimPrefix(t, bom)
	}
	if bkIsComment(t) {
		if c := strings.TrimSpace(string(t[1:])); c == "" {
			a.comments = nil
		} else {
			a.comments = append(a.comments, c)
		}
	}
	t = bytes.TrimLeftFunc(bkTrimNewline(t), unicode.IsSpace)
	if !a.dirsDone {
		d, err := a.dirs.ParseLine(t)
		if err != nil {
			return false // BuildKit's parse fails
		}
		if d != nil {
			if d.Name == "escape" {
				if d.Value != "`" && d.Value != `\` {
					return false
				}
				a.esc = rune(d.Value[0])
			}
			a.comments = a.comments[:len(a.comments)-1]
		}
	}
	if len(t) == 0 || bkIsComment(t) {
		return true
	}
	if !a.bad(line) || a.stub[line] == "" {
		return false
	}
	return a.stubNode(line, a.stub[line])
}

func (a *lintAssembler) stubNode(line int, text string) bool {
	// The stub is parsed alone, with the default escape token and no
	// following lines: only a plain one-line instruction parses the same.
	if strings.ContainsAny(text, "\\`\r\n") || strings.Contains(text, "<<") || strings.HasPrefix(text, string(bom)) {
		return false
	}
	res, err := parser.Parse(strings.NewReader(text))
	if err != nil || len(res.AST.Children) != 1 || len(res.Warnings) != 0 {
		return false
	}
	c := res.AST.Children[0]
	if c.StartLine != 1 || c.EndLine != 1 || len(c.Heredocs) > 0 {
		return false
	}
	c.StartLine, c.EndLine = line+1, line+1
	c.PrevComment = a.comments
	a.add(c, nil)
	return true
}

func (a *lintAssembler) add(n *parser.Node, cmd any) {
	a.children = append(a.children, n)
	a.cmds = append(a.cmds, cmd)
	a.comments = nil
	a.dirsDone = true
}

// keep adds a kept instruction's node, replaying BuildKit's scan of its
// logical line for the empty-continuation warning and, for a compacted RUN,
// the logical line itself.
func (a *lintAssembler) keep(in *dockerfile.Instruction) (next int, ok bool) {
	f := a.f
	node := in.Node
	if node == nil || node.StartLine != in.StartLine+1 || node.EndLine != in.EndLine+1 || a.esc != f.EscapeToken {
		return 0, false
	}
	esc := byte(a.esc)
	compact := f.Compacted(in)
	var lines [][]byte
	if compact {
		lines = bytes.SplitN(f.CompactInstruction(in), []byte{'\n'}, in.EndLine-in.StartLine+1)
		if len(lines) != in.EndLine-in.StartLine+1 {
			return 0, false
		}
		last := len(lines) - 1
		lines[last] = bytes.TrimSuffix(lines[last], []byte{'\n'})
	}
	text := func(l int) []byte {
		switch {
		case l > in.EndLine: // past the last instruction (see below)
			return lintLine(f, l, a.bad, a.neutral, a.stub)
		case compact:
			return lines[l-in.StartLine]
		}
		return f.Text[f.Lines.LineStart(l):f.Lines.LineEnd(l)]
	}
	first := text(in.StartLine)
	if in.StartLine == 0 {
		first = bytes.TrimPrefix(first, bom)
	}
	first = bytes.TrimLeftFunc(bkTrimNewline(first), unicode.IsSpace)
	if len(first) == 0 || bkIsComment(first) || bytes.HasPrefix(first, bom) {
		// BuildKit keeps a byte-order mark past the first line, which the
		// instruction's node may not have (parsed from a piece of the file)
		return 0, false
	}
	s, eol := bkTrimContinuation(first, esc)
	var logical []byte
	if compact {
		logical = append(logical, s...)
	}
	empty := false
	l := in.StartLine
	for !eol && l+1 < a.scanned {
		l++
		// A continuation can run on past the instruction's last line only
		// through blank and comment lines to the end of the text, which
		// BuildKit's parse of the instruction alone did not see.
		past := l > in.EndLine
		if past && in != f.Instructions[len(f.Instructions)-1] {
			return 0, false
		}
		t := text(l)
		if bkIsComment(t) {
			continue
		}
		t = bkTrimNewline(t)
		if len(bytes.TrimLeftFunc(t, unicode.IsSpace)) == 0 {
			empty = true
			continue
		}
		if past {
			return 0, false
		}
		t, eol = bkTrimContinuation(t, esc)
		if compact {
			logical = append(logical, t...)
		}
	}
	if len(node.Heredocs) == 0 {
		if l < in.EndLine {
			return 0, false
		}
	} else {
		if l >= in.EndLine {
			return 0, false
		}
		for b := l + 1; b <= in.EndLine; b++ {
			if a.neutral.has(b) { // the lint text would change the heredoc's body
				return 0, false
			}
		}
	}
	end := max(l, in.EndLine) // past it only at the end of the text
	n := node
	if compact || end != in.EndLine || !sameComments(node.PrevComment, a.comments) {
		c := *node
		c.PrevComment = a.comments
		c.EndLine = end + 1
		if compact {
			if !a.compactRun(&c, in, logical) {
				return 0, false
			}
		}
		n = &c
	}
	if empty {
		a.warnings = append(a.warnings, parser.Warning{
			Short:    "Empty continuation line found in: " + n.Original,
			Detail:   [][]byte{[]byte("Empty continuation lines will become errors in a future release")},
			URL:      "https://docs.docker.com/go/dockerfile/rule/no-empty-continuation/",
			Location: &parser.Range{Start: parser.Position{Line: l + 1}, End: parser.Position{Line: l + 1}},
		})
	}
	var cmd any
	if n.EndLine == node.EndLine && sameChecks(n.PrevComment, node.PrevComment) {
		cmd = in.Command
	}
	a.add(n, cmd)
	return end + 1, true
}

// compactRun gives the copy of a compacted RUN's node what BuildKit makes of
// the compact text: the File's node has the real command text put back (see
// restoreRun).
func (a *lintAssembler) compactRun(c *parser.Node, in *dockerfile.Instruction, logical []byte) bool {
	f := a.f
	head := in.KeywordSpan.End
	if k := len(in.Flags); k > 0 {
		head = in.Flags[k-1].Span.End
	}
	prefix := f.Text[f.Lines.LineStart(in.StartLine):head]
	if in.StartLine == 0 {
		prefix = bytes.TrimPrefix(prefix, bom)
	}
	prefix = bytes.TrimLeftFunc(prefix, unicode.IsSpace)
	// BuildKit's flag scanner stops right before the placeholder only when
	// no flag quotes or escapes anything.
	if bytes.ContainsAny(f.Text[in.KeywordSpan.End:head], "'\"\\`") || c.Next == nil ||
		!bytes.HasPrefix(logical, prefix) || !bytes.HasPrefix(logical[len(prefix):], []byte(" "+dockerfile.CompactPlaceholder)) {
		return false
	}
	c.Original = string(logical)
	c.Next = &parser.Node{Value: strings.TrimSpace(c.Original[len(prefix):])}
	return true
}

// sameChecks reports whether BuildKit's typed parse and build checks read
// the same check settings from the two comment blocks: the same comments, or
// none that could be a `check=` setting.
func sameChecks(a, b []string) bool {
	if sameComments(a, b) {
		return true
	}
	for _, cs := range [2][]string{a, b} {
		for _, c := range cs {
			if mentionsCheck(c) {
				return false
			}
		}
	}
	return true
}

// mentionsCheck is strings.Contains(strings.ToLower(c), "check") without a
// copy of an ASCII comment (every kept instruction's, on every version).
func mentionsCheck(c string) bool {
	for i := 0; i < len(c); i++ {
		if c[i] >= 0x80 {
			return strings.Contains(strings.ToLower(c), "check")
		}
	}
	for i := 0; i+5 <= len(c); i++ {
		if strings.EqualFold(c[i:i+5], "check") {
			return true
		}
	}
	return false
}

func sameComments(a, b []string) bool {
	return (a == nil) == (b == nil) && slices.Equal(a, b)
}

// The helpers below do what BuildKit's scanner does to a line (parser.go:
// isComment, trimNewline, trimContinuationCharacter).

func bkIsComment(line []byte) bool {
	line = bytes.TrimLeftFunc(line, unicode.IsSpace)
	return len(line) > 0 && line[0] == '#'
}

func bkTrimNewline(line []byte) []byte {
	return bytes.TrimRight(line, "\r\n")
}

// bkTrimContinuation removes a line-continuation escape (the escape token,
// then only blanks, not itself escaped, or alone on the line) and reports
// whether the line ends the logical line.
func bkTrimContinuation(line []byte, esc byte) ([]byte, bool) {
	e := len(line)
	for e > 0 && (line[e-1] == ' ' || line[e-1] == '\t') {
		e--
	}
	if e == 0 || line[e-1] != esc {
		return line, true
	}
	if e == 1 {
		return line[:0], false
	}
	if line[e-2] == esc {
		return line, true
	}
	return line[:e-1], false
}
