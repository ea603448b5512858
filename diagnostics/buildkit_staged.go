package diagnostics

import (
	"bytes"
	"crypto/sha256"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/moby/buildkit/frontend/subrequests/lint"
	"github.com/moby/buildkit/solver/pb"

	"github.com/msls-dev/msls/diagnostics/bklint"
	"github.com/msls-dev/msls/dockerfile"
)

// BuildKit's lint pass (dockerfile2llb.DockerfileLint) costs ~95% of a check
// and grows with the whole file, though a keystroke changes one stage. Its
// findings for a stage depend only on the text before the first stage
// (directives, global ARGs), the stage's ancestors (`FROM <stage>`), the
// stage itself, and two file-wide facts: the names of earlier stages
// (DuplicateStageName) and the majority keyword casing
// (ConsistentInstructionCasing). So each stage is linted as a small "mini
// file" holding exactly that, and its warnings are remembered by the mini
// file's hash: after an edit only the changed stage (and the stages built on
// it) are linted again. TestStagedLintMatchesWholeFile holds the
// equivalence to one whole-file pass on the fixtures and the corpus.

// stagedWarning is a BuildKit warning with its line relative to the first
// line of the chunk (header or stage) it belongs to.
type stagedWarning struct {
	rule, description, url, detail string
	line                           int
}

type stagedCache struct {
	mu sync.Mutex
	m  map[[32]byte][]stagedWarning
	// busy holds the keys being linted ahead (Prelint); their channel is
	// closed when the lint is done.
	busy map[[32]byte]chan struct{}
}

// stagedCacheMax bounds the cache (entries are a few warnings each); when
// full it is simply cleared, which only costs one full lint.
const stagedCacheMax = 8192

var bkCache = &stagedCache{m: map[[32]byte][]stagedWarning{}}

func (c *stagedCache) get(k [32]byte) ([]stagedWarning, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	w, ok := c.m[k]
	return w, ok
}

// wait is get, after waiting for a lint of k under way ahead of time.
func (c *stagedCache) wait(k [32]byte) ([]stagedWarning, bool) {
	c.mu.Lock()
	w, ok := c.m[k]
	ch := c.busy[k]
	c.mu.Unlock()
	if ok || ch == nil {
		return w, ok
	}
	<-ch
	return c.get(k)
}

// claim marks k as being linted ahead of time; false when k is cached or
// already claimed. A claim must be released.
func (c *stagedCache) claim(k [32]byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; ok {
		return false
	}
	if _, ok := c.busy[k]; ok {
		return false
	}
	if c.busy == nil {
		c.busy = map[[32]byte]chan struct{}{}
	}
	c.busy[k] = make(chan struct{})
	return true
}

func (c *stagedCache) release(k [32]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	close(c.busy[k])
	delete(c.busy, k)
}

func (c *stagedCache) put(k [32]byte, w []stagedWarning) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= stagedCacheMax {
		clear(c.m)
	}
	c.m[k] = w
}

// stagePlan is the chunking of one text: chunk i covers lines
// [start[i], start[i+1]); chunk 0 is the header, chunk i+1 is stage i.
// Nothing of a mini file is built until it must be linted: its cache key is
// a hash of its parts (the chunks' own hashes and the stub and padding lines),
// which determine it exactly, so a keystroke costs a hash of the text and a
// lookup per stage.
type stagePlan struct {
	f     *dockerfile.File
	text  []byte
	start []int // chunk start lines
	off   []int // chunk start offsets in text (len(start))
	sum   [][32]byte
	ps    *planStruct
	// per stage: the stages stubbed in its mini file, the casing padding
	// (labels, 0 for none) and the cache key.
	stubs [][]int
	pad   []int
	keys  [][32]byte
	// kept is, per stage, which header ARGs its mini file keeps (nil: all).
	kept [][]bool
	// casing counts each stage's lower- and upper-case keywords.
	casing [][2]int
	// majorityLower: the file's keyword casing majority is lower case.
	majorityLower bool
	headerKey     [32]byte
}

// planStruct is what a plan derives from the file's structure alone (the
// header and the FROM lines): kept across versions, since most keystrokes
// change neither.
type planStruct struct {
	deps   [][]int
	byName map[string][]int
	// args are the ARG instructions before the first FROM (nil when their
	// lines must all stay: experimental checks read the comments above them).
	args []headerArg
	mu   sync.Mutex
	// mentions memoises mentionedStages by chunk hash; argRefs, per chunk
	// hash, which header ARGs the chunk names.
	mentions map[[32]byte][]int
	argRefs  map[[32]byte][]bool
}

// headerArg is an ARG before the first FROM: the names it declares, its
// lines, and the other header ARGs its defaults name.
type headerArg struct {
	names      []string
	start, end int
	refs       []int
}

