// Package contract checks the contract between the stages of a multi-stage
// Dockerfile: what a stage copies from another was produced there, steps
// keep the order they need, and the final start command's program is in the
// image that runs it. The split refactor checks its own output with it, and
// diagnostics reports its problems on any Dockerfile.
//
// It errs on the side of silence: a path or program is reported missing
// only when every step that could have made it is one whose outputs msls
// knows (a copy, WORKDIR, mkdir, a dependency install, `go build -o`, a
// build script whose output directory the build context tells).
package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// Kinds of problem; each is also a diagnostics rule code.
const (
	CopyFromNotProduced  = "CopyFromNotProduced"
	MkdirExistingDir     = "MkdirExistingDir"
	StartProgramMissing  = "StartProgramMissing"
	StartPackagePruned   = "StartPackagePruned"
	NonRootWriteRootDir  = "NonRootWriteRootDir"
	maxScriptDepth       = 3
	standardPath         = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	nodeModules          = "node_modules"
	defaultNodeStartFile = "server.js"
)

// Files is the build context (the Dockerfile's directory), as far as the
// checks need it. A nil Files means unknown; the checks that need it are
// then skipped.
type Files interface {
	Exists(rel string) bool
	ReadFile(rel string) ([]byte, error)
}

// Problem is one broken part of the contract.
type Problem struct {
	Kind    string
	Span    dockerfile.Span
	Message string
}

// Check returns the contract problems of f. files may be nil.
//
// Without files (the diagnostics, on every keystroke) each stage's share of
// the work is kept in its FROM instruction's memo and taken again by a
// later version of the document whose stage has the same instructions and
// builds on the same results (see stageEntry): a keystroke recomputes only
// the stage it edits and the stages that build on it or copy from it.
func Check(f *dockerfile.File, files Files) []Problem {
	if f == nil || len(f.Stages) == 0 {
		return nil
	}
	m := build(f, files)
	var out []Problem
	for i, r := range m.results {
		for _, p := range r.built {
			out = append(out, m.absolute(i, p))
		}
	}
	for i, r := range m.results {
		for _, p := range r.copies {
			out = append(out, m.absolute(i, p))
		}
	}
	out = append(out, m.checkStart()...)
	return out
}

// product is something a step made: a path (and everything below it when
// tree is set, which a copy of a directory or an unknown command in a
// directory may have created).
type product struct {
	path string
	tree bool
	// definite is set for what surely exists afterwards (WORKDIR, COPY,
	// mkdir), as opposed to what an unknown command may have written.
	definite bool
	// context is set for a copy of the whole build context: with the
	// context known, only what exists there was copied.
	context Files
}

// state is a stage's model after its steps. It is immutable once its stage
// is built: later versions of the document share it (see stageEntry).
type state struct {
	parent *state
	// fam is what msls knows of the image the stage chain starts at
	// (famKnown false: not judged).
	fam      ImageFamily
	famKnown bool
	cwd      string
	user     string // "" = root
	path     string // PATH as set by ENV, "" = the image's
	products []product
	// prodInstall is set when node_modules came from an install that left
	// out devDependencies (`npm ci --omit=dev`, NODE_ENV=production...).
	prodInstall bool
	nodeEnvProd bool
	// progs are programs a RUN made available (`corepack enable`, `npm i -g`),
	// the stages it builds on included.
	progs pmap[bool]
	// mentions is the text of every RUN, for the conservative "did some
	// step install this program" test.
	mentions strings.Builder
	// copiedBin is set when something was copied into a directory on PATH.
	copiedBin bool
	// rootDirs are directories created by WORKDIR or COPY while the user
	// was root, with the instruction that created each (for messages), the
	// stages it builds on included.
	rootDirs pmap[dirOrigin]
	// below is the number of products of the stages it builds on, and
	// index their paths once there are more than walkLimit of them (made
	// and produced then look them up instead of walking the stages).
	below int
	index *belowIndex
	// opaque is set when a step ran in a directory msls could not follow
	// (WORKDIR or cd with a variable): the stage's products are not judged.
	opaque bool
}

// dirOrigin is the instruction that created a directory: the instr-th of
// the stage whose state is owner (the stage itself or one it builds on).
// Not a line number: a later version may take the state where the stage
// has moved.
type dirOrigin struct {
	owner *state
	instr int
}

// stageResult is one stage's share of the contract: its state after its
// steps, and its problems with every location relative to the instruction
// it is in, so that a version of the document where the stage has moved
// can take it as it is.
type stageResult struct {
	s      *state
	built  []relProblem // found while stepping through the stage, in order
	copies []relProblem // its COPY --from sources that were not produced
}

// relProblem is a Problem of a stage, located in its instr-th instruction
// at [start, end) relative to the instruction's start. When origin is set,
// the message is msg, the line of that instruction, then msgEnd.
type relProblem struct {
	kind       string
	instr      int
	start, end int
	msg        string
	origin     *dirOrigin
	msgEnd     string
}

