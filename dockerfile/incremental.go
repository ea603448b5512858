package dockerfile

import (
	"bytes"
	"sort"
)

// An editor sends a new version of the text on every keystroke and a
// keystroke changes one instruction, so ParseFrom parses a new version from
// the previous one: instructions before the edit are taken as they are (the
// same *Instruction, whose Derived analyses survive), instructions after it
// are copied with every offset and line moved (and those of their Derived
// analyses that know how to move, see DerivedMovable), and only the
// instructions in between are scanned and parsed afresh.
//
// Everything an instruction's model depends on is the text of its region
// (its own lines and the comment and blank lines above it, back to the
// previous instruction), the escape token, where it starts, and, for its
// Stage and its "must come after a FROM" error, the instructions before it:
//   - an instruction whose lines (and the line break after its last line) lie
//     in the unchanged prefix, and whose extent does not depend on where the
//     file ends, is the same;
//   - scanning resumes after the last such instruction, in the state a full
//     scan is in there (directives done, no pending comment), and stops after
//     a fresh instruction that ends right before the region of an earlier
//     instruction lying in the unchanged suffix, if the escape token is the
//     same: from there on a full scan would read the same text in the same
//     state, so it would make the same instructions, only moved.

// ParseFrom returns the model of text, equal to Parse(text), reusing what it
// can of prev, the model of an earlier version of the same document (nil
// means none). prev is only read: both Files stay valid and immutable.
func ParseFrom(prev *File, text []byte) *File {
	if prev == nil {
		return Parse(text)
	}
	old := prev.Text
	pre, suf := CommonAffixes(old, text)
	delta := len(text) - len(old)
	newSuf := len(text) - suf // the unchanged suffix is text[newSuf:] = old[newSuf-delta:]

	f := &File{Text: text, Lines: prev.Lines.edited(text, pre, newSuf, delta), EscapeToken: '\\'}
	p := &parseState{f: f, esc: '\\', n: f.Lines.LineCount(), prev: prev}

	// Instructions before the edit: the same pointers.
	k := sort.Search(len(prev.Instructions), func(i int) bool {
		in := prev.Instructions[i]
		return in.eofDep || in.EndLine+1 >= prev.Lines.LineCount() || prev.Lines.LineStart(in.EndLine+1) > pre
	})
	resume, directivesDone := 0, false
	if k > 0 {
		f.Directives, f.dirErrs, f.EscapeToken = prev.Directives, prev.dirErrs, prev.EscapeToken
		p.esc = byte(prev.EscapeToken)
		f.Errors = append(f.Errors, prev.dirErrs...)
		f.Instructions = make([]*Instruction, k, len(prev.Instructions)+4)
		copy(f.Instructions, prev.Instructions[:k])
		for _, in := range f.Instructions {
			f.Errors = append(f.Errors, in.errs...)
		}
		resume, directivesDone = prev.Instructions[k-1].EndLine+1, true
		resumeOff := f.Lines.LineStart(resume)
		c := sort.Search(len(prev.Comments), func(i int) bool { return prev.Comments[i].Span.Start >= resumeOff })
		if c > 0 {
			f.Comments = append(make([]Comment, 0, len(prev.Comments)+4), prev.Comments[:c]...)
		}
	}
	p.reused = k

	// Instructions after the edit: moved copies, once the scan is back in step.
	synced, from := false, 0 // from: the first of prev's instructions taken
	var dLines, prevOff int
	p.sync = func(line int) bool {
		if line >= p.n || p.esc != byte(prev.EscapeToken) {
			return false
		}
		off := f.Lines.LineStart(line)
		if off < newSuf {
			return false
		}
		po := off - delta
		pl := prev.Lines.Line(po)
		if prev.Lines.LineStart(pl) != po {
			return false
		}
		j := sort.Search(len(prev.Instructions), func(i int) bool { return prev.Instructions[i].StartLine >= pl })
		if j == 0 || prev.Instructions[j-1].EndLine+1 != pl || prev.Instructions[j-1].eofDep {
			return false
		}
		synced, from, dLines, prevOff = true, j, line-pl, po
		return true
	}
	if k > 0 && p.sync(resume) {
		// the edit only touched lines that belong to no region: nothing to scan
	} else {
		p.scan(resume, directivesDone)
	}
	fresh := len(f.Instructions)
	if synced {
		slab := newMoveSlab(prev.Instructions[from:])
		for _, in := range prev.Instructions[from:] {
			c := in.moved(slab, delta, dLines)
			f.Instructions = append(f.Instructions, c)
			f.Errors = append(f.Errors, c.errs...)
		}
		c := sort.Search(len(prev.Comments), func(i int) bool { return prev.Comments[i].Span.Start >= prevOff })
		for _, cm := range prev.Comments[c:] {
			f.Comments = append(f.Comments, Comment{Text: cm.Text, Span: shiftSpan(cm.Span, delta)})
		}
	}

	p.attachBuildKit(k, fresh)
	for i, in := range f.Instructions[fresh:] {
		if skipBuildKit(in) {
			continue
		}
		src := prev.Instructions[from+i]
		p.apply(in, &bkEntry{node: src.Node, cmd: src.Command, err: src.bkErr, line: src.StartLine + 1})
	}
	p.buildStages()
	p.sortErrors()
	return f
}

