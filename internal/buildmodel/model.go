// Package buildmodel answers "what does this build do", stage by stage: what
// each stage inherits from the stages it is built on (`FROM <stage>`), its
// working directory, user, shell and variables at each instruction, what each
// COPY/ADD brings from the build context, which commands each RUN runs (in
// which directory) and which dependency installs they are.
//
// Rules and refactors ask the model instead of re-deriving it. Build is a
// function of the File (and of an optional build-context answerer): it keeps
// no state between calls. The expensive part, parsing RUN scripts, is
// memoised per instruction by package ecosystem.
//
// Ancestry is linear in memory: a stage points at its parent, and the
// inherited lists (variables, copies, installs) are persistent lists whose
// tails the child shares with its parent, so a chain of N stages costs O(N)
// however long it is, and nothing recurses along it.
package buildmodel

import (
	"path"
	"strings"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// List is an immutable singly linked list, newest first. A stage extends
// the list it inherited without copying it.
type List[T any] struct {
	Head T
	Tail *List[T]
}

// Push returns the list with v in front.
func (l *List[T]) Push(v T) *List[T] { return &List[T]{Head: v, Tail: l} }

// All yields the elements newest first.
func (l *List[T]) All(yield func(T) bool) {
	for n := l; n != nil; n = n.Tail {
		if !yield(n.Head) {
			return
		}
	}
}

// Context answers what a COPY/ADD source matches in the build context. The
// build-context package implements it; without one (nil), every answer is
// "unknown" and rules fall back to judging sources by their names.
type Context interface {
	// Match returns the context files (slash-separated, relative to the
	// context root) that src brings, after .dockerignore; ok is false when
	// the answer is unknown.
	Match(src string) (files []string, ok bool)
}

// Model is the build model of one File.
type Model struct {
	File *dockerfile.File
	// Stages are in the File's order; Stages[i].Index == i.
	Stages []*Stage
	ctx    Context
}

// Stage is one build stage with what it inherits.
type Stage struct {
	*dockerfile.Stage
	// Parent is the stage this one is built FROM, nil when it starts from an
	// image (or scratch).
	Parent *Stage
	// Root is the first stage of the chain: the one whose FROM names an
	// image. Itself when Parent is nil.
	Root *Stage
	// Depth is the number of ancestors.
	Depth int
	// Start is the state the stage starts in (its parent's End, or the
	// image's defaults); End the state after its last instruction.
	Start, End State
	// Steps are the stage's instructions after FROM with the state before
	// each (ONBUILD triggers are left out: they run in other builds).
	Steps []Step
}

// State is what the build has set up at one point of a stage's chain.
type State struct {
	// Workdir is the absolute working directory ("/" when no WORKDIR);
	// WorkdirKnown is false when a WORKDIR used a variable msls could not
	// resolve.
	Workdir      string
	WorkdirKnown bool
	// User is the last USER's value as written, and UserAt that instruction
	// (nil: the base image's default user).
	User   string
	UserAt *dockerfile.Instruction
	// ShellAt is the last SHELL (nil: /bin/sh -c).
	ShellAt *dockerfile.Instruction
	// Cmd and Entrypoint are the last CMD and ENTRYPOINT (nil: the image's).
	Cmd, Entrypoint *dockerfile.Instruction
	// at is the source offset the state holds at (for variable lookups).
	at int
	// Copies are the COPY/ADD instructions along the chain, newest first.
	Copies *List[*Copy]
	// Installs are the dependency installs run along the chain, newest first.
	Installs *List[*Install]
	// depsDone has bit i set when ecosystem.All[i] ran a Deps install.
	depsDone uint64
}

// DepsDone reports whether a dependency-only install (`npm ci`,
// `poetry install --no-root`, `go mod download`) of the ecosystem has run
// along the chain.
func (s State) DepsDone(eco *ecosystem.Ecosystem) bool {
	i := ecoIndex(eco)
	return i >= 0 && s.depsDone&(1<<uint(i)) != 0
}

// ShellPOSIX reports whether RUN's shell form runs in a POSIX-family shell
// (the default /bin/sh -c, or a SHELL of sh/bash/...).
func (s State) ShellPOSIX() bool {
	return s.ShellAt == nil || len(s.ShellAt.Args) == 0 || ecosystem.IsShell(s.ShellAt.Args[0].Value)
}

// Lookup finds the ARG or ENV of the chain in scope at this state (the
// newest declared before it; a stage's bare `ARG NAME` takes the global
// default), as BuildKit resolves it.
func (m *Model) Lookup(s State, name string) (dockerfile.Var, bool) {
	return m.File.LookupVar(name, s.at)
}

// Step is one instruction of a stage and the state before it.
type Step struct {
	In     *dockerfile.Instruction
	Before State
	// Unknown is set for a RUN whose script msls could not read (a parse
	// error, a SHELL that is not a POSIX shell): nothing may be concluded
	// from a command's absence.
	Unknown bool
	// Copy is set for a COPY/ADD.
	Copy *Copy
	// Installs are the installs a RUN runs, in order.
	Installs []*Install
}

// Commands are a RUN's commands (nil when unknown or not a RUN).
func (st *Step) Commands() []ecosystem.Command {
	if !st.In.Is("RUN") || !st.In.JSON && !st.Before.ShellPOSIX() {
		return nil
	}
	return ecosystem.RunCommands(st.In)
}

// Dir is the absolute directory a command of the step runs in: the WORKDIR
// before the step, then the script's `cd`s. ok is false when unknown.
func (st *Step) Dir(c ecosystem.Command) (dir string, ok bool) {
	return resolveDir(c, st.Before)
}

func resolveDir(c ecosystem.Command, s State) (string, bool) {
	if s.WorkdirKnown {
		return c.WorkDir(s.Workdir)
	}
	if path.IsAbs(c.Dir) && !c.DirUnknown {
		return path.Clean(c.Dir), true
	}
	return "", false
}

// CopyKind says how much of the build context a COPY/ADD brings, judged by
// its sources' names.
type CopyKind int

const (
	// CopyNarrow brings named files (or comes from another stage, an image, a
	// URL or a heredoc).
	CopyNarrow CopyKind = iota
	// CopyContext brings the whole context: `.`, `*`, `../..` (BuildKit
	// clamps `..` to the context root).
	CopyContext
	// CopyDir brings a directory that may hold sources and manifests.
	CopyDir
)

// Copy is one COPY or ADD.
type Copy struct {
	In    *dockerfile.Instruction
	Stage *Stage
	*CopySpec
	// Dest is the absolute destination ("" when it depends on an unknown
	// working directory or a variable).
	Dest string
}

// CopySpec is what a COPY/ADD says by itself, whatever stage it is in
// (memoised per instruction, shared: read only).
type CopySpec struct {
	// From is the --from value ("" for the build context).
	From string
	// Sources are the source paths as written (quotes removed); Clean holds
	// them cleaned the way BuildKit resolves them in the context (leading
	// "./" and ".." that climb above the root dropped; "." for the root).
	Sources, Clean []string
	// RawDest is the destination as written; DestDir reports a trailing
	// slash or several sources (the destination is a directory).
	RawDest string
	DestDir bool
	Kind    CopyKind
}

// FromContext reports whether the copy reads the build context.
func (c *Copy) FromContext() bool {
	return c.From == "" && len(c.In.Heredocs) == 0
}

// Files returns what a source of the copy brings from the build context, as
// the model's Context answers it; ok is false when unknown (no context).
func (m *Model) Files(c *Copy, source int) (files []string, ok bool) {
	if m.ctx == nil || !c.FromContext() || source < 0 || source >= len(c.Sources) {
		return nil, false
	}
	if _, ok := c.In.Flag("parents"); ok && strings.ContainsAny(c.Clean[source], "*?[") {
		// `COPY --parents` matches patterns with `**`, which Match's
		// path.Match semantics do not know: unknown rather than wrong
		return nil, false
	}
	return m.ctx.Match(c.Clean[source])
}

// Install is a dependency install (or build step resolving dependencies) run
// by a RUN.
type Install struct {
	ecosystem.Install
	In    *dockerfile.Instruction
	Stage *Stage
	// Span is the command's source span.
	Span dockerfile.Span
	// Dir is the absolute directory it runs in; DirKnown false when unknown.
	Dir       string
	DirKnown  bool
	InHeredoc bool
}

// Build makes the model of f with no build context.
func Build(f *dockerfile.File) *Model { return BuildWith(f, nil) }

// BuildWith makes the model of f; ctx (may be nil) answers what COPY
// sources match in the build context.
func BuildWith(f *dockerfile.File, ctx Context) *Model {
	m := &Model{File: f, Stages: make([]*Stage, len(f.Stages)), ctx: ctx}
	n := 0
	for _, ds := range f.Stages {
		n += len(ds.Instructions)
	}
	// one allocation for every stage's steps and one for the stages
	slab := make([]Step, n)
	stages := make([]Stage, len(f.Stages))
	for i, ds := range f.Stages {
		st := &stages[i]
		st.Stage = ds
		k := len(ds.Instructions)
		st.Steps, slab = slab[:0:k], slab[k:]
		if ds.Parent >= 0 && ds.Parent < i {
			st.Parent = m.Stages[ds.Parent]
			st.Root = st.Parent.Root
			st.Depth = st.Parent.Depth + 1
			st.Start = st.Parent.End
		} else {
			st.Root = st
			st.Start = State{Workdir: "/", WorkdirKnown: true}
		}
		m.Stages[i] = st
		m.walk(st)
	}
	return m
}

// Final is the last stage, the one `docker build` builds by default.
func (m *Model) Final() *Stage {
	if len(m.Stages) == 0 {
		return nil
	}
	return m.Stages[len(m.Stages)-1]
}

// Chain calls yield with the stage and then each ancestor, nearest first.
func (s *Stage) Chain(yield func(*Stage) bool) {
	for x := s; x != nil; x = x.Parent {
		if !yield(x) {
			return
		}
	}
}

func (m *Model) walk(st *Stage) {
	s := st.Start
	cmdSet := false // BuildKit: ENTRYPOINT resets a CMD not set in the same stage
	for _, in := range st.Instructions {
		if in == st.From {
			continue
		}
		if in.Sub != nil {
			continue // ONBUILD: runs in the builds that use this image
		}
		s.at = in.Span.Start
		step := Step{In: in, Before: s}
		switch {
		case in.Is("WORKDIR") && len(in.Args) > 0:
			w, ok := m.expand(unquote(in.Args[0].Value), s)
			switch {
			case !ok:
				s.WorkdirKnown = false
			case path.IsAbs(w):
				s.Workdir, s.WorkdirKnown = path.Clean(w), true
			default:
				s.Workdir = path.Join(s.Workdir, w)
			}
		case in.Is("USER") && len(in.Args) > 0:
			s.User, s.UserAt = unquote(in.Args[0].Value), in
		case in.Is("SHELL") && in.JSON:
			s.ShellAt = in
		case in.Is("CMD"):
			s.Cmd, cmdSet = in, true
		case in.Is("ENTRYPOINT"):
			s.Entrypoint = in
			if !cmdSet {
				s.Cmd = nil
			}
		case in.Is("COPY") || in.Is("ADD"):
			if c := m.copyOf(st, in, s); c != nil {
				step.Copy = c
				s.Copies = s.Copies.Push(c)
			}
		case in.Is("RUN"):
			m.run(st, in, &step, &s)
		}
		st.Steps = append(st.Steps, step)
	}
	s.at = st.Span.End + 1
	st.End = s
}

func (m *Model) run(st *Stage, in *dockerfile.Instruction, step *Step, s *State) {
	if !in.JSON && !s.ShellPOSIX() {
		step.Unknown = true // PowerShell, cmd: not ours to read
		return
	}
	step.Unknown = ecosystem.RunScript(in).Unknown
	ris := ecosystem.RunInstalls(in) // memoised with the script
	if len(ris) == 0 {
		return
	}
	step.Installs = make([]*Install, len(ris))
	for i, ri := range ris {
		it := &Install{Install: ri.Install, In: in, Stage: st, Span: ri.Span, InHeredoc: ri.InHeredoc}
		it.Dir, it.DirKnown = resolveDir(ri.Cmd, *s)
		step.Installs[i] = it
		s.Installs = s.Installs.Push(it)
		if ri.Kind == ecosystem.Deps {
			if k := ecoIndex(ri.Eco); k >= 0 {
				s.depsDone |= 1 << uint(k)
			}
		}
	}
}

func (m *Model) copyOf(st *Stage, in *dockerfile.Instruction, s State) *Copy {
	c := &Copy{In: in, Stage: st, CopySpec: SpecOf(in)}
	if c.RawDest == "" {
		return c
	}
	if d, ok := m.expand(c.RawDest, s); ok {
		switch {
		case path.IsAbs(d):
			c.Dest = path.Clean(d)
		case s.WorkdirKnown:
			c.Dest = path.Join(s.Workdir, d)
		}
	}
	return c
}

type copySpecKey struct{}

// SpecOf is a COPY/ADD's own reading, computed once per instruction.
func SpecOf(in *dockerfile.Instruction) *CopySpec {
	// no offsets inside: a moved instruction keeps the same value
	return in.DerivedMovable(copySpecKey{}, func() any { return specOf(in) }, func(v any, _ int) any { return v }).(*CopySpec)
}

func specOf(in *dockerfile.Instruction) *CopySpec {
	c := &CopySpec{}
	if fl, ok := in.Flag("from"); ok {
		c.From = fl.Value
	}
	if len(in.Args) < 2 || len(in.Heredocs) > 0 {
		return c
	}
	for _, a := range in.Args[:len(in.Args)-1] {
		src := unquote(a.Value)
		c.Sources = append(c.Sources, src)
		c.Clean = append(c.Clean, CleanSource(src))
	}
	c.RawDest = unquote(in.Args[len(in.Args)-1].Value)
	c.DestDir = strings.HasSuffix(c.RawDest, "/") || len(c.Sources) > 1
	if c.From == "" {
		c.Kind = classify(c.Clean)
	}
	return c
}

// CleanSource resolves a COPY source the way BuildKit does inside the build
// context: relative to the context root, `..` never climbing above it.
// "." is the root itself.
func CleanSource(src string) string {
	if strings.Contains(src, "://") || strings.HasPrefix(src, "git@") {
		return src
	}
	c := path.Clean("/" + src)
	if c == "/" {
		return "."
	}
	c = c[1:]
	if strings.HasSuffix(src, "/") {
		c += "/"
	}
	return c
}

// classify judges a context copy's breadth from its cleaned sources.
func classify(clean []string) CopyKind {
	kind := CopyNarrow
	for _, s := range clean {
		base := path.Base(strings.TrimSuffix(s, "/"))
		switch {
		case s == "." || s == "*" || s == ".*":
			return CopyContext
		case strings.Contains(s, "://") || strings.HasPrefix(s, "git@"):
			// a URL or git source: not the build context
		case strings.HasSuffix(s, "/") && !strings.ContainsAny(s, "*?["):
			kind = CopyDir
		case !strings.Contains(base, ".") && !strings.ContainsAny(s, "*?[$") && !isManifestName(base):
			kind = CopyDir // `COPY src /app`: most likely a directory
		}
	}
	return kind
}

func isManifestName(base string) bool {
	for _, e := range ecosystem.All {
		if e.IsManifest(base) {
			return true
		}
	}
	return false
}

func ecoIndex(eco *ecosystem.Ecosystem) int {
	for i, e := range ecosystem.All {
		if e == eco {
			return i
		}
	}
	return -1
}

func unquote(s string) string { return strings.Trim(s, `"'`) }

// expand substitutes $NAME and ${NAME} with the chain's ARG/ENV values; ok is
// false when a variable has no known value (or uses a modifier).
func (m *Model) expand(s string, st State) (string, bool) {
	if !strings.Contains(s, "$") {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' {
			b.WriteByte(s[i])
			continue
		}
		j := i + 1
		braced := j < len(s) && s[j] == '{'
		if braced {
			j++
		}
		k := j
		for k < len(s) && (s[k] == '_' || s[k] >= 'a' && s[k] <= 'z' || s[k] >= 'A' && s[k] <= 'Z' || k > j && s[k] >= '0' && s[k] <= '9') {
			k++
		}
		if k == j || braced && (k >= len(s) || s[k] != '}') {
			return "", false
		}
		v, ok := m.Lookup(st, s[j:k])
		if !ok || !v.HasValue || strings.Contains(v.Value, "$") {
			return "", false
		}
		b.WriteString(unquote(v.Value))
		if braced {
			k++
		}
		i = k - 1
	}
	return b.String(), true
}