type model struct {
	f       *dockerfile.File
	files   Files
	pkg     *packageJSON
	states  []*state
	results []*stageResult
	// building is the entry of the stage being built: its result, and the
	// inputs beyond its instructions it consulted.
	building *stageEntry
	cur      int // the index of the stage being built
	reused   int // how many stages were taken from an earlier version
}

func build(f *dockerfile.File, files Files) *model {
	m := &model{f: f, files: files, states: make([]*state, 0, len(f.Stages)), results: make([]*stageResult, 0, len(f.Stages))}
	if files != nil {
		if raw, err := files.ReadFile("package.json"); err == nil {
			var p packageJSON
			if json.Unmarshal(raw, &p) == nil {
				m.pkg = &p
			}
		}
	}
	for i, st := range f.Stages {
		var cell *stageCell
		if files == nil && st.From != nil {
			// with files, what a stage makes also depends on them (and
			// the split refactor checks once): not kept
			cell = st.From.DerivedMovable(stageCellKey{}, newStageCell, moveStageCell).(*stageCell)
			if r := m.reuse(i, st, cell.get()); r != nil {
				m.reused++
				m.states = append(m.states, r.s)
				m.results = append(m.results, r)
				continue
			}
		}
		e := m.buildStage(i, st)
		if cell != nil {
			cell.set(e)
		}
		m.states = append(m.states, e.res.s)
		m.results = append(m.results, e.res)
	}
	return m
}

// parentOf is the state of the stage stage i builds on, nil when it starts
// from an image.
func (m *model) parentOf(i int) *state {
	if p := m.f.Stages[i].Parent; p >= 0 && p < i && p < len(m.states) {
		return m.states[p]
	}
	return nil
}

// buildStage steps through stage i, with the stages before it built.
func (m *model) buildStage(i int, st *dockerfile.Stage) *stageEntry {
	s := &state{cwd: "/"}
	if p := m.parentOf(i); p != nil {
		s.parent = p
		s.fam, s.famKnown = p.fam, p.famKnown
		s.cwd, s.user, s.path, s.prodInstall, s.nodeEnvProd = p.cwd, p.user, p.path, p.prodInstall, p.nodeEnvProd
		s.copiedBin, s.opaque = p.copiedBin, p.opaque
		// shared with p, which no step changes any more (see pmap)
		s.progs, s.rootDirs = p.progs, p.rootDirs
		s.below = p.below + len(p.products)
		if s.below > walkLimit {
			s.index = p.indexWithOwn()
		}
	} else {
		s.fam, s.famKnown = Family(st.BaseImage)
		if s.famKnown && s.fam.Name == "node" {
			// the official node images set no NODE_ENV
			s.nodeEnvProd = false
		}
	}
	// the stage's text only: an entry kept for long must not hold a
	// whole version of a large file
	e := &stageEntry{text: bytes.Clone(m.f.Text[st.Span.Start:st.Span.End]), esc: m.f.EscapeToken,
		spans: make([]dockerfile.Span, len(st.Instructions)), parent: s.parent, res: &stageResult{s: s}}
	for j, in := range st.Instructions {
		e.spans[j] = dockerfile.Span{Start: in.Span.Start - st.Span.Start, End: in.Span.End - st.Span.Start}
	}
	m.building, m.cur = e, i
	for j, in := range st.Instructions {
		if in.Sub != nil || in.Err != nil || in.Is("FROM") {
			continue
		}
		m.step(s, j, in)
	}
	m.stageCopies(st)
	m.building = nil
	return e
}

// ---- the memo ---------------------------------------------------------------

// stageCellKey keys a stage's stageCell in its FROM instruction's memo.
type stageCellKey struct{}

// stageCell holds the last stageEntry computed for the stage that starts
// with the FROM instruction. The instruction's memo carries it into later
// versions of the document (the same instruction before an edit, a moved
// copy after it); it is a cache, not a value of the instruction: an entry is
// only taken after reuse has checked it against the version at hand.
type stageCell struct {
	mu sync.Mutex
	e  *stageEntry
}

func newStageCell() any { return &stageCell{} }

// moveStageCell shares the cell with the moved copy of the FROM: its
// entries hold nothing that moving changes (see relProblem).
func moveStageCell(v any, _ int) any { return v }

func (c *stageCell) get() *stageEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.e
}

func (c *stageCell) set(e *stageEntry) {
	c.mu.Lock()
	c.e = e
	c.mu.Unlock()
}

// stageEntry is a stage's result and everything it was computed from: the
// text of the stage's instructions (which decides everything the checks
// read of an instruction, its offsets relative to its start included), the
// escape token, the state it built on, the stages its --from values named,
// and the text after the mkdir commands guarded looked at. Entries are
// immutable.
type stageEntry struct {
	text    []byte // the stage's text in the version it was built in
	esc     rune
	spans   []dockerfile.Span // the stage's instructions in text
	parent  *state
	sources []sourceDep
	guards  []guardDep
	res     *stageResult
}