type planMemo struct {
	mu sync.Mutex
	m  map[[32]byte]*planStruct
}

const planMemoMax = 256

var plans = &planMemo{m: map[[32]byte]*planStruct{}}

func (pm *planMemo) get(f *dockerfile.File, header [32]byte) *planStruct {
	h := sha256.New()
	h.Write(header[:])
	for _, st := range f.Stages {
		h.Write(f.Text[st.From.Span.Start:st.From.Span.End])
		h.Write([]byte{0})
	}
	var k [32]byte
	h.Sum(k[:0])
	pm.mu.Lock()
	ps := pm.m[k]
	pm.mu.Unlock()
	if ps != nil {
		return ps
	}
	ps = &planStruct{deps: stageDeps(f), byName: map[string][]int{}, mentions: map[[32]byte][]int{}, argRefs: map[[32]byte][]bool{}}
	ps.args = headerArgs(f)
	for j, st := range f.Stages {
		if st.Name != "" && st.From.Err == nil {
			n := strings.ToLower(st.Name)
			ps.byName[n] = append(ps.byName[n], j)
		}
	}
	pm.mu.Lock()
	if len(pm.m) >= planMemoMax {
		clear(pm.m)
	}
	pm.m[k] = ps
	pm.mu.Unlock()
	return ps
}

// mentioned lists the stages named in chunk i+1 (stage i).
func (p *stagePlan) mentioned(i int) []int {
	return chunkMemo(&p.ps.mu, p.ps.mentions, p.sum[i+1], func() []int {
		return sortedSet(mentionedStages(p.chunk(i+1), p.ps.byName))
	})
}

// chunkMemo returns m[k], computing and storing it (under mu) if absent; m is
// bounded like the stage cache.
func chunkMemo[V any](mu *sync.Mutex, m map[[32]byte]V, k [32]byte, compute func() V) V {
	mu.Lock()
	v, ok := m[k]
	mu.Unlock()
	if ok {
		return v
	}
	v = compute()
	mu.Lock()
	if len(m) >= stagedCacheMax {
		clear(m)
	}
	m[k] = v
	mu.Unlock()
	return v
}

// headerArgs lists the ARG instructions before the first FROM, or nil when
// the file enables experimental checks (one reads the comments above ARGs).
func headerArgs(f *dockerfile.File) []headerArg {
	if d, ok := f.Directive("check"); ok && strings.Contains(strings.ToLower(d.Value), "experimental") {
		return nil
	}
	var out []headerArg
	var insts []*dockerfile.Instruction
	for _, in := range f.Instructions {
		if in.Stage >= 0 {
			break
		}
		if !in.Is("ARG") || in.Err != nil {
			continue
		}
		a := headerArg{start: in.StartLine, end: in.EndLine}
		for _, v := range f.GlobalArgs {
			if v.Inst == in {
				a.names = append(a.names, v.Name)
			}
		}
		out = append(out, a)
		insts = append(insts, in)
	}
	for i, in := range insts {
		refs := namedArgs([]byte(in.ArgsText), out)
		for j, r := range refs {
			if r && j != i {
				out[i].refs = append(out[i].refs, j)
			}
		}
	}
	return out
}

