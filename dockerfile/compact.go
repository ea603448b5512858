package dockerfile

import (
	"bytes"
	"strings"
)

// BuildKit's parser runs a backtracking regular expression over every physical
// line (the line-continuation test), which costs a few hundred nanoseconds per
// byte: on long RUN scripts it dominated the whole pipeline. No part of
// BuildKit's parse, typed instructions or build checks reads the command text
// of a shell-form RUN (only its flags, which a RUN's Expand handles, and its
// heredocs), so msls hands BuildKit a compact copy of the file in which that
// text is a one-letter placeholder, with the line structure kept exactly: the
// line numbers BuildKit reports are the file's own. The model then puts the
// real command text back into the node (see restoreRun). A corpus test checks
// both the nodes and BuildKit's build checks against a parse of the full text.

// placeholder stands in for a compacted RUN's command text.
const placeholder = "x"

// compactable reports whether BuildKit's view of the instruction does not
// depend on its command text.
func compactable(f *File, in *Instruction) bool {
	if in.Keyword != "RUN" || in.JSON || len(in.Heredocs) > 0 || in.ArgsText == "" || in.Err != nil {
		return false
	}
	head := in.KeywordSpan.End
	if n := len(in.Flags); n > 0 {
		head = in.Flags[n-1].Span.End
	}
	// the keyword and every flag on the first line, the command after them
	return head <= f.Lines.LineEnd(in.StartLine) && in.ArgsSpan.Start >= head
}

// BuildKitText returns the text to give BuildKit's parser and linter: the
// file with the command text of shell-form RUN instructions replaced by a
// placeholder, line for line, and every line for which drop returns true
// emptied (drop may be nil). Line breaks are normalised to "\n".
func (f *File) BuildKitText(drop func(line int) bool) []byte {
	return f.buildKitText(0, f.Lines.LineCount(), 0, drop, nil, nil)
}

// LintText is BuildKitText for BuildKit's build checks, which also ignore the
// text of comments: every comment line becomes "#c" except `# check=...`
// lines (per-instruction check settings) and empty ones (which end a comment
// block). So typing in a comment, like typing in a RUN script, leaves the
// text the checks see unchanged, and their cached results stand. When the
// file enables experimental checks (one of which reads comments above ARG
// and FROM) comments are kept as written.
func (f *File) LintText(drop func(line int) bool) []byte {
	return f.LintTextStubbed(drop, nil)
}

// LintTextStubbed is LintText where a dropped line with an entry in stub
// gets that text instead of nothing (msls stands a valid FROM in for one
// BuildKit rejects, so that the stage keeps its place).
// LintInput is the text BuildKit's build checks get:
// LintTextStubbed(LintBadLines()), computed once per File. It must not be
// modified.
func (f *File) LintInput() []byte {
	f.lintOnce.Do(func() {
		text, ok := f.splicedLintInput()
		if !ok {
			text = f.LintTextStubbed(f.LintBadLines())
		}
		f.lintSplice = nil
		f.lintInput.Store(&text)
	})
	return *f.lintInput.Load()
}

// lintSplice is a version's lint input made ahead: the previous version's
// with the edited line replaced (see PredictLintInput), which LintInput takes
// when the parse shows that nothing else can differ.
type lintSplice struct {
	text []byte
	line int
	// insts is the previous version's instructions as (start line, end
	// line, in error): what decides every other line of the lint input
	insts []instShape
}

type instShape struct {
	start, end int
	bad        bool
}

// verbatim reports whether in is one line that the lint input has as
// written: no error (no emptied lines, no stub) and no compacted RUN.
func verbatim(f *File, in *Instruction) bool {
	return in.StartLine == in.EndLine && in.Err == nil && !compactable(f, in)
}

// PredictLintInput returns the lint input (LintInput) of the version made
// from prev by an edit into text, when prev's has been made and the edit
// stays inside one line of a single-line instruction, in, that prev's lint
// input has as written: prev's, with that line replaced. The version has it
// when that line is still such an instruction and no instruction changed
// lines or error state (LintInput checks this before taking it).
func PredictLintInput(prev *File, text []byte) (lint []byte, in *Instruction, ok bool) {
	pre, suf := CommonAffixes(prev.Text, text)
	return predictLintInput(prev, text, pre, suf)
}

func predictLintInput(prev *File, text []byte, pre, suf int) ([]byte, *Instruction, bool) {
	pl := prev.lintInput.Load()
	oldEnd, newEnd := len(prev.Text)-suf, len(text)-suf
	if pl == nil || (oldEnd == pre && newEnd == pre) {
		return nil, nil, false
	}
	line := prev.Lines.Line(pre)
	ls, le := prev.Lines.LineStart(line), prev.Lines.LineEnd(line)
	if oldEnd > le || bytes.ContainsAny(text[pre:newEnd], "\r\n") {
		return nil, nil, false // more than one line changes
	}
	in := prev.InstructionAt(pre)
	if in == nil || in.StartLine != line || !verbatim(prev, in) {
		return nil, nil, false
	}
	from, to, ok := lineBounds(*pl, line)
	if !ok {
		return nil, nil, false
	}
	newLine := text[ls : le+newEnd-oldEnd]
	out := make([]byte, 0, len(*pl)+len(newLine)-(to-from))
	out = append(out, (*pl)[:from]...)
	out = append(out, newLine...)
	return append(out, (*pl)[to:]...), in, true
}