// sourceDep is a --from value, what sourceState answered for it, and what
// the stage read of the state it named: all of it that a stage may read
// (see sourceState), so that another state giving the same answers would
// have given the same result.
type sourceDep struct {
	ref   string
	idx   int
	s     *state
	label string // stageLabel of the stage named
	// prodInstall shows only in problems found with the build context
	// (never kept), but it is part of the state the entry keeps
	prodInstall bool
	asks        []producedAsk
}

// producedAsk is a path the stage asked the source state about, and the
// answer of produced.
type producedAsk struct {
	path       string
	ok, judged bool
}

// sameAnswers reports whether s, the state of stage idx, answers what the
// state recorded in d answered.
func (d *sourceDep) sameAnswers(m *model, idx int, s *state) bool {
	if s.prodInstall != d.prodInstall || stageLabel(m.f.Stages[idx]) != d.label {
		return false
	}
	for _, a := range d.asks {
		if ok, judged := s.produced(a.path); ok != a.ok || judged != a.judged {
			return false
		}
	}
	return true
}

// guardDep is what guarded answered for a command ending rel bytes after
// the start of the stage's instr-th instruction.
type guardDep struct {
	instr, rel int
	guarded    bool
}

// reuse returns e's result when it is what building stage i of this
// version would give: same instructions, escape token, parent state, and
// answers to every question the build asked beyond them.
func (m *model) reuse(i int, st *dockerfile.Stage, e *stageEntry) *stageResult {
	if e == nil || e.esc != m.f.EscapeToken || len(e.spans) != len(st.Instructions) || e.parent != m.parentOf(i) {
		return nil
	}
	for j, in := range st.Instructions {
		a, b := e.spans[j], in.Span
		if a.Len() != b.Len() || !bytes.Equal(e.text[a.Start:a.End], m.f.Text[b.Start:b.End]) {
			return nil
		}
	}
	for k := range e.sources {
		// a stage copied from may have been built again with the same
		// answers (an edit that does not touch what is copied)
		d := &e.sources[k]
		idx, s := m.resolveSource(i, d.ref)
		if idx != d.idx || (s == nil) != (d.s == nil) || s != d.s && !d.sameAnswers(m, idx, s) {
			return nil
		}
	}
	for _, d := range e.guards {
		if guardedAt(m.f.Text, st.Instructions[d.instr].Span.Start+d.rel) != d.guarded {
			return nil
		}
	}
	return e.res
}

// problem records a problem found while stepping through the stage being
// built, in its instr-th instruction in at span.
func (m *model) problem(kind string, instr int, in *dockerfile.Instruction, span dockerfile.Span, msg string) *relProblem {
	r := m.building.res
	r.built = append(r.built, relProblem{kind: kind, instr: instr, start: span.Start - in.Span.Start, end: span.End - in.Span.Start, msg: msg})
	return &r.built[len(r.built)-1]
}

// absolute is p, a problem of stage i, located in this version.
func (m *model) absolute(i int, p relProblem) Problem {
	at := m.f.Stages[i].Instructions[p.instr].Span.Start
	msg := p.msg
	if p.origin != nil {
		// the stage of the chain whose state owns the directory
		k := i
		for k >= 0 && m.states[k] != p.origin.owner {
			k = m.parentIdx(k)
		}
		line := 0
		if k >= 0 {
			line = m.f.Stages[k].Instructions[p.origin.instr].StartLine + 1
		}
		msg += strconv.Itoa(line) + p.msgEnd
	}
	return Problem{Kind: p.kind, Span: dockerfile.Span{Start: at + p.start, End: at + p.end}, Message: msg}
}

// parentIdx is the index of the stage stage i builds on, -1 for none.
func (m *model) parentIdx(i int) int {
	if p := m.f.Stages[i].Parent; p >= 0 && p < i {
		return p
	}
	return -1
}

func (s *state) add(p string, tree bool) {
	if p == "" {
		return
	}
	s.products = append(s.products, product{path: path.Clean(p), tree: tree})
}

// made records what surely exists after the step.
func (s *state) addDefinite(p string, tree bool) {
	s.products = append(s.products, product{path: path.Clean(p), tree: tree, definite: true})
}

// remove forgets the definite products at or under p (`rm -rf p`, `mv p x`).
func (s *state) remove(p string) {
	for i := range s.products {
		if pr := &s.products[i]; pr.path == p || strings.HasPrefix(pr.path, p+"/") {
			pr.definite = false
		}
	}
}