// moved returns a copy of the instruction for a text where it starts dBytes
// bytes and dLines lines later, as scanned: without BuildKit's results or the
// errors of buildStages, and with only the derived values that can move (see
// DerivedMovable), moved.
func (in *Instruction) moved(slab *moveSlab, dBytes, dLines int) *Instruction {
	c := in.movedScan(slab, dBytes, dLines, nil)
	c.derived = in.movedDerived(dBytes, &slab.derived)
	if in.Sub != nil {
		c.Sub = in.Sub.movedScan(slab, dBytes, dLines, c)
		c.Sub.derived = in.Sub.movedDerived(dBytes, &slab.derived)
	}
	if in.nScanErrs > 0 {
		c.errs = make([]ParseError, in.nScanErrs, in.nScanErrs+1)
		for i, e := range in.errs[:in.nScanErrs] {
			c.errs[i] = ParseError{Message: e.Message, Span: shiftSpan(e.Span, dBytes)}
		}
		last := c.errs[in.nScanErrs-1]
		c.Err = &last
	}
	c.nScanErrs = in.nScanErrs
	return c
}

// movedScan copies what scanning sets; an ONBUILD's wrapped instruction
// shares its parent's pieces and heredocs, as scanned.
func (in *Instruction) movedScan(slab *moveSlab, d, dLines int, parent *Instruction) *Instruction {
	c := slab.inst()
	*c = Instruction{
		Keyword:     in.Keyword,
		KeywordSpan: shiftSpan(in.KeywordSpan, d),
		Span:        shiftSpan(in.Span, d),
		StartLine:   in.StartLine + dLines,
		EndLine:     in.EndLine + dLines,
		ArgsText:    in.ArgsText,
		ArgsSpan:    shiftSpan(in.ArgsSpan, d),
		JSON:        in.JSON,
		Stage:       -1,
		logical:     in.logical,
		argsLog:     in.argsLog,
		eofDep:      in.eofDep,
	}
	if in.Flags != nil {
		c.Flags = take(&slab.flags, len(in.Flags))
		for i, fl := range in.Flags {
			fl.Span, fl.NameSpan, fl.ValueSpan = shiftSpan(fl.Span, d), shiftSpan(fl.NameSpan, d), shiftSpan(fl.ValueSpan, d)
			c.Flags[i] = fl
		}
	}
	if in.Args != nil {
		c.Args = take(&slab.args, len(in.Args))
		for i, a := range in.Args {
			a.Span = shiftSpan(a.Span, d)
			c.Args[i] = a
		}
	}
	if in.Comments != nil {
		c.Comments = take(&slab.comments, len(in.Comments))
		for i, cm := range in.Comments {
			cm.Span = shiftSpan(cm.Span, d)
			c.Comments[i] = cm
		}
	}
	if in.VarRefs != nil {
		c.VarRefs = take(&slab.varrefs, len(in.VarRefs))
		for i, r := range in.VarRefs {
			r.Span, r.NameSpan = shiftSpan(r.Span, d), shiftSpan(r.NameSpan, d)
			c.VarRefs[i] = r
		}
	}
	if parent != nil {
		c.segs = parent.segs
		if in.Heredocs != nil {
			c.Heredocs = parent.Heredocs
		}
		return c
	}
	if in.segs != nil {
		c.segs = take(&slab.segs, len(in.segs))
		for i, s := range in.segs {
			s.src += d
			c.segs[i] = s
		}
	}
	if in.Heredocs != nil {
		c.Heredocs = make([]Heredoc, len(in.Heredocs))
		for i, h := range in.Heredocs {
			h.MarkerSpan, h.BodySpan, h.EndSpan = shiftSpan(h.MarkerSpan, d), shiftSpan(h.BodySpan, d), shiftSpan(h.EndSpan, d)
			c.Heredocs[i] = h
		}
	}
	return c
}

