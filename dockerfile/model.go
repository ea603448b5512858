// Package dockerfile is msls's document model: one Parse(text) -> *File built on
// BuildKit's own parser, with exact byte spans for everything a language
// feature needs to point at. It knows nothing of LSP.
//
// A File is immutable once parsed; callers may share it between goroutines.
package dockerfile

import (
	"strconv"
	"strings"
	"sync"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// Span is a half-open byte range [Start, End) into File.Text.
type Span struct {
	Start, End int
}

// Len is the number of bytes the span covers.
func (s Span) Len() int { return s.End - s.Start }

// Contains reports whether off lies inside the span; the end offset counts as
// inside so that a cursor placed right after a word still "touches" it.
func (s Span) Contains(off int) bool { return off >= s.Start && off <= s.End }

// IsZero reports whether the span is the zero value (no location).
func (s Span) IsZero() bool { return s.Start == 0 && s.End == 0 }

// Edit replaces the bytes of Span with NewText. Spans of an edit set must not
// overlap; an insertion is an empty span.
type Edit struct {
	Span    Span
	NewText string
}

// Directive is a parser directive at the top of the file (`# syntax=`,
// `# escape=`, `# check=`).
type Directive struct {
	Name      string // lower-case: syntax, escape or check
	Value     string
	Span      Span // the whole line, without its line break
	NameSpan  Span
	ValueSpan Span
}

// Comment is one comment line outside heredoc bodies. Text excludes the '#'
// and surrounding white space.
type Comment struct {
	Text string
	Span Span // from '#' to the end of the line, without the line break
}

// Flag is one `--name[=value]` option of an instruction.
type Flag struct {
	Name      string // without the leading "--"
	Value     string // raw value (continuations removed); "" when HasValue is false
	HasValue  bool
	Span      Span // the whole `--name=value` word
	NameSpan  Span // `name` (without the dashes)
	ValueSpan Span // the value after '='; empty span at the end when there is none
}

// Arg is one argument word (shell form, split on unquoted white space) or one
// element of a JSON-form array.
type Arg struct {
	// Value is the text of the word as written (quotes kept, line
	// continuations removed); for a JSON element it is the decoded string.
	Value string
	Span  Span
}

// Heredoc is a here-document attached to RUN, COPY or ADD.
type Heredoc struct {
	Name       string // delimiter word, unquoted
	Expand     bool   // variables expand (the delimiter was not quoted)
	Chomp      bool   // `<<-`: leading tabs stripped
	Body       string // raw body, every line with its line break
	MarkerSpan Span   // the `<<EOF` word on the instruction line
	BodySpan   Span   // the body lines (may be empty)
	EndSpan    Span   // the terminating line; empty at EOF when unterminated
}

// VarKind says which instruction defined a variable.
type VarKind int

const (
	VarArg VarKind = iota
	VarEnv
)

// Var is a variable defined by ARG or ENV.
type Var struct {
	Kind      VarKind
	Name      string
	Value     string // raw default/value (quotes kept); "" when HasValue is false
	HasValue  bool
	NameSpan  Span
	ValueSpan Span
	Inst      *Instruction
}

// VarRef is a use of a variable: `$NAME` or `${NAME...}`.
type VarRef struct {
	Name     string
	Span     Span // the whole reference, `$NAME` or `${NAME:-x}`
	NameSpan Span
	Braced   bool
	// InHeredoc marks references inside a heredoc body.
	InHeredoc bool
}

// ParseError is a problem that stopped one instruction (or directive) from
// being understood. The rest of the file is still modelled.
type ParseError struct {
	Message string
	Span    Span
}

func (e *ParseError) Error() string { return e.Message }

// Instruction is one Dockerfile instruction with all its continuation lines
// and heredoc bodies.
type Instruction struct {
	// Keyword is the instruction name upper-cased (FROM, RUN, ...), or the
	// word as written upper-cased when unknown.
	Keyword     string
	KeywordSpan Span
	// Span covers the instruction from its keyword to the end of its last
	// line (continuations and heredoc terminators included), no line break.
	Span Span
	// StartLine and EndLine are the 0-based lines of Span.
	StartLine, EndLine int
	Flags              []Flag
	// Args are the words after the flags (see Arg). For ONBUILD they are the
	// words of the wrapped instruction, keyword included; see Sub.
	Args []Arg
	// ArgsText is the argument part after the flags as one logical string
	// (continuations removed), ArgsSpan its source span.
	ArgsText string
	ArgsSpan Span
	// JSON is set for the exec (JSON array) form.
	JSON     bool
	Heredocs []Heredoc
	// Comments are the comment lines directly above the instruction, with no
	// blank line in between.
	Comments []Comment
	VarRefs  []VarRef
	// Stage is the index of the stage the instruction belongs to, -1 for
	// instructions before the first FROM.
	Stage int
	// Sub is the instruction wrapped by ONBUILD.
	Sub *Instruction
	// Node is BuildKit's AST node for the instruction (nil when BuildKit could
	// not parse it); Command is BuildKit's typed instruction from
	// instructions.ParseInstruction (*instructions.Stage for FROM, an
	// instructions.Command otherwise; nil on error).
	Node    *parser.Node
	Command any
	Err     *ParseError
	// logical line pieces used to map offsets of ArgsText back to the source.
	segs []segment
	// derived memoises analyses of the instruction that several rules share
	// (see Derived).
	derivedMu sync.Mutex
	derived   []derivedValue
	// logical is the instruction as BuildKit sees it: continuation lines
	// joined, comment and empty lines dropped.
	logical string
	// argsLog is the offset of ArgsText in the logical line.
	argsLog int
	// errs are the File.Errors this instruction added, in the order they
	// were added; the first nScanErrs of them while scanning, then those of
	// BuildKit (bkErr is BuildKit's own message, "" when it had none), then
	// at most one from buildStages. Err is always the last of them. ParseFrom
	// re-adds them (shifted) when it reuses the instruction.
	errs      []ParseError
	nScanErrs int
	bkErr     string
	// eofDep marks an instruction whose extent depends on where the file
	// ends (a line continuation or an unterminated heredoc running into the
	// end of the text): text appended after it would change it.
	eofDep bool
}

// ArgsTextSpan maps the byte range [a, b) of ArgsText to its source span,
// skipping the line continuations that ArgsText leaves out. Offsets are
// clamped to ArgsText.
func (in *Instruction) ArgsTextSpan(a, b int) Span {
	a, b = clamp(a, 0, len(in.ArgsText)), clamp(b, 0, len(in.ArgsText))
	if b < a {
		b = a
	}
	if len(in.segs) == 0 {
		return Span{in.ArgsSpan.Start, in.ArgsSpan.Start}
	}
	return mapSpan(in.segs, in.argsLog+a, in.argsLog+b)
}

type derivedValue struct {
	key  any
	val  any
	move func(v any, delta int) any // nil: the value is dropped when ParseFrom moves the instruction
}

// Derived returns compute's result for this instruction, computing it at most
// once per key: for analyses several rules and actions need (the shell
// commands of a RUN, say). compute must depend on the instruction only; key is
// a comparable value private to the caller's package. Safe for concurrent use.
//
// The value lives as long as the instruction: ParseFrom keeps the instructions
// before an edit as they are, memo included, but the copies it makes of the
// instructions after an edit start with an empty memo (see DerivedMovable).
func (in *Instruction) Derived(key any, compute func() any) any {
	return in.DerivedMovable(key, compute, nil)
}

// DerivedMovable is Derived for a value that ParseFrom can carry into the
// moved copy of the instruction it makes for the instructions after an edit
// (same text, starting delta bytes later; delta may be negative), instead of
// dropping it: the copy's memo holds move(v, delta), or v itself when delta
// is 0. move must give what compute would give on the copy, so a movable
// value may depend only on the instruction's own text and byte offsets —
// not on its lines, its Stage, or other instructions. v is shared by
// every goroutine reading the old instruction: move must not modify it (build
// new slices) and must be safe for concurrent use. A nil move is Derived.
//
// The first call for a key decides whether its value moves; use one function
// per key for both.
func (in *Instruction) DerivedMovable(key any, compute func() any, move func(v any, delta int) any) any {
	if v, ok := in.derivedValue(key); ok {
		return v
	}
	// compute runs unlocked: it may itself ask for other derived values.
	v := compute()
	in.derivedMu.Lock()
	defer in.derivedMu.Unlock()
	for _, d := range in.derived {
		if d.key == key {
			return d.val // computed meanwhile by another goroutine
		}
	}
	in.derived = append(in.derived, derivedValue{key, v, move})
	return v
}

func (in *Instruction) derivedValue(key any) (any, bool) {
	in.derivedMu.Lock()
	defer in.derivedMu.Unlock()
	for _, d := range in.derived {
		if d.key == key {
			return d.val, true
		}
	}
	return nil, false
}

// movedDerived is the memo of a copy of the instruction moved by delta bytes:
// its movable values, moved, in memory taken from pool (the moveSlab's, which
// holds every moved instruction's memo in one allocation). Entries of
// in.derived are only ever appended, never rewritten, so the snapshot taken
// under the lock can be read after it.
func (in *Instruction) movedDerived(delta int, pool *[]derivedValue) []derivedValue {
	in.derivedMu.Lock()
	old := in.derived
	in.derivedMu.Unlock()
	n := in.movable(old)
	if n == 0 {
		return nil
	}
	var out []derivedValue
	if cap(*pool)-len(*pool) >= n {
		out = take(pool, n)[:0]
	} else {
		// the memo grew since the slab was sized (another goroutine still
		// reads the old version)
		out = make([]derivedValue, 0, n)
	}
	for _, d := range old {
		if d.move == nil {
			continue
		}
		if delta != 0 {
			d.val = d.move(d.val, delta)
		}
		out = append(out, d)
	}
	return out
}

// movable counts the entries of a memo that move.
func (in *Instruction) movable(memo []derivedValue) int {
	n := 0
	for _, d := range memo {
		if d.move != nil {
			n++
		}
	}
	return n
}

// Flag returns the last flag with the given name (without dashes), if any.
func (in *Instruction) Flag(name string) (Flag, bool) {
	for i := len(in.Flags) - 1; i >= 0; i-- {
		if strings.EqualFold(in.Flags[i].Name, name) {
			return in.Flags[i], true
		}
	}
	return Flag{}, false
}

// Is reports whether the instruction has the given keyword (case-insensitive).
func (in *Instruction) Is(keyword string) bool { return strings.EqualFold(in.Keyword, keyword) }

// Stage is one build stage: a FROM and the instructions up to the next FROM.
type Stage struct {
	Index int
	// Name is the `AS` name as written; "" for an unnamed stage.
	Name     string
	NameSpan Span
	// BaseImage is the FROM image (or stage) reference as written.
	BaseImage string
	BaseSpan  Span
	// Platform is the value of FROM --platform, if any.
	Platform string
	// Parent is the index of the earlier stage this one is built on
	// (`FROM <stage>`), or -1 when it starts from an image.
	Parent int
	From   *Instruction
	// Instructions are the stage's instructions, FROM first.
	Instructions []*Instruction
	// Vars are the ARGs and ENVs declared in the stage, in order.
	Vars []Var
	Span Span
}

// Ref is how other instructions refer to the stage: its name, or its index.
func (s *Stage) Ref() string {
	if s.Name != "" {
		return s.Name
	}
	return strconv.Itoa(s.Index)
}

// File is a parsed Dockerfile.
type File struct {
	Text        []byte
	Lines       *LineIndex
	EscapeToken rune
	Directives  []Directive
	Comments    []Comment
	// Instructions holds every instruction in source order.
	Instructions []*Instruction
	Stages       []*Stage
	// GlobalArgs are the ARGs declared before the first FROM.
	GlobalArgs []Var
	Errors     []ParseError
	// dirErrs are the Errors about parser directives (no instruction's).
	dirErrs []ParseError
	// stageNames indexes named stages by ASCII-lower-cased name (the first
	// stage of a name wins) so that StageByName is not linear: files with
	// thousands of stages call it once per FROM and COPY --from. It is only
	// used while every stage name is ASCII, where it agrees with EqualFold.
	stageNames      map[string]*Stage
	stageNamesASCII bool
	// Panics are the panics of BuildKit's parser recovered while parsing
	// this version (the instructions got a parse error), for the caller to
	// log.
	Panics []Panic
	// derived memoises analyses of the whole file that several rules share
	// (see File.Derived).
	derivedMu sync.Mutex
	derived   []derivedValue
}

// Derived returns compute's result for this version of the file, computing it
// at most once per key: for whole-file analyses several rules need (the stage
// contract, say). compute must depend on the File only; key is a comparable
// value private to the caller's package. The value lives as long as the File
// (one version: ParseFrom makes a new File with an empty memo). Safe for
// concurrent use.
func (f *File) Derived(key any, compute func() any) any {
	f.derivedMu.Lock()
	for _, d := range f.derived {
		if d.key == key {
			f.derivedMu.Unlock()
			return d.val
		}
	}
	f.derivedMu.Unlock()
	// compute runs unlocked: it may itself ask for other derived values.
	v := compute()
	f.derivedMu.Lock()
	defer f.derivedMu.Unlock()
	for _, d := range f.derived {
		if d.key == key {
			return d.val // computed meanwhile by another goroutine
		}
	}
	f.derived = append(f.derived, derivedValue{key: key, val: v})
	return v
}

// Panic is a recovered panic of BuildKit's parser on the instruction that
// starts on Line (0-based), with the stack it was raised on.
type Panic struct {
	Line  int
	Value any
	Stack []byte
}

// Directive returns the value of the named parser directive.
func (f *File) Directive(name string) (Directive, bool) {
	for _, d := range f.Directives {
		if d.Name == name {
			return d, true
		}
	}
	return Directive{}, false
}

// StageByName finds a stage by name (case-insensitively, as BuildKit does) or
// by numeric index.
func (f *File) StageByName(ref string) *Stage {
	if f.stageNames != nil && f.stageNamesASCII && isASCII(ref) {
		if s := f.stageNames[lowerASCII(ref)]; s != nil {
			return s
		}
	} else {
		for _, s := range f.Stages {
			if s.Name != "" && strings.EqualFold(s.Name, ref) {
				return s
			}
		}
	}
	// BuildKit reads a stage index with strconv.Atoi: "+1" and "-00" count.
	if n, err := strconv.Atoi(ref); err == nil && n >= 0 && n < len(f.Stages) {
		return f.Stages[n]
	}
	return nil
}

// InstructionAt returns the instruction whose span contains off (the end of
// the span counts), or nil.
func (f *File) InstructionAt(off int) *Instruction {
	lo, hi := 0, len(f.Instructions)
	for lo < hi {
		m := (lo + hi) / 2
		if f.Instructions[m].Span.End < off {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(f.Instructions) && f.Instructions[lo].Span.Contains(off) {
		return f.Instructions[lo]
	}
	return nil
}

// StageAt returns the stage containing off, or nil (before the first FROM).
func (f *File) StageAt(off int) *Stage {
	var cur *Stage
	for _, s := range f.Stages {
		if s.From.Span.Start <= off {
			cur = s
		} else {
			break
		}
	}
	return cur
}

// FinalStage is the last stage, the one `docker build` runs by default.
func (f *File) FinalStage() *Stage {
	if len(f.Stages) == 0 {
		return nil
	}
	return f.Stages[len(f.Stages)-1]
}

// Slice returns the source text of a span (clamped to the text).
func (f *File) Slice(s Span) string {
	start, end := clamp(s.Start, 0, len(f.Text)), clamp(s.End, 0, len(f.Text))
	if end < start {
		return ""
	}
	return string(f.Text[start:end])
}

// LookupVar resolves a variable name as seen at offset off: the latest ARG or
// ENV of the enclosing stage (and of the stages it is built on) declared
// before off, or a global ARG. In a stage, a global ARG is only in scope once
// re-declared with ARG; in FROM lines, only global ARGs are.
func (f *File) LookupVar(name string, off int) (Var, bool) {
	st := f.StageAt(off)
	if st == nil || (st.From != nil && st.From.Span.Contains(off)) {
		return lastVar(f.GlobalArgs, name, off)
	}
	for s := st; s != nil; {
		if v, ok := lastVar(s.Vars, name, off); ok {
			if v.Kind == VarArg && !v.HasValue {
				// `ARG NAME` re-declares a global ARG and inherits its default.
				if g, ok := lastVar(f.GlobalArgs, name, off); ok && g.HasValue {
					return g, true
				}
			}
			return v, true
		}
		if s.Parent < 0 {
			break
		}
		s = f.Stages[s.Parent]
	}
	return Var{}, false
}

func lastVar(vars []Var, name string, off int) (Var, bool) {
	for i := len(vars) - 1; i >= 0; i-- {
		v := vars[i]
		if v.Name == name && v.NameSpan.Start < off {
			return v, true
		}
	}
	return Var{}, false
}

func clamp(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// indexStage records a stage just appended to f.Stages in f.stageNames.
func (f *File) indexStage(st *Stage) {
	if f.stageNames == nil {
		f.stageNames, f.stageNamesASCII = map[string]*Stage{}, true
	}
	if st.Name == "" {
		return
	}
	if !isASCII(st.Name) {
		f.stageNamesASCII = false
		return
	}
	if k := lowerASCII(st.Name); f.stageNames[k] == nil {
		f.stageNames[k] = st
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