func (s *state) resolve(p string) string {
	p = strings.Trim(p, `"'`)
	if strings.HasPrefix(p, "/") {
		return path.Clean(p)
	}
	return path.Join(s.cwd, p)
}

func isRoot(user string) bool {
	name, _, _ := strings.Cut(user, ":")
	return name == "" || name == "root" || name == "0"
}

func hasVar(s string) bool { return strings.ContainsAny(s, "$") }

// step applies the stage's instr-th instruction, in, to s.
func (m *model) step(s *state, instr int, in *dockerfile.Instruction) {
	switch in.Keyword {
	case "WORKDIR":
		if len(in.Args) == 1 && !hasVar(in.Args[0].Value) {
			if s.cwd == "" && !strings.HasPrefix(in.Args[0].Value, "/") {
				return
			}
			s.cwd = s.resolve(in.Args[0].Value)
			if !s.made(s.cwd) {
				if isRoot(s.user) {
					s.rootDirs = s.rootDirs.with(s.cwd, dirOrigin{owner: s, instr: instr})
				} else {
					s.rootDirs = s.rootDirs.without(s.cwd)
				}
			}
			s.addDefinite(s.cwd, false)
		} else {
			s.cwd = "" // unknown from here on
			s.opaque = true
		}
	case "USER":
		if len(in.Args) > 0 {
			s.user = strings.Trim(in.Args[0].Value, `"'`)
		}
	case "ENV":
		m.env(s, in)
	case "COPY", "ADD":
		m.copyStep(s, instr, in)
	case "RUN":
		m.runStep(s, instr, in)
	}
}

func (m *model) env(s *state, in *dockerfile.Instruction) {
	for i, a := range in.Args {
		k, v, ok := strings.Cut(a.Value, "=")
		if !ok {
			// legacy `ENV KEY value`
			if i == 0 && len(in.Args) > 1 {
				k, v = a.Value, strings.Join(argValues(in.Args[1:]), " ")
			} else {
				continue
			}
		}
		v = strings.Trim(v, `"'`)
		switch k {
		case "PATH":
			s.path = v
		case "NODE_ENV":
			s.nodeEnvProd = v == "production"
		}
		if i == 0 && !ok {
			break
		}
	}
}

func isWholeContext(src string) bool {
	switch strings.Trim(src, `"'`) {
	case ".", "./", "*", "./*":
		return true
	}
	return false
}

// isDotFile recognises the extension-less dotfiles copied as files (.npmrc).
func isDotFile(base string) bool {
	return strings.HasPrefix(base, ".") && !strings.Contains(base[1:], "/") && base != "." && base != ".."
}

func argValues(as []dockerfile.Arg) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Value
	}
	return out
}

// onPath reports whether dir is a directory the runtime PATH searches.
func (s *state) onPath(dir string) bool {
	p := s.path
	if p == "" {
		p = standardPath
	}
	dir = path.Clean(dir)
	for d := range strings.SplitSeq(p, ":") {
		if d == "$PATH" || d == "${PATH}" {
			if onStandardPath(dir) {
				return true
			}
			continue
		}
		if path.Clean(d) == dir {
			return true
		}
	}
	return false
}

func onStandardPath(dir string) bool {
	dir = path.Clean(dir)
	for d := range strings.SplitSeq(standardPath, ":") {
		if d == dir {
			return true
		}
	}
	return false
}

func (m *model) copyStep(s *state, instr int, in *dockerfile.Instruction) {
	if len(in.Args) < 2 && len(in.Heredocs) == 0 {
		return
	}
	if len(in.Args) == 0 {
		return
	}
	dest := in.Args[len(in.Args)-1].Value
	if hasVar(dest) || s.cwd == "" && !strings.HasPrefix(dest, "/") {
		return
	}
	d := s.resolve(dest)
	if _, chown := in.Flag("chown"); !chown && isRoot(s.user) && !s.made(d) {
		s.rootDirs = s.rootDirs.with(d, dirOrigin{owner: s, instr: instr})
	}
	srcs := in.Args[:len(in.Args)-1]
	dirDest := strings.HasSuffix(dest, "/") || len(srcs) > 1 || dest == "." || dest == "./"
	// the destination, and whatever the sources put in it: into a
	// directory destination, a file-like source (a name with an extension)
	// lands under its own name; anything else may be a directory whose
	// contents spread into the destination
	if _, from := in.Flag("from"); !from && m.files != nil && len(srcs) == 1 && isWholeContext(srcs[0].Value) {
		s.products = append(s.products, product{path: d, tree: true, definite: true, context: m.files})
		return
	}
	s.addDefinite(d, !dirDest)
	if dirDest {
		for _, a := range srcs {
			base := path.Base(strings.Trim(a.Value, `"'`))
			if strings.HasSuffix(a.Value, "/") || strings.ContainsAny(base, "*?[$") || !strings.Contains(strings.TrimPrefix(base, "."), ".") && !isDotFile(base) {
				s.addDefinite(d, true)
				continue
			}
			s.addDefinite(path.Join(d, base), true)
		}
		if len(in.Heredocs) > 0 {
			s.addDefinite(d, true)
		}
	}
	if onStandardPath(d) || s.onPath(d) || s.onPath(path.Dir(d)) {
		s.copiedBin = true
	}
	if fl, ok := in.Flag("from"); ok {
		if _, src := m.sourceState(fl.Value); src != nil {
			for _, a := range srcs {
				if strings.HasSuffix(path.Clean(a.Value), nodeModules) && src.prodInstall {
					s.prodInstall = true
				}
			}
		}
	}
	if _, ok := in.Flag("chown"); ok || !isRoot(s.user) {
		s.rootDirs = s.rootDirs.without(d)
	}
}