// prepareLintSplice predicts, while parsing a version from prev, its lint
// input (see PredictLintInput).
func (f *File) prepareLintSplice(prev *File, pre, suf int) {
	lint, in, ok := predictLintInput(prev, f.Text, pre, suf)
	if !ok {
		return
	}
	insts := make([]instShape, len(prev.Instructions))
	for i, in := range prev.Instructions {
		insts[i] = instShape{in.StartLine, in.EndLine, in.Err != nil}
	}
	f.lintSplice = &lintSplice{text: lint, line: in.StartLine, insts: insts}
}

// splicedLintInput is the predicted lint input, when nothing but the edited
// line can differ from the previous version's: the same instructions on the
// same lines, in error or not alike, and the edited one still one line that
// BuildKit's checks see as written. (Comments, directives and the lines
// between instructions are text the edit did not touch.)
func (f *File) splicedLintInput() ([]byte, bool) {
	sp := f.lintSplice
	if sp == nil || len(sp.insts) != len(f.Instructions) {
		return nil, false
	}
	edited := false
	for i, in := range f.Instructions {
		if s := sp.insts[i]; s.start != in.StartLine || s.end != in.EndLine || s.bad != (in.Err != nil) {
			return nil, false
		}
		if in.StartLine == sp.line {
			if !verbatim(f, in) {
				return nil, false
			}
			edited = true
		}
	}
	return sp.text, edited
}

// lineBounds finds line (0-based) of text, lines ending in '\n'.
func lineBounds(text []byte, line int) (from, to int, ok bool) {
	for ; line > 0; line-- {
		i := bytes.IndexByte(text[from:], '\n')
		if i < 0 {
			return 0, 0, false
		}
		from += i + 1
	}
	to = len(text)
	if i := bytes.IndexByte(text[from:], '\n'); i >= 0 {
		to = from + i
	}
	return from, to, true
}

func (f *File) LintTextStubbed(drop func(line int) bool, stub map[int]string) []byte {
	return f.buildKitText(0, f.Lines.LineCount(), 0, drop, f.lintNeutral(), stub)
}

// lintNeutral is the set of comment lines LintText writes as "#c" (nil when
// the file enables experimental checks).
func (f *File) lintNeutral() map[int]bool {
	if d, ok := f.Directive("check"); ok && strings.Contains(strings.ToLower(d.Value), "experimental") {
		return nil
	}
	neutral := make(map[int]bool, len(f.Comments))
	for _, c := range f.Comments {
		t := strings.ToLower(c.Text)
		if t != "" && t != "c" && !strings.HasPrefix(t, "check") {
			neutral[f.Lines.Line(c.Span.Start)] = true
		}
	}
	return neutral
}

// buildKitText is BuildKitText for the lines [from, to); next is the index of
// the first instruction that may start at or after from.
func (f *File) buildKitText(from, to, next int, drop func(line int) bool, neutral map[int]bool, stub map[int]string) []byte {
	var b bytes.Buffer
	b.Grow(int(f.Lines.LineStart(to)-f.Lines.LineStart(from)) / 2)
	esc := byte(f.EscapeToken)
	n := to
	for line := from; line < n; {
		for next < len(f.Instructions) && f.Instructions[next].EndLine < line {
			next++
		}
		if next < len(f.Instructions) {
			in := f.Instructions[next]
			if in.StartLine == line && compactable(f, in) {
				line = f.writeCompact(&b, in, esc, drop)
				continue
			}
		}
		f.writeLintLine(&b, line, drop, neutral, stub)
		line++
		if line < n {
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// writeLintLine writes line as buildKitText does outside a compacted RUN.
func (f *File) writeLintLine(b *bytes.Buffer, line int, drop func(line int) bool, neutral map[int]bool, stub map[int]string) {
	switch {
	case drop != nil && drop(line):
		b.WriteString(stub[line])
	case neutral[line]:
		b.WriteString("#c")
	default:
		b.Write(f.Text[f.Lines.LineStart(line):f.Lines.LineEnd(line)])
	}
}

// writeCompact writes the compact form of a RUN and returns the line after it.
func (f *File) writeCompact(b *bytes.Buffer, in *Instruction, esc byte, drop func(int) bool) int {
	n := f.Lines.LineCount()
	head := in.KeywordSpan.End
	if k := len(in.Flags); k > 0 {
		head = in.Flags[k-1].Span.End
	}
	for line := in.StartLine; line <= in.EndLine; line++ {
		if drop == nil || !drop(line) {
			start, end := f.Lines.LineStart(line), f.Lines.LineEnd(line)
			switch {
			case line == in.StartLine:
				b.Write(f.Text[start:head])
				b.WriteString(" " + placeholder)
				if in.EndLine > line {
					b.WriteByte(' ')
					b.WriteByte(esc)
				}
			default:
				i := skipSpace(f.Text, start, end)
				switch {
				case i == end: // an empty continuation line stays empty (NoEmptyContinuation)
				case f.Text[i] == '#':
					b.WriteByte('#')
				default:
					b.WriteString(placeholder)
					if line < in.EndLine {
						b.WriteByte(' ')
						b.WriteByte(esc)
					}
				}
			}
		}
		if line+1 < n {
			b.WriteByte('\n')
		}
	}
	return in.EndLine + 1
}
