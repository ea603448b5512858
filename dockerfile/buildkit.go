package dockerfile

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// bkEntry is BuildKit's parse of one instruction: its node and typed
// command (or its error), for the 1-based line the node starts on.
type bkEntry struct {
	node *parser.Node // StartLine as computed for line
	cmd  any
	err  string
	line int // 1-based StartLine the node and cmd belong to
}

// regionStart is the first line of the instruction's region: the line after
// the previous instruction, or after the parser directives.
func (p *parseState) regionStart(i int) int {
	if i > 0 {
		return p.f.Instructions[i-1].EndLine + 1
	}
	if n := len(p.f.Directives); n > 0 {
		return p.f.Lines.Line(p.f.Directives[n-1].Span.Start) + 1
	}
	return 0
}

// skipBuildKit reports whether BuildKit is not asked about the instruction
// (its scanner would refuse one of the lines).
func skipBuildKit(in *Instruction) bool {
	return in.Err != nil && strings.Contains(in.Err.Message, "longer than")
}

// attachBuildKit gives the instructions [lo, hi) BuildKit's AST node and
// typed command (or its error), parsed from the compact text: many of them
// (a file seen for the first time) in one parse of their lines, a few (a
// keystroke, see ParseFrom) one by one.
func (p *parseState) attachBuildKit(lo, hi int) {
	f := p.f
	var todo []int
	for i := lo; i < hi; i++ {
		if !skipBuildKit(f.Instructions[i]) {
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 {
		return
	}
	var byLine map[int]*parser.Node
	if len(todo) > 8 {
		byLine = p.rangeNodes(todo[0], todo[len(todo)-1]+1)
	}
	for _, i := range todo {
		p.apply(f.Instructions[i], p.missEntry(i, byLine))
	}
}

// missEntry computes the BuildKit results of instruction i, with its node
// from byLine when BuildKit's parse of a larger range has it.
func (p *parseState) missEntry(i int, byLine map[int]*parser.Node) *bkEntry {
	f := p.f
	in := f.Instructions[i]
	e := &bkEntry{line: in.StartLine + 1}
	node := byLine[in.StartLine+1]
	if node == nil || !strings.EqualFold(node.Value, in.Keyword) {
		var err error
		if node, err = p.parseOne(i); err != nil {
			e.err = cleanErr(err)
		}
	}
	if node != nil {
		if compactable(f, in) {
			restoreRun(node, in)
		}
		if len(node.PrevComment) == 0 {
			// nil, however BuildKit got there (a whole-file parse leaves an
			// empty slice after the directives), so that every way to the
			// node gives the same typed command (Stage.Comments)
			node.PrevComment = nil
		}
		e.node = node
		cmd, err := parseCommand(node)
		if err != nil {
			p.notePanic(in, err)
			e.err = cleanErr(err)
		} else {
			e.cmd = cmd
		}
	}
	return e
}

// rangeNodes runs BuildKit's parser over the compact text of the lines
// holding instructions [a, b) and returns the nodes by (1-based) line, or nil
// when BuildKit fails. The range starts at line 0, or at a's region when
// BuildKit ended the instruction before it where the model does, so that
// BuildKit starts it in the state a parse of the whole file would be in.
func (p *parseState) rangeNodes(a, b int) map[int]*parser.Node {
	f := p.f
	if a > 0 {
		prev := f.Instructions[a-1]
		if prev.Node == nil || prev.Node.StartLine != prev.StartLine+1 || prev.Node.EndLine != prev.EndLine+1 {
			a = 0
		}
	}
	res, shift := p.parseRange(a, b)
	if res == nil {
		return nil
	}
	byLine := make(map[int]*parser.Node, len(res.AST.Children))
	for _, node := range res.AST.Children {
		node.StartLine += shift
		node.EndLine += shift
		byLine[node.StartLine] = node
	}
	return byLine
}

// parseRange runs BuildKit's parser on the compact text of instructions
// [a, b): from line 0 when a is 0, else from a's region, through b-1's last
// line (through the end of the file when b-1 is the last instruction). It
// returns the result (nil on error or when it has no instruction) and what
// to add to its line numbers to make them the file's.
func (p *parseState) parseRange(a, b int) (*parser.Result, int) {
	f := p.f
	from, to := 0, f.Instructions[b-1].EndLine+1
	if a > 0 {
		from = p.regionStart(a)
	}
	if b == len(f.Instructions) {
		to = f.Lines.LineCount()
	}
	var buf bytes.Buffer
	prefix := p.writeRangePrefix(&buf, from)
	buf.Write(f.buildKitText(from, to, a, nil))
	if to < f.Lines.LineCount() {
		buf.WriteByte('\n') // the file's own line break
	}
	res, err := parser.Parse(&buf)
	if err != nil || res == nil || res.AST == nil || len(res.AST.Children) == 0 {
		return nil, 0
	}
	return res, from - prefix
}

// writeRangePrefix starts the text of a piece of the file that begins at line
// from: for a piece after the top of the file, the escape directive the file
// has, then an empty line, which ends BuildKit's search for parser
// directives (a `# check=` comment at the top of the piece is a comment in
// the whole file). It returns the number of lines written.
func (p *parseState) writeRangePrefix(b *bytes.Buffer, from int) int {
	if from == 0 {
		return 0
	}
	if p.esc != '\\' {
		b.WriteString("# escape=`\n\n")
		return 2
	}
	b.WriteString("\n")
	return 1
}

// apply sets the instruction's BuildKit results from a cache entry computed
// at the same region text, relocating it when the instruction has moved.
func (p *parseState) apply(in *Instruction, e *bkEntry) {
	if e.node != nil && e.line != in.StartLine+1 {
		node := *e.node
		node.EndLine = in.StartLine + 1 + (e.node.EndLine - e.node.StartLine)
		node.StartLine = in.StartLine + 1
		moved := &bkEntry{node: &node, err: e.err, line: in.StartLine + 1}
		if e.err == "" {
			cmd, err := parseCommand(&node)
			if err != nil {
				p.notePanic(in, err)
				moved.err = cleanErr(err)
			} else {
				moved.cmd = cmd
			}
		}
		e = moved
	}
	in.Node, in.Command, in.bkErr = e.node, e.cmd, e.err
	if e.err != "" {
		if in.Err == nil {
			in.Err = p.addErr(in, e.err, in.Span)
		}
		return
	}
	if c, ok := in.Command.(*instructions.CopyCommand); ok && c.From == "" {
		if fl, ok := in.Flag("from"); ok {
			in.Err = p.addErr(in, "COPY --from needs a stage name, a stage index or an image", fl.Span)
		}
	}
}

// parseOne runs BuildKit's parser on the compact text of one instruction's
// region and returns its node with the file's own line numbers.
func (p *parseState) parseOne(i int) (*parser.Node, error) {
	f, in := p.f, p.f.Instructions[i]
	from := p.regionStart(i)
	var b bytes.Buffer
	prefix := p.writeRangePrefix(&b, from)
	to := in.EndLine + 1
	if i == len(f.Instructions)-1 {
		// through the end of the file, as parseRange does: a continuation
		// on the last line takes the empty lines after it
		to = f.Lines.LineCount()
	}
	b.Write(f.buildKitText(from, to, i, nil))
	if to < f.Lines.LineCount() {
		b.WriteByte('\n')
	}
	res, err := parser.Parse(&b)
	if err != nil {
		return nil, err
	}
	if res == nil || res.AST == nil || len(res.AST.Children) == 0 {
		return nil, fmt.Errorf("%s: BuildKit found no instruction", in.Keyword)
	}
	node := res.AST.Children[len(res.AST.Children)-1]
	shift := from - prefix
	node.StartLine += shift
	node.EndLine += shift
	return node, nil
}