// sourceState is the index and state of the stage a --from value of the
// stage being built names; -1 and nil for an image. The stage may read the
// state's prodInstall, and ask produced through producedFrom.
func (m *model) sourceState(ref string) (int, *state) {
	idx, s := m.resolveSource(m.cur, ref)
	if e := m.building; e != nil && m.sourceDep(ref) == nil {
		d := sourceDep{ref: ref, idx: idx, s: s}
		if s != nil {
			d.label, d.prodInstall = stageLabel(m.f.Stages[idx]), s.prodInstall
		}
		e.sources = append(e.sources, d)
	}
	return idx, s
}

// producedFrom is src.produced(p), for src the state the --from value ref
// of the stage being built names.
func (m *model) producedFrom(ref string, src *state, p string) (ok, judged bool) {
	ok, judged = src.produced(p)
	if d := m.sourceDep(ref); d != nil {
		d.asks = append(d.asks, producedAsk{path: p, ok: ok, judged: judged})
	}
	return ok, judged
}

// sourceDep is the record of the --from value ref of the stage being built.
func (m *model) sourceDep(ref string) *sourceDep {
	if m.building == nil {
		return nil
	}
	for k := range m.building.sources {
		if d := &m.building.sources[k]; d.ref == ref {
			return d
		}
	}
	return nil
}

// resolveSource is sourceState for stage cur, recording nothing.
func (m *model) resolveSource(cur int, ref string) (int, *state) {
	st := m.f.StageByName(strings.Trim(ref, `"'`))
	if st == nil || st.Index >= cur || st.Index >= len(m.states) {
		return -1, nil
	}
	return st.Index, m.states[st.Index]
}

var mkdirFlagsWithValue = map[string]bool{"-m": true, "--mode": true, "-Z": false}

func (m *model) runStep(s *state, instr int, in *dockerfile.Instruction) {
	s.mentions.WriteString(in.ArgsText)
	s.mentions.WriteByte('\n')
	for _, h := range in.Heredocs {
		s.mentions.WriteString(h.Body)
	}
	cwd := s.cwd
	installEnvProd := s.nodeEnvProd
	for _, c := range ecosystem.RunCommands(in) {
		name, args := c.Name(), c.Args()
		switch name {
		case "cd":
			if len(args) == 1 && !hasVar(args[0]) && cwd != "" {
				if strings.HasPrefix(args[0], "/") {
					cwd = path.Clean(args[0])
				} else {
					cwd = path.Join(cwd, args[0])
				}
			} else {
				cwd = ""
				s.opaque = true
			}
			continue
		case "mkdir":
			parents := false
			for i := 0; i < len(args); i++ {
				a := args[i]
				switch {
				case a == "-p" || a == "--parents" || strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && strings.Contains(a, "p"):
					parents = true
				case mkdirFlagsWithValue[a]:
					i++
				case strings.HasPrefix(a, "-"):
				case hasVar(a) || strings.ContainsAny(a, "{*?"):
				default:
					if cwd == "" && !strings.HasPrefix(a, "/") {
						continue
					}
					p := a
					if !strings.HasPrefix(p, "/") {
						p = path.Join(cwd, p)
					}
					p = path.Clean(p)
					if !parents && !m.guarded(instr, in, c) {
						if by := s.made(p); by {
							m.problem(MkdirExistingDir, instr, in, cmdSpan(in, c),
								fmt.Sprintf("`mkdir %s` fails: %s already exists (an earlier WORKDIR, COPY or mkdir created it). Use `mkdir -p`, or drop it", a, p))
						}
					}
					s.addDefinite(p, false)
				}
			}
			continue
		case "rm", "mv":
			for _, a := range args {
				if !strings.HasPrefix(a, "-") && !hasVar(a) && (cwd != "" || strings.HasPrefix(a, "/")) {
					s.remove(s.resolveIn(cwd, a))
					if name == "mv" {
						break
					}
				}
			}
		case "corepack":
			if len(args) > 0 && args[0] == "enable" {
				for _, a := range append([]string{"pnpm", "pnpx", "yarn", "yarnpkg"}, args[1:]...) {
					s.progs = s.progs.with(a, true)
				}
			}
		}
		m.outputs(s, instr, in, c, cwd, installEnvProd)
	}
}

