package dockerfile

import (
	"bytes"
	"fmt"
	"strings"
	"sync"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// An editor re-parses the whole file on every keystroke, yet a keystroke
// changes one instruction. BuildKit's parse of an instruction depends only on
// its own lines, the comment lines above it (BuildKit's PrevComment) and the
// escape token, so its results are kept in a process-wide cache keyed by
// exactly that text (the instruction's "region"). A hit at another line (text
// was inserted above) relocates the node and re-derives the typed command,
// whose locations are line-based. Cached nodes are shared between Files,
// which, like everything in a File, are never modified.

type bkEntry struct {
	node *parser.Node // StartLine as computed for line
	cmd  any
	err  string
	line int // 1-based StartLine the node and cmd belong to
}

type bkCacheT struct {
	mu sync.Mutex
	m  map[string]*bkEntry
}

// bkCacheMax bounds the cache; when full it is cleared, which costs one cold
// parse of the open files.
const bkCacheMax = 1 << 15

var bkCache = &bkCacheT{m: map[string]*bkEntry{}}

func (c *bkCacheT) get(k string) *bkEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[k]
}

func (c *bkCacheT) put(k string, e *bkEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= bkCacheMax {
		clear(c.m)
	}
	c.m[k] = e
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

func (p *parseState) regionKey(i int) string {
	in := p.f.Instructions[i]
	start := p.f.Lines.LineStart(p.regionStart(i))
	var b strings.Builder
	b.Grow(in.Span.End - start + 1)
	b.WriteByte(p.esc)
	b.Write(p.f.Text[start:in.Span.End])
	return b.String()
}

// attachBuildKit gives every instruction BuildKit's AST node and typed command
// (or its error). Instructions whose region is cached cost nothing; the rest
// are parsed from the compact text, in one whole-file pass when there are many
// of them (a file seen for the first time), else one by one.
func (p *parseState) attachBuildKit() {
	f := p.f
	if len(f.Instructions) == 0 {
		return
	}
	keys := make([]string, len(f.Instructions))
	var misses []int
	for i, in := range f.Instructions {
		if in.Err != nil && strings.Contains(in.Err.Message, "longer than") {
			continue
		}
		keys[i] = p.regionKey(i)
		if e := bkCache.get(keys[i]); e != nil {
			p.apply(in, e, keys[i])
			continue
		}
		misses = append(misses, i)
	}
	if len(misses) == 0 {
		return
	}
	var byLine map[int]*parser.Node
	if len(misses) > 8 {
		if res, err := parser.Parse(bytes.NewReader(f.BuildKitText(nil))); err == nil && res != nil && res.AST != nil {
			byLine = make(map[int]*parser.Node, len(res.AST.Children))
			for _, n := range res.AST.Children {
				byLine[n.StartLine] = n
			}
		}
	}
	for _, i := range misses {
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
			e.node = node
			cmd, err := parseCommand(node)
			if err != nil {
				e.err = cleanErr(err)
			} else {
				e.cmd = cmd
			}
		}
		bkCache.put(keys[i], e)
		p.apply(in, e, "")
	}
}

// apply sets the instruction's BuildKit results from a cache entry computed
// at the same region text, relocating it when the instruction has moved.
func (p *parseState) apply(in *Instruction, e *bkEntry, key string) {
	if e.node != nil && e.line != in.StartLine+1 {
		node := *e.node
		node.EndLine = in.StartLine + 1 + (e.node.EndLine - e.node.StartLine)
		node.StartLine = in.StartLine + 1
		moved := &bkEntry{node: &node, err: e.err, line: in.StartLine + 1}
		if e.err == "" {
			cmd, err := parseCommand(&node)
			if err != nil {
				moved.err = cleanErr(err)
			} else {
				moved.cmd = cmd
			}
		}
		e = moved
		if key != "" {
			bkCache.put(key, e)
		}
	}
	in.Node, in.Command = e.node, e.cmd
	if e.err != "" {
		if in.Err == nil {
			in.Err = p.addErr(e.err, in.Span)
		}
		return
	}
	if c, ok := in.Command.(*instructions.CopyCommand); ok && c.From == "" {
		if fl, ok := in.Flag("from"); ok {
			in.Err = p.addErr("COPY --from needs a stage name, a stage index or an image", fl.Span)
		}
	}
}

// parseOne runs BuildKit's parser on the compact text of one instruction's
// region and returns its node with the file's own line numbers.
func (p *parseState) parseOne(i int) (*parser.Node, error) {
	f, in := p.f, p.f.Instructions[i]
	from := p.regionStart(i)
	var b bytes.Buffer
	prefix := 0
	if p.esc != '\\' && from > 0 {
		b.WriteString("# escape=`\n")
		prefix = 1
	}
	b.Write(f.buildKitText(from, in.EndLine+1, i, nil, nil))
	b.WriteByte('\n')
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

// DropBuildKitCache empties the cache of BuildKit results, so that the next
// Parse of any text is a first sight (for benchmarks of cold parses).
func DropBuildKitCache() {
	bkCache.mu.Lock()
	defer bkCache.mu.Unlock()
	clear(bkCache.m)
}