// namedArgs reports, per header ARG, whether text has a word that is one of
// its names (a superset of the references: keeping an ARG is always safe).
func namedArgs(text []byte, args []headerArg) []bool {
	out := make([]bool, len(args))
	if len(args) == 0 {
		return out
	}
	names := map[string][]int{}
	for i, a := range args {
		for _, n := range a.names {
			names[n] = append(names[n], i)
		}
	}
	for i := 0; i < len(text); {
		if !isNameByte(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && isNameByte(text[j]) {
			j++
		}
		for _, k := range names[string(text[i:j])] {
			out[k] = true
		}
		i = j
	}
	return out
}

// argsOf lists which header ARGs chunk c names.
func (p *stagePlan) argsOf(c int) []bool {
	return chunkMemo(&p.ps.mu, p.ps.argRefs, p.sum[c], func() []bool {
		return namedArgs(p.chunk(c), p.ps.args)
	})
}

// fromNamesUndeclared reports whether stage c's FROM names a variable that
// is neither a header ARG nor one BuildKit declares.
func (p *stagePlan) fromNamesUndeclared(c int) bool {
	from := p.f.Stages[c].From
	if from.Err != nil {
		return false // a stub: `FROM scratch`
	}
	for _, r := range from.VarRefs {
		if bklint.BuiltinArg(r.Name) {
			continue
		}
		declared := false
		for _, a := range p.ps.args {
			if slices.Contains(a.names, r.Name) {
				declared = true
				break
			}
		}
		if !declared {
			return true
		}
	}
	return false
}

// keptArgs is which header ARGs a stage's mini file needs: those its chunks
// (the stage's and its ancestors') name, and those their defaults name, in
// turn. The others cannot change what BuildKit reports on the stage's lines.
func (p *stagePlan) keptArgs(chain []int, k int) []bool {
	kept := make([]bool, len(p.ps.args))
	for _, c := range append(chain, k) {
		if p.fromNamesUndeclared(c) {
			// BuildKit suggests a declared ARG for an undeclared one
			// ("did you mean"): it needs them all
			for i := range kept {
				kept[i] = true
			}
			return kept
		}
	}
	var todo []int
	for _, c := range append(chain, k) {
		for i, r := range p.argsOf(c + 1) {
			if r && !kept[i] {
				kept[i] = true
				todo = append(todo, i)
			}
		}
	}
	for len(todo) > 0 {
		i := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		for _, j := range p.ps.args[i].refs {
			if !kept[j] {
				kept[j] = true
				todo = append(todo, j)
			}
		}
	}
	return kept
}

// chunk returns chunk c's text.
func (p *stagePlan) chunk(c int) []byte { return p.text[p.off[c]:p.off[c+1]] }

// planStages chunks text, the file's lint text (lintInput), by stage. A file
// with parse errors is staged too (half-typed instructions are the usual
// state of a file being edited): lintInput empties the lines of the
// instructions in error and stands `FROM scratch` in for a FROM in error,
// which leaves the stages where they are; such a stage has, for BuildKit, no
// name and no parent stage (see stageDeps and planMemo.get).
func planStages(f *dockerfile.File, text []byte) (*stagePlan, bool) {
	if len(f.Stages) == 0 {
		return nil, false
	}
	p := &stagePlan{f: f, text: text, start: make([]int, 0, len(f.Stages)+2)}
	p.start = append(p.start, 0)
	for _, st := range f.Stages {
		first := st.From.StartLine
		if len(st.From.Comments) > 0 {
			first = f.Lines.Line(st.From.Comments[0].Span.Start)
		}
		if first < p.start[len(p.start)-1] {
			return nil, false
		}
		p.start = append(p.start, first)
	}
	// offsets of the chunk starts: the text keeps the file's lines (a
	// final line break begins an empty last line)
	nLines := bytes.Count(text, []byte{'\n'}) + 1
	if p.start[len(p.start)-1] > nLines {
		return nil, false
	}
	p.start = append(p.start, nLines)
	p.off = make([]int, len(p.start))
	line, off := 0, 0
	for c := 1; c < len(p.start); c++ {
		for line < p.start[c] && off < len(text) {
			i := bytes.IndexByte(text[off:], '\n')
			if i < 0 {
				off = len(text)
			} else {
				off += i + 1
			}
			line++
		}
		p.off[c] = off
	}
	p.off[len(p.off)-1] = len(text)
	p.sum = make([][32]byte, len(p.start)-1)
	for c := range p.sum {
		p.sum[c] = sha256.Sum256(p.chunk(c))
	}
	p.headerKey = sha256.Sum256(append([]byte("header\x00"), p.chunk(0)...))
	p.ps = plans.get(f, p.sum[0])
	// Each stage's mini file holds its whole ancestry, so staging costs the
	// sum of the ancestries: fine for the usual few stages, quadratic for
	// long chains (30,000 `FROM s{i-1} AS s{i}`: hours). Past a few times
	// the file's own size, one whole-file lint is the cheaper way.
	total := 0
	for _, d := range p.ps.deps {
		total += len(d) + 1
	}
	if total > maxStagedWork(len(f.Stages)) {
		return nil, false
	}

	p.stubs = make([][]int, len(f.Stages))
	p.pad = make([]int, len(f.Stages))
	p.keys = make([][32]byte, len(f.Stages))
	p.kept = make([][]bool, len(f.Stages))
	p.casing = make([][2]int, len(f.Stages))
	casing := p.casing
	lower, upper := 0, 0
	for k, st := range f.Stages {
		casing[k][0], casing[k][1] = stageCasing(f, st)
		lower += casing[k][0]
		upper += casing[k][1]
	}
	p.majorityLower = lower > upper
	var kb []byte
	for k := range f.Stages {
		chain := p.ps.deps[k]
		stubs, pad := p.prelude(append(chain[:len(chain):len(chain)], k), k)
		p.stubs[k], p.pad[k] = stubs, pad
		// the key: every part the mini file is made of
		kb = kb[:0]
		kb = append(kb, "stage\x00"...)
		kb = append(kb, p.sum[0][:]...)
		if len(p.ps.args) > 0 {
			kept := p.keptArgs(chain, k)
			p.kept[k] = kept
			for _, keep := range kept {
				if keep {
					kb = append(kb, 1)
				} else {
					kb = append(kb, 0)
				}
			}
		}
		kb = p.appendPrelude(kb, stubs, pad)
		kb = append(kb, 0)
		for _, a := range chain {
			kb = append(kb, p.sum[a+1][:]...)
		}
		kb = append(kb, p.sum[k+1][:]...)
		p.keys[k] = sha256.Sum256(kb)
	}
	return p, true
}

// maxStagedWork bounds the stages' mini files together, in stages, for a
// file of n stages.
func maxStagedWork(n int) int { return 8*n + 256 }

// sortedSet sorts s and drops repeats, in place.
func sortedSet(s []int) []int {
	if len(s) < 2 {
		return s
	}
	sort.Ints(s)
	out := s[:1]
	for _, x := range s[1:] {
		if x != out[len(out)-1] {
			out = append(out, x)
		}
	}
	return out
}

func inSorted(s []int, x int) bool {
	i := sort.SearchInts(s, x)
	return i < len(s) && s[i] == x
}

// appendPrelude appends the lines a mini file has between the header and its
// first stage: a stub per stubbed stage and the casing padding.
func (p *stagePlan) appendPrelude(b []byte, stubs []int, pad int) []byte {
	kw := func(s string) string { return s }
	if p.majorityLower {
		kw = strings.ToLower
	}
	for _, j := range stubs {
		b = append(b, kw("FROM")+" scratch "+kw("AS")+" "...)
		b = append(b, p.f.Stages[j].Name...)
		b = append(b, '\n')
	}
	if pad > 0 {
		b = append(b, kw("FROM")+" scratch\n"...)
		for i := 0; i < pad; i++ {
			b = append(b, kw("LABEL")+" msls.stub=1\n"...)
		}
	}
	return b
}

// mini builds the mini file for the stages [g0, g1) (one stage, or a group of
// consecutive stages when a whole file is linted in parallel): the header,
// stubs for the earlier stages they mention that it does not hold, the casing
// padding, their ancestors outside the group, then the group's own chunks.
// ownStart is the mini file's line where stage g0's chunk begins.
func (p *stagePlan) mini(g0, g1 int, stubs []int, pad int, kept []bool) (mini []byte, ownStart int) {
	var b []byte
	b = p.appendHeader(b, kept)
	if len(b) > 0 && b[len(b)-1] != '\n' {
		b = append(b, '\n')
	}
	b = p.appendPrelude(b, stubs, pad)
	for _, a := range p.outside(g0, g1) {
		b = append(b, p.chunk(a+1)...)
		if b[len(b)-1] != '\n' {
			b = append(b, '\n')
		}
	}
	ownStart = bytes.Count(b, []byte{'\n'})
	b = append(b, p.text[p.off[g0+1]:p.off[g1+1]]...)
	return b, ownStart
}

// appendHeader appends the header chunk with the lines of the ARGs not kept
// emptied (kept nil: all kept); line numbers stay.
func (p *stagePlan) appendHeader(b []byte, kept []bool) []byte {
	h := p.chunk(0)
	drop := false
	for _, k := range kept {
		drop = drop || !k
	}
	if !drop {
		return append(b, h...)
	}
	line := 0
	for len(h) > 0 {
		end := bytes.IndexByte(h, '\n')
		if end < 0 {
			end = len(h)
		}
		keep := true
		for i, a := range p.ps.args {
			if !kept[i] && line >= a.start && line <= a.end {
				keep = false
				break
			}
		}
		if keep {
			b = append(b, h[:end]...)
		}
		if end < len(h) {
			b = append(b, '\n')
			end++
		}
		h = h[end:]
		line++
	}
	return b
}

// outside lists, in order, the ancestors of stages [g0, g1) that are not in
// the group.
func (p *stagePlan) outside(g0, g1 int) []int {
	if g1 == g0+1 {
		return p.ps.deps[g0] // clipped: the caller's append copies
	}
	set := map[int]bool{}
	for k := g0; k < g1; k++ {
		for _, a := range p.ps.deps[k] {
			if a < g0 {
				set[a] = true
			}
		}
	}
	out := make([]int, 0, len(set))
	for a := range set {
		out = append(out, a)
	}
	sort.Ints(out)
	return out
}

// groupPrelude is the stubs and padding of the mini file for the stages
// [g0, g1).
func (p *stagePlan) groupPrelude(g0, g1 int) ([]int, int) {
	return p.prelude(append(p.outside(g0, g1), rangeInts(g0, g1)...), g1)
}

// prelude is the stubs and casing padding of a mini file that holds the
// chunks of the stages members (in order) and is linted for stages before
// limit. Stubs stand for the earlier stages it does not hold whose names it
// mentions (--from=, mount from=, its own stage names: duplicates), and,
// with the padding, keep the file's majority keyword casing.
func (p *stagePlan) prelude(members []int, limit int) (stubs []int, pad int) {
	lower, upper := 0, 0
	for _, c := range members {
		lower += p.casing[c][0]
		upper += p.casing[c][1]
		for _, j := range p.mentioned(c) {
			if j < limit && !inSorted(members, j) {
				stubs = append(stubs, j)
			}
		}
	}
	stubs = sortedSet(stubs)
	if p.majorityLower {
		lower += len(stubs)
	} else {
		upper += len(stubs)
	}
	if (lower > upper) != p.majorityLower {
		pad = upper - lower + 1
		if !p.majorityLower {
			pad = lower - upper
		}
	}
	return stubs, pad
}

func rangeInts(a, b int) []int {
	out := make([]int, 0, b-a)
	for i := a; i < b; i++ {
		out = append(out, i)
	}
	return out
}

// couldNameStage reports whether a FROM reference with variables can expand
// to a stage name: its literal parts must be made of characters a stage name
// may hold, so `node:${V}-alpine` or `$REGISTRY/app` never can.
func couldNameStage(ref string) bool {
	inVar := false
	for i := 0; i < len(ref); i++ {
		c := ref[i]
		switch {
		case c == '$':
			inVar = true
		case inVar && c == '{':
			end := strings.IndexByte(ref[i:], '}')
			if end < 0 {
				return true
			}
			i += end
			inVar = false
		case inVar && (c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'):
		default:
			inVar = false
			if !(c == '-' || c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
				return false
			}
		}
	}
	return true
}

// basePattern turns a FROM reference with variables into a regexp that
// matches every stage name it could expand to: literal parts kept, each
// variable standing for anything. Nil means "could be anything".
func basePattern(ref string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("(?i)^")
	for i := 0; i < len(ref); {
		if ref[i] != '$' {
			j := strings.IndexByte(ref[i:], '$')
			if j < 0 {
				j = len(ref) - i
			}
			b.WriteString(regexp.QuoteMeta(ref[i : i+j]))
			i += j
			continue
		}
		i++
		if i < len(ref) && ref[i] == '{' {
			end := strings.IndexByte(ref[i:], '}')
			if end < 0 {
				return nil
			}
			i += end + 1
		} else {
			for i < len(ref) && (ref[i] == '_' || ref[i] >= '0' && ref[i] <= '9' || ref[i] >= 'a' && ref[i] <= 'z' || ref[i] >= 'A' && ref[i] <= 'Z') {
				i++
			}
		}
		b.WriteString(".*")
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil
	}
	return re
}

// mentionedStages lists the stages whose name (case-insensitively) is a
// word of s; it never returns nil, so callers can memoise on nil.
func mentionedStages(s []byte, byName map[string][]int) []int {
	out := []int{}
	var buf []byte
	isName := func(c byte) bool {
		return c == '-' || c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	for i := 0; i < len(s); {
		if !isName(s[i]) {
			i++
			continue
		}
		buf = buf[:0]
		for ; i < len(s) && isName(s[i]); i++ {
			c := s[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf = append(buf, c)
		}
		out = append(out, byName[string(buf)]...)
	}
	return out
}

// stageDeps lists, per stage, the earlier stages its lint depends on, in
// order: its ancestors, or every earlier stage when its FROM names a
// variable (BuildKit expands it, so it may name any stage).
//
// A stage built on another has that stage's list plus the stage itself:
// the lists share their backing arrays (a chain of stages shares one), so
// 30,000 chained stages cost one array, not 30,000 copies of their
// ancestry (issue 16 item 9). The lists returned are clipped to their
// length, so a caller's append copies instead of writing into a list
// another stage shares.
func stageDeps(f *dockerfile.File) [][]int {
	deps := make([][]int, len(f.Stages))
	// full[k] is deps[k] with its array's spare capacity; the first stage
	// built on j extends full[j] in place (the slot after it is free: only
	// j's first child uses it), later ones copy.
	full := make([][]int, len(f.Stages))
	claimed := make([]bool, len(f.Stages))
	extend := func(j int) []int {
		if !claimed[j] {
			claimed[j] = true
			return append(full[j], j)
		}
		s := make([]int, len(full[j])+1)
		copy(s, full[j])
		s[len(full[j])] = j
		return s
	}
	var exp *baseExpander
	// a stage whose FROM is in error is `FROM scratch` for BuildKit: no
	// name another stage can build on, no parent
	named := func(j int) string {
		if f.Stages[j].From.Err != nil {
			return ""
		}
		return f.Stages[j].Name
	}
	for k, st := range f.Stages {
		switch {
		case st.From.Err != nil:
		case strings.Contains(st.BaseImage, "$"):
			// BuildKit's lint expands the variables with the global ARG
			// defaults (there are no --build-args): when they resolve, the
			// base is known exactly.
			if exp == nil {
				e := newBaseExpander(f)
				exp = &e
			}
			if name, ok := exp.expand(st.BaseImage); ok {
				for j := 0; j < k; j++ {
					if named(j) != "" && strings.EqualFold(named(j), name) {
						// j's ancestors all come before j: still in order
						full[k] = extend(j)
						break
					}
				}
				break
			}
			// Otherwise any earlier stage whose name fits the pattern may be
			// the base, with its own dependencies.
			if !couldNameStage(st.BaseImage) {
				break
			}
			re := basePattern(st.BaseImage)
			set := map[int]bool{}
			for j := 0; j < k; j++ {
				if re == nil || (named(j) != "" && re.MatchString(named(j))) || (named(j) == "" && re.MatchString(strconv.Itoa(j))) {
					set[j] = true
					for _, d := range deps[j] {
						set[d] = true
					}
				}
			}
			for j := 0; j < k; j++ {
				if set[j] {
					full[k] = append(full[k], j)
				}
			}
		case st.Parent >= 0 && st.Parent < k && f.Stages[st.Parent].From.Err == nil:
			// the parent's ancestors all come before it: still in order
			full[k] = extend(st.Parent)
		}
		deps[k] = full[k][:len(full[k]):len(full[k])]
	}
	return deps
}

// expandBase expands a FROM reference with the global ARG defaults, in
// order, as BuildKit does when no --build-arg is given; ok is false when some
// variable has no value (an ARG without default, or an automatic platform ARG).
func expandBase(f *dockerfile.File, base string) (string, bool) {
	return newBaseExpander(f).expand(base)
}

// baseExpander expands FROM references of one file: the global ARG
// environment is worked out once.
type baseExpander struct {
	lex *shell.Lex
	env argEnv // nil when a global ARG default does not expand
}

func newBaseExpander(f *dockerfile.File) baseExpander {
	lex := shell.NewLex(f.EscapeToken)
	env := argEnv{}
	for _, a := range f.GlobalArgs {
		if !a.HasValue {
			delete(env, a.Name)
			continue
		}
		v, _, err := lex.ProcessWord(a.Value, env)
		if err != nil {
			return baseExpander{lex: lex}
		}
		env[a.Name] = v
	}
	return baseExpander{lex: lex, env: env}
}

func (e baseExpander) expand(base string) (string, bool) {
	if e.env == nil {
		return "", false
	}
	res, err := e.lex.ProcessWordWithMatches(base, e.env)
	if err != nil || len(res.Unmatched) > 0 {
		return "", false
	}
	return res.Result, true
}

type argEnv map[string]string

func (e argEnv) Get(k string) (string, bool) { v, ok := e[k]; return v, ok }
func (e argEnv) Keys() []string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	return keys
}

// stageCasing counts the stage's FROM and instruction keywords written all
// lower-case or all upper-case, as BuildKit's ConsistentInstructionCasing
// does (global ARGs before the first FROM do not count).
func stageCasing(f *dockerfile.File, st *dockerfile.Stage) (lower, upper int) {
	for _, in := range st.Instructions {
		if in.Err != nil && in != st.From {
			continue // emptied for BuildKit (a FROM in error keeps its keyword)
		}
		b := f.Text[in.KeywordSpan.Start:in.KeywordSpan.End]
		if l, u, ok := asciiCase(b); ok {
			switch {
			case !u:
				lower++
			case !l:
				upper++
			}
			continue
		}
		w := string(b)
		switch {
		case w == strings.ToLower(w):
			lower++
		case w == strings.ToUpper(w):
			upper++
		}
	}
	return lower, upper
}

// asciiCase reports whether b has lower- and upper-case letters; ok is false
// when b is not ASCII.
func asciiCase(b []byte) (lower, upper, ok bool) {
	for _, c := range b {
		switch {
		case c >= 0x80:
			return false, false, false
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= 'A' && c <= 'Z':
			upper = true
		}
	}
	return lower, upper, true
}

// lintMode says how lintStaged lints the stages that are not cached.
type lintMode int

const (
	// lintAuto: a few changed stages alone, a file seen for the first time
	// in one pass (or, when large, in parallel groups of stages).
	lintAuto lintMode = iota
	// lintEachStage lints every stage as its own mini file (tests).
	lintEachStage
	// lintFirst: a large file no earlier version of which was checked, in
	// one pass over the nodes it already has; the stage cache is filled
	// afterwards, off the caller's path (the plan alone is ~30 ms on a
	// 10,000-line file).
	lintFirst
)

// parallelMinLines is the size from which a file seen for the first time is
// linted as parallel groups of stages rather than in one pass: below it the
// pass takes a few milliseconds and the repeated header and ancestors would
// cost more than the second core gains.
const parallelMinLines = 1000

// lintStaged returns BuildKit's lint results for text, linting only the
// stages whose mini file is not cached. It falls back to one whole-file pass
// on any BuildKit error and for files with parse errors.
func lintStaged(f *dockerfile.File, text []byte, mode lintMode) *lint.LintResults {
	if mode == lintFirst && f.Lines.LineCount() < parallelMinLines {
		// a small file: planning is cheap, and its stages may be cached
		// (the same text open twice, a file reopened)
		mode = lintAuto
	}
	if mode == lintFirst {
		if res, ok := lintParsed(f, text); ok {
			if res.Error == nil || isViolationError(res.Error) {
				storeLater(f, text, res)
			}
			return res
		}
		mode = lintAuto
	}
	p, ok := planFor(f, text)
	if !ok {
		if res, ok := lintParsed(f, text); ok {
			return res
		}
		return lintText(text)
	}
	header, headerOK := bkCache.get(p.headerKey)
	found := make([][]stagedWarning, len(p.keys))
	var missing []int
	for i, k := range p.keys {
		if mode != lintAuto {
			missing = append(missing, i)
		} else if w, ok := bkCache.wait(k); ok {
			found[i] = w
		} else {
			missing = append(missing, i)
		}
	}
	workers := runtime.GOMAXPROCS(0)
	many := !headerOK || 2*len(missing) > len(p.keys)
	if mode == lintAuto && many {
		// most stages to lint (a file seen for the first time): one pass
		// of bklint over the nodes the file already has, no parse at all
		if res, ok := lintParsed(f, text); ok {
			if res.Error == nil || isViolationError(res.Error) {
				p.store(res)
			}
			return res
		}
	}
	switch {
	case mode == lintAuto && many && workers > 1 && len(p.keys) > 1 && p.start[len(p.start)-1] >= parallelMinLines:
		head, ok := p.lintGroups(workers, found)
		if !ok {
			return lintText(text)
		}
		header = head
	case mode == lintAuto && many:
		res := lintText(text)
		if res != nil && (res.Error == nil || isViolationError(res.Error)) {
			p.store(res)
		}
		return res
	default:
		if mode == lintEachStage && !headerOK {
			// the header's warnings from a whole header, so that every
			// stage below is linted with only the ARGs it needs
			_, head, ok := p.lintGroup(0, 1, true)
			if !ok {
				return lintText(text)
			}
			header, headerOK = head, true
		}
		for _, i := range missing {
			own, head, ok := p.lintGroup(i, i+1, !headerOK)
			if !ok {
				return lintText(text)
			}
			found[i] = own[0]
			bkCache.put(p.keys[i], own[0])
			if !headerOK {
				header, headerOK = head, true
				bkCache.put(p.headerKey, head)
			}
		}
	}
	return p.results(header, found)
}

// storeLater files a whole-file result under the stages' cache keys in the
// background. A version checked before it is done only misses the cache.
func storeLater(f *dockerfile.File, text []byte, res *lint.LintResults) {
	storing.Add(1)
	go func() {
		defer storing.Done()
		defer func() { _ = recover() }() // a cache fill must not take the process down
		if p, ok := planStages(f, text); ok {
			p.store(res)
		}
	}()
}

// storing counts the cache fills under way (tests wait for them).
var storing sync.WaitGroup

// results assembles the file's warnings from the header's and the stages'.
func (p *stagePlan) results(header []stagedWarning, found [][]stagedWarning) *lint.LintResults {
	res := &lint.LintResults{}
	for _, w := range header {
		res.Warnings = append(res.Warnings, w.warning(0))
	}
	for i, ws := range found {
		for _, w := range ws {
			res.Warnings = append(res.Warnings, w.warning(p.start[i+1]))
		}
	}
	return res
}

// lintGroup lints the stages [g0, g1) as one mini file and returns each
// stage's warnings (lines relative to the stage's chunk) and the header's.
// A group, or a stage whose lint must also give the header's warnings
// (fullHeader), gets the whole header; a stage alone gets only the header
// ARGs it needs.
func (p *stagePlan) lintGroup(g0, g1 int, fullHeader bool) (own [][]stagedWarning, head []stagedWarning, ok bool) {
	stubs, pad, kept := p.stubs[g0], p.pad[g0], p.kept[g0]
	if g1 > g0+1 {
		stubs, pad = p.groupPrelude(g0, g1)
		fullHeader = true
	}
	if fullHeader {
		kept = nil
	}
	mini, ownStart := p.mini(g0, g1, stubs, pad, kept)
	res := lintText(mini)
	if res == nil || (res.Error != nil && !isViolationError(res.Error)) {
		return nil, nil, false
	}
	own = make([][]stagedWarning, g1-g0)
	ownEnd := ownStart + p.start[g1+1] - p.start[g0+1]
	for _, w := range res.Warnings {
		line, ok := warningLine(w)
		if !ok {
			return nil, nil, false
		}
		switch {
		case line >= ownStart && line < ownEnd:
			fl := line - ownStart + p.start[g0+1] // the file's line
			k := g0
			for k+1 < g1 && fl >= p.start[k+2] {
				k++
			}
			own[k-g0] = append(own[k-g0], staged(w, fl-p.start[k+1]))
		case line < p.start[1]:
			head = append(head, staged(w, line))
		}
	}
	return own, head, true
}

// lintGroups lints every stage, split into up to n groups of consecutive
// stages of about the same number of lines, linted in parallel; it fills
// found and the cache and returns the header's warnings.
func (p *stagePlan) lintGroups(n int, found [][]stagedWarning) ([]stagedWarning, bool) {
	stages := len(p.keys)
	n = min(n, stages)
	total := p.start[stages+1] - p.start[1]
	bounds := []int{0}
	for g := 1; g < n; g++ {
		want := p.start[1] + total*g/n
		k := bounds[len(bounds)-1] + 1
		for k < stages && p.start[k+1] < want {
			k++
		}
		if k < stages && k > bounds[len(bounds)-1] {
			bounds = append(bounds, k)
		}
	}
	bounds = append(bounds, stages)
	type result struct {
		own  [][]stagedWarning
		head []stagedWarning
		ok   bool
	}
	results := make([]result, len(bounds)-1)
	var wg sync.WaitGroup
	for g := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if recover() != nil {
					results[g] = result{}
				}
			}()
			own, head, ok := p.lintGroup(bounds[g], bounds[g+1], true)
			results[g] = result{own, head, ok}
		}()
	}
	wg.Wait()
	for g, r := range results {
		if !r.ok {
			return nil, false
		}
		for i, ws := range r.own {
			found[bounds[g]+i] = ws
		}
	}
	for k, ws := range found {
		bkCache.put(p.keys[k], ws)
	}
	head := results[0].head
	bkCache.put(p.headerKey, head)
	return head, true
}