// guarded reports whether the command, of the stage's instr-th instruction
// in, is followed by `||` (its failure is handled).
func (m *model) guarded(instr int, in *dockerfile.Instruction, c ecosystem.Command) bool {
	g := guardedAt(m.f.Text, c.End)
	if e := m.building; e != nil {
		// what follows may lie beyond the instruction
		e.guards = append(e.guards, guardDep{instr: instr, rel: c.End - in.Span.Start, guarded: g})
	}
	return g
}

// guardedAt reports whether `||` follows offset end of txt, past white
// space and line continuations.
func guardedAt(txt []byte, end int) bool {
	if end <= 0 || end > len(txt) {
		return true
	}
	rest := bytes.TrimLeft(txt[end:], " \t\\\r\n")
	return bytes.HasPrefix(rest, []byte("||"))
}

// made reports whether an earlier step created p itself (not merely a tree
// that might hold it), p or something under it.
func (s *state) made(p string) bool {
	if madeIn(s.products, p) {
		return true
	}
	if s.index != nil {
		return s.index.made.hasAtOrUnder(p)
	}
	for t := s.parent; t != nil; t = t.parent {
		if madeIn(t.products, p) {
			return true
		}
	}
	return false
}

// madeIn reports whether one of products is a definite one at or under p.
func madeIn(products []product, p string) bool {
	for _, pr := range products {
		if pr.definite && (pr.path == p || strings.HasPrefix(pr.path, p+"/")) {
			return true
		}
	}
	return false
}

// walkLimit is how many products of the stages a stage builds on made and
// produced walk through; beyond it they look them up in an index, so that
// a FROM chain of n stages costs O(n log n) and not O(n^2), while the few
// stages of a real file keep the walk (cheaper than building the index).
var walkLimit = 64

// belowIndex is what made and produced ask of the products of the stages
// a stage builds on: the paths of the definite ones, and of all of them.
type belowIndex struct {
	made  pmap[bool]
	paths pmap[pathProducts]
}

// pathProducts is what the products at one path are, as produced tells
// them apart: any tree not copied from a known build context, and the
// contexts of those that were.
type pathProducts struct {
	tree bool
	ctxs *[]Files // never changed once in a pmap: copied to add one
}

// indexWithOwn is the index of s's products and those of the stages it
// builds on.
func (s *state) indexWithOwn() *belowIndex {
	var x belowIndex
	if s.index != nil {
		x = *s.index
	} else {
		for t := s.parent; t != nil; t = t.parent {
			x.add(t.products)
		}
	}
	x.add(s.products)
	return &x
}

func (x *belowIndex) add(products []product) {
	for _, pr := range products {
		if pr.definite {
			x.made = x.made.with(pr.path, true)
		}
		at, _ := x.paths.get(pr.path)
		switch {
		case pr.tree && pr.context != nil:
			var ctxs []Files
			if at.ctxs != nil {
				ctxs = append(ctxs, *at.ctxs...)
			}
			ctxs = append(ctxs, pr.context)
			at.ctxs = &ctxs
		case pr.tree:
			at.tree = true
		}
		x.paths = x.paths.with(pr.path, at)
	}
}

func cmdSpan(in *dockerfile.Instruction, c ecosystem.Command) dockerfile.Span {
	if c.Start >= in.Span.Start && c.End <= in.Span.End && c.End > c.Start {
		return dockerfile.Span{Start: c.Start, End: c.End}
	}
	return dockerfile.Span{Start: in.KeywordSpan.Start, End: in.KeywordSpan.End}
}

var prodFlags = map[string]bool{"--omit=dev": true, "--production": true, "--prod": true, "-P": true, "--only=production": true, "--only=prod": true}

