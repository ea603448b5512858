package dockerfile

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

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
	if p.base > 0 { // a chunk's first instruction (see parseChunks)
		return p.base
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

// skipBuildKit reports whether BuildKit is not asked about the instruction
// (its scanner would refuse one of the lines).
func skipBuildKit(in *Instruction) bool {
	return in.Err != nil && strings.Contains(in.Err.Message, "longer than")
}

// attachBuildKit gives the instructions [lo, hi) BuildKit's AST node and
// typed command (or its error). Instructions whose region is cached cost
// nothing; the rest are parsed from the compact text, in a few large pieces
// when there are many of them (a file seen for the first time), else one by
// one.
func (p *parseState) attachBuildKit(lo, hi int) {
	f := p.f
	if lo >= hi {
		return
	}
	keys := make([]string, hi-lo)
	var misses []int
	for i := lo; i < hi; i++ {
		in := f.Instructions[i]
		if skipBuildKit(in) {
			continue
		}
		k := p.regionKey(i)
		keys[i-lo] = k
		if e := bkCache.get(k); e != nil {
			p.apply(in, e, k)
			continue
		}
		misses = append(misses, i)
	}
	if len(misses) == 0 {
		return
	}
	var byLine map[int]*parser.Node
	if len(misses) > 8 {
		byLine = p.bulkNodes(misses)
	}
	entries := make([]*bkEntry, len(misses))
	if p.serial {
		for k, i := range misses {
			entries[k] = p.missEntry(i, byLine)
		}
	} else {
		parallel(len(misses), func(k int) { entries[k] = p.missEntry(misses[k], byLine) })
	}
	for k, i := range misses {
		bkCache.put(keys[i-lo], entries[k])
		p.apply(f.Instructions[i], entries[k], "")
	}
}

// missEntry computes the BuildKit results of instruction i, with its node
// from byLine when BuildKit's parse of a larger piece has it. It only reads
// the File: misses are computed in parallel.
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
			e.err = cleanErr(err)
		} else {
			e.cmd = cmd
		}
	}
	return e
}

// Knobs of the parallel cold parse (tests lower them to exercise it on
// small files).
var (
	// bulkChunkMin is the fewest instructions worth a piece of its own.
	bulkChunkMin = 200
	// parallelMin is the fewest misses worth more than one goroutine.
	parallelMin = 64
	// maxWorkers caps the goroutines; 0 means GOMAXPROCS.
	maxWorkers = 0
)

// bulkPieces counts the parses that used pieces (for tests).
var bulkPieces atomic.Int64

func workers() int {
	if maxWorkers > 0 {
		return maxWorkers
	}
	return runtime.GOMAXPROCS(0)
}

// parallel runs fn(0..n-1), spread over the CPUs when n is large enough.
func parallel(n int, fn func(k int)) {
	w := min(workers(), n/parallelMin)
	if w <= 1 {
		for k := range n {
			fn(k)
		}
		return
	}
	var wg sync.WaitGroup
	var next atomic.Int64
	var panicked atomic.Pointer[any]
	const batch = 16
	for range w {
		wg.Go(func() {
			defer func() {
				if p := recover(); p != nil {
					panicked.CompareAndSwap(nil, &p)
				}
			}()
			for {
				k0 := int(next.Add(batch)) - batch
				if k0 >= n {
					return
				}
				for k := k0; k < min(k0+batch, n); k++ {
					fn(k)
				}
			}
		})
	}
	wg.Wait()
	if p := panicked.Load(); p != nil {
		panic(*p) // on the caller's goroutine, where it is recovered
	}
}

// bulkNodes runs BuildKit's parser over the compact text of the lines
// holding the missed instructions and returns the nodes by (1-based) line,
// or nil when BuildKit fails. A piece starts at line 0 or at an instruction's
// region whose preceding instruction BuildKit ended where the model does, so
// BuildKit starts it in the state a parse of the whole file would be in
// there. Many instructions are cut into pieces parsed in parallel; the pieces
// are used only if each of them parses and BuildKit ends each one's last
// instruction where the model does (else one parse of the whole range, as
// before, decides).
func (p *parseState) bulkNodes(misses []int) map[int]*parser.Node {
	f := p.f
	a, b := misses[0], misses[len(misses)-1]+1
	if a > 0 {
		prev := f.Instructions[a-1]
		if prev.Node == nil || prev.Node.StartLine != prev.StartLine+1 || prev.Node.EndLine != prev.EndLine+1 {
			a = 0
		}
	}
	n := min(workers(), (b-a)/bulkChunkMin)
	if n > 1 && !p.serial {
		bounds := make([]int, n+1)
		for c := range bounds {
			bounds[c] = a + (b-a)*c/n
		}
		results := make([]*parser.Result, n)
		shifts := make([]int, n)
		var wg sync.WaitGroup
		for c := range n {
			wg.Go(func() {
				defer func() {
					if recover() != nil {
						results[c] = nil // the parse in one piece below decides
					}
				}()
				results[c], shifts[c] = p.parseRange(bounds[c], bounds[c+1])
			})
		}
		wg.Wait()
		ok := true
		for c, res := range results {
			if res == nil || len(res.AST.Children) == 0 {
				ok = false
				break
			}
			if c < n-1 { // BuildKit must end the piece's last instruction where the model does
				last, in := res.AST.Children[len(res.AST.Children)-1], f.Instructions[bounds[c+1]-1]
				if last.StartLine+shifts[c] != in.StartLine+1 || last.EndLine+shifts[c] != in.EndLine+1 {
					ok = false
					break
				}
			}
		}
		if ok {
			bulkPieces.Add(1)
			byLine := make(map[int]*parser.Node, b-a)
			for c, res := range results {
				for _, node := range res.AST.Children {
					node.StartLine += shifts[c]
					node.EndLine += shifts[c]
					byLine[node.StartLine] = node
				}
			}
			return byLine
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
	if a > 0 || p.base > 0 {
		from = p.regionStart(a)
	}
	if b == len(f.Instructions) && p.stop == 0 {
		to = f.Lines.LineCount()
	}
	var buf bytes.Buffer
	prefix := p.writeRangePrefix(&buf, from)
	buf.Write(f.buildKitText(from, to, a, nil, nil, nil))
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
	b.Write(f.buildKitText(from, in.EndLine+1, i, nil, nil, nil))
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