// moveSlab holds, in one allocation each, the instructions moved by one
// edit and their pieces: an edit early in a file moves every instruction
// after it, and allocating them one by one was most of the cost of moving.
type moveSlab struct {
	insts    []Instruction
	flags    []Flag
	args     []Arg
	comments []Comment
	varrefs  []VarRef
	segs     []segment
	derived  []derivedValue
}

func newMoveSlab(ins []*Instruction) *moveSlab {
	var n, flags, args, comments, refs, segs, derived int
	count := func(in *Instruction) {
		n++
		flags += len(in.Flags)
		args += len(in.Args)
		comments += len(in.Comments)
		refs += len(in.VarRefs)
		segs += len(in.segs)
		in.derivedMu.Lock()
		derived += in.movable(in.derived)
		in.derivedMu.Unlock()
	}
	for _, in := range ins {
		count(in)
		if in.Sub != nil {
			count(in.Sub)
		}
	}
	return &moveSlab{
		insts:    make([]Instruction, n),
		flags:    make([]Flag, 0, flags),
		args:     make([]Arg, 0, args),
		comments: make([]Comment, 0, comments),
		varrefs:  make([]VarRef, 0, refs),
		segs:     make([]segment, 0, segs),
		derived:  make([]derivedValue, 0, derived),
	}
}

// inst is the next instruction of the slab.
func (s *moveSlab) inst() *Instruction {
	c := &s.insts[0]
	s.insts = s.insts[1:]
	return c
}

// take returns the next n elements of a slab's pool, with no spare
// capacity, so that an append to them cannot reach the next instruction's.
func take[T any](pool *[]T, n int) []T {
	l := len(*pool)
	*pool = (*pool)[:l+n]
	return (*pool)[l : l+n : l+n]
}

// shiftSpan moves a span by d bytes; the zero span (no location) stays. No
// span of a moved instruction is at 0: it comes after another instruction.
func shiftSpan(s Span, d int) Span {
	if s.IsZero() {
		return s
	}
	return Span{s.Start + d, s.End + d}
}

// CommonAffixes returns the lengths of the longest common prefix of a and b
// and of the longest common suffix of what follows it: an edit turning a into
// b replaced a[pre:len(a)-suf] by b[pre:len(b)-suf].
func CommonAffixes(a, b []byte) (pre, suf int) {
	pre = commonPrefix(a, b)
	return pre, commonSuffix(a[pre:], b[pre:])
}

func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for _, step := range []int{4096, 256, 16} { // bytes.Equal is fast on long runs
		for i+step <= n && bytes.Equal(a[i:i+step], b[i:i+step]) {
			i += step
		}
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

func commonSuffix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for _, step := range []int{4096, 256, 16} {
		for i+step <= n && bytes.Equal(a[len(a)-i-step:len(a)-i], b[len(b)-i-step:len(b)-i]) {
			i += step
		}
	}
	for i < n && a[len(a)-1-i] == b[len(b)-1-i] {
		i++
	}
	return i
}

// edited is the index of text, an edit of x's text that kept its first pre
// bytes and, from offset newSuf of text on, its end (moved by delta bytes).
func (x *LineIndex) edited(text []byte, pre, newSuf, delta int) *LineIndex {
	// a line starts after a '\n': before pre, in the changed part, or in
	// the suffix
	keep := sort.Search(len(x.starts), func(i int) bool { return x.starts[i] > pre })
	oldSuf := newSuf - delta
	tail := sort.Search(len(x.starts), func(i int) bool { return x.starts[i] > oldSuf })
	starts := make([]int, keep, keep+(len(x.starts)-tail)+bytes.Count(text[pre:newSuf], []byte{'\n'}))
	copy(starts, x.starts[:keep])
	for i := pre; i < newSuf; {
		j := bytes.IndexByte(text[i:newSuf], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		starts = append(starts, i)
	}
	for _, s := range x.starts[tail:] {
		starts = append(starts, s+delta)
	}
	return &LineIndex{text: text, starts: starts}
}