// outputs records what one command of a RUN makes.
func (m *model) outputs(s *state, instr int, in *dockerfile.Instruction, c ecosystem.Command, cwd string, envProd bool) {
	name, args := c.Name(), c.Args()
	sub := ""
	if len(args) > 0 {
		sub = args[0]
	}
	unknownHere := func() {
		if cwd != "" {
			s.add(cwd, true)
		}
		for _, a := range args {
			if strings.HasPrefix(a, "/") && !hasVar(a) {
				s.add(a, true)
			} else if i := strings.Index(a, "=/"); i > 0 && !hasVar(a) {
				s.add(a[i+1:], true)
			}
		}
	}
	global := false
	for _, a := range args {
		if a == "-g" || a == "--global" || a == "--location=global" {
			global = true
		}
	}
	switch name {
	case "npm", "yarn", "pnpm":
		switch {
		case global || sub == "global":
			for _, a := range args[1:] {
				if !strings.HasPrefix(a, "-") {
					n := a
					if i := strings.LastIndexByte(n, '@'); i > 0 {
						n = n[:i]
					}
					s.progs = s.progs.with(path.Base(n), true)
				}
			}
			return
		case sub == "ci" || sub == "install" || sub == "i" || (name != "npm" && sub == "") || sub == "add":
			if cwd == "" {
				return
			}
			m.checkWritable(s, instr, in, c, cwd)
			s.add(path.Join(cwd, nodeModules), true)
			if name == "yarn" && len(args) == 0 {
				s.add(cwd, true) // yarn may run a build in lifecycle scripts; stay safe
			}
			prod := envProd
			for _, a := range args {
				if prodFlags[a] {
					prod = true
				}
			}
			s.prodInstall = prod
			if m.pkg != nil && len(m.pkg.lifecycle()) > 0 {
				// the project's lifecycle scripts (prepare: build...) may
				// write anything
				s.add(cwd, true)
			}
			return
		case sub == "prune":
			s.prodInstall = true
			return
		case sub == "cache" || sub == "config" || sub == "set" || sub == "--version" || sub == "-v":
			return
		}
		if cwd == "" {
			return
		}
		if outs, ok := m.scriptOutputs(name, args); ok {
			for _, o := range outs {
				s.add(path.Join(cwd, o), true)
			}
			return
		}
		unknownHere()
	case "go":
		// the module and build caches, wherever GOPATH points
		s.add("/go/pkg", true)
		s.add("/root/go/pkg", true)
		s.add("/root/.cache", true)
		switch sub {
		case "mod", "env", "version", "vet", "test", "get":
			if sub == "mod" && len(args) > 1 && args[1] == "vendor" && cwd != "" {
				s.add(path.Join(cwd, "vendor"), true)
			}
			return
		case "build":
			for i := 1; i < len(args); i++ {
				a := args[i]
				out := ""
				switch {
				case a == "-o" && i+1 < len(args):
					out = args[i+1]
				case strings.HasPrefix(a, "-o="):
					out = strings.TrimPrefix(a, "-o=")
				}
				if out != "" {
					if hasVar(out) || cwd == "" && !strings.HasPrefix(out, "/") {
						unknownHere()
						return
					}
					p := out
					if !strings.HasPrefix(p, "/") {
						p = path.Join(cwd, p)
					}
					s.add(p, true)
					return
				}
			}
			unknownHere()
			return
		case "install":
			s.add("/go/bin", true)
			s.add("/root/go/bin", true)
			return
		}
		unknownHere()
	case "pip", "pip3":
		m.pip(s, args, cwd, unknownHere)
	case "python", "python3":
		if len(args) >= 2 && args[0] == "-m" {
			switch args[1] {
			case "venv", "virtualenv":
				for _, a := range args[2:] {
					if !strings.HasPrefix(a, "-") {
						s.add(s.resolveIn(cwd, a), true)
					}
				}
				return
			case "pip":
				m.pip(s, args[2:], cwd, unknownHere)
				return
			}
		}
		unknownHere()
	case "virtualenv":
		for _, a := range args {
			if !strings.HasPrefix(a, "-") {
				s.add(s.resolveIn(cwd, a), true)
			}
		}
	case "apt-get", "apt", "apk", "dnf", "yum", "microdnf", "useradd", "groupadd", "adduser", "addgroup",
		"echo", "true", "test", "[", "rm", "chmod", "corepack", "ln", "id", "whoami", "update-ca-certificates", "ls", "cat", "export", "set", "printf", "sleep":
		// system packages and users: outside any app directory; the rest
		// only change or remove what exists
		if name == "apt-get" || name == "apt" || name == "apk" || name == "dnf" || name == "yum" || name == "microdnf" {
			for _, a := range args {
				if !strings.HasPrefix(a, "-") {
					s.progs = s.progs.with(a, true)
				}
			}
		}
		if (name == "echo" || name == "printf" || name == "cat") && strings.Contains(in.ArgsText, ">") {
			unknownHere()
		}
	case "chown":
		for _, a := range args {
			if !strings.HasPrefix(a, "-") && !hasVar(a) {
				s.rootDirs = s.rootDirs.without(s.resolveIn(cwd, a))
			}
		}
	case "":
	default:
		unknownHere()
	}
}

func (s *state) resolveIn(cwd, p string) string {
	p = strings.Trim(p, `"'`)
	if strings.HasPrefix(p, "/") || cwd == "" {
		return path.Clean("/" + strings.TrimPrefix(p, "/"))
	}
	return path.Join(cwd, p)
}