// isViolationError is the error `# check=error=true` adds when there are
// warnings: it says nothing the warnings do not, so it does not stop a
// stage's warnings from being cached (callers only look at the warnings).
func isViolationError(e *lint.BuildError) bool {
	return strings.HasPrefix(e.Message, "lint violation found for rules")
}

// store files a whole-file result under the chunks' keys.
func (p *stagePlan) store(res *lint.LintResults) {
	per := make([][]stagedWarning, len(p.start)-1)
	for _, w := range res.Warnings {
		line, ok := warningLine(w)
		if !ok {
			return // a warning without a place cannot be filed under a chunk
		}
		c := 0
		for c+1 < len(p.start)-1 && line >= p.start[c+1] {
			c++
		}
		per[c] = append(per[c], staged(w, line-p.start[c]))
	}
	bkCache.put(p.headerKey, per[0])
	for i, k := range p.keys {
		bkCache.put(k, per[i+1])
	}
}

// warningLine is the 0-based first line of a warning.
func warningLine(w lint.Warning) (int, bool) {
	if w.Location == nil || len(w.Location.Ranges) == 0 || w.Location.Ranges[0].Start == nil {
		return 0, false
	}
	return int(w.Location.Ranges[0].Start.Line) - 1, true
}

func staged(w lint.Warning, rel int) stagedWarning {
	return stagedWarning{rule: w.RuleName, description: w.Description, url: w.URL, detail: w.Detail, line: rel}
}

func (w stagedWarning) warning(base int) lint.Warning {
	line := int32(base + w.line + 1)
	return lint.Warning{RuleName: w.rule, Description: w.description, URL: w.url, Detail: w.detail,
		Location: &pb.Location{Ranges: []*pb.Range{{Start: &pb.Position{Line: line}, End: &pb.Position{Line: line}}}}}
}

// DropCaches empties the cache of BuildKit lint results (and the model's
// cache of BuildKit parse results), so that the next check of any text is a
// first sight: for benchmarks of a file opened or checked the first time.
func DropCaches() {
	storing.Wait() // a fill under way would refill the cache
	bkCache.mu.Lock()
	clear(bkCache.m)
	bkCache.mu.Unlock()
	dockerfile.DropBuildKitCache()
}