func (m *model) pip(s *state, args []string, cwd string, unknownHere func()) {
	if len(args) == 0 || args[0] != "install" {
		return
	}
	s.add("/root/.cache", true)
	for _, a := range args {
		if a == "--user" {
			s.add("/root/.local", true)
			if s.user != "" {
				s.add("/home/"+s.user+"/.local", true)
			}
		}
	}
	for i := 1; i < len(args); i++ {
		a := args[i]
		switch {
		case (a == "--target" || a == "-t" || a == "--prefix" || a == "--root") && i+1 < len(args):
			s.add(s.resolveIn(cwd, args[i+1]), true)
			return
		case strings.HasPrefix(a, "--target=") || strings.HasPrefix(a, "--prefix=") || strings.HasPrefix(a, "--root="):
			_, v, _ := strings.Cut(a, "=")
			s.add(s.resolveIn(cwd, v), true)
			return
		case a == "-e" || a == "--editable" || a == "." || strings.HasPrefix(a, "./"):
			unknownHere() // builds the project in place (egg-info, build/)
			return
		}
	}
	// into site-packages (or a virtualenv on PATH): outside the app
	// directory; console scripts land on PATH
	s.copiedBin = true
}

// ---- package.json ----------------------------------------------------------

type packageJSON struct {
	Scripts         map[string]string `json:"scripts"`
	Dependencies    map[string]string `json:"dependencies"`
	DevDependencies map[string]string `json:"devDependencies"`
}

func (p *packageJSON) lifecycle() []string {
	var out []string
	for _, s := range []string{"preinstall", "install", "postinstall", "prepare"} {
		if _, ok := p.Scripts[s]; ok {
			out = append(out, s)
		}
	}
	return out
}

var outDirRE = regexp.MustCompile(`--out[Dd]ir[= ]+\.?/?([A-Za-z0-9_.@-]+)`)

// scriptOutputs infers the directories `npm run <script>` writes, relative
// to the project, from package.json and the tools' configuration files;
// false when it cannot tell.
func (m *model) scriptOutputs(pm string, args []string) ([]string, bool) {
	if m.pkg == nil || len(args) == 0 {
		return nil, false
	}
	script := args[0]
	if (args[0] == "run" || args[0] == "run-script") && len(args) > 1 {
		script = args[1]
	} else if pm == "npm" {
		return nil, false
	}
	return m.scriptOutputsNamed(script, 0)
}

func (m *model) scriptOutputsNamed(script string, depth int) ([]string, bool) {
	body, ok := m.pkg.Scripts[script]
	if !ok || depth > maxScriptDepth {
		return nil, false
	}
	var outs []string
	for _, c := range ecosystem.SplitCommands(body) {
		name, args := c.Name(), c.Args()
		if name == "npx" && len(args) > 0 {
			name, args = args[0], args[1:]
		}
		var o []string
		switch name {
		case "npm", "yarn", "pnpm":
			sub := ""
			if len(args) > 0 {
				sub = args[0]
			}
			if (sub == "run" || sub == "run-script") && len(args) > 1 {
				sub = args[1]
			}
			var ok bool
			o, ok = m.scriptOutputsNamed(sub, depth+1)
			if !ok {
				return nil, false
			}
		case "tsc":
			if mm := outDirRE.FindStringSubmatch(strings.Join(args, " ")); mm != nil {
				o = []string{mm[1]}
			} else if d := m.tsconfigOutDir(); d != "" {
				o = []string{d}
			} else {
				return nil, false
			}
		case "nest":
			o = []string{"dist"}
			if d := m.tsconfigOutDir(); d != "" {
				o = []string{d}
			}
		case "next":
			o = []string{".next"}
		case "react-scripts", "craco":
			o = []string{"build"}
		case "vite":
			o = []string{"dist"}
			if mm := outDirRE.FindStringSubmatch(strings.Join(args, " ")); mm != nil {
				o = []string{mm[1]}
			} else if m.viteOutDirSet() {
				return nil, false
			}
		case "rimraf", "rm", "echo", "cross-env":
			continue
		case "mkdir", "cp":
			if len(args) > 0 {
				o = []string{strings.Split(strings.TrimPrefix(args[len(args)-1], "./"), "/")[0]}
			}
		default:
			return nil, false
		}
		outs = append(outs, o...)
	}
	return outs, true
}

func (m *model) tsconfigOutDir() string {
	raw, err := m.files.ReadFile("tsconfig.json")
	if err != nil {
		return ""
	}
	mm := regexp.MustCompile(`"outDir"\s*:\s*"\.?/?([^"/]+)`).FindSubmatch(raw)
	if mm == nil {
		return ""
	}
	return string(mm[1])
}

// viteOutDirSet reports whether a vite config names its own outDir (which
// msls does not evaluate).
func (m *model) viteOutDirSet() bool {
	for _, n := range []string{"vite.config.js", "vite.config.ts", "vite.config.mjs", "vite.config.mts"} {
		if raw, err := m.files.ReadFile(n); err == nil && strings.Contains(string(raw), "outDir") {
			return true
		}
	}
	return false
}
