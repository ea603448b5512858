package dockerfile

import "bytes"

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
const placeholder = CompactPlaceholder

// CompactPlaceholder is the text BuildKitText writes for a compacted RUN's
// command.
const CompactPlaceholder = "x"

// Compacted reports whether BuildKitText writes in's command text as the
// placeholder.
func (f *File) Compacted(in *Instruction) bool { return compactable(f, in) }

// CompactInstruction returns BuildKitText's lines for in, a compacted
// instruction (each line but the file's last followed by "\n").
func (f *File) CompactInstruction(in *Instruction) []byte {
	var b bytes.Buffer
	f.writeCompact(&b, in, byte(f.EscapeToken))
	return b.Bytes()
}

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

// BuildKitText returns the text to give BuildKit: the file with the command
// text of shell-form RUN instructions replaced by a placeholder, line for
// line, and line breaks normalised to "\n". Outside those RUNs, a line for
// which override (which may be nil) returns true is written as the text it
// returns instead (the lint input empties bad lines and neutralises
// comments this way; see diagnostics).
func (f *File) BuildKitText(override func(line int) (string, bool)) []byte {
	return f.buildKitText(0, f.Lines.LineCount(), 0, override)
}

// buildKitText is BuildKitText for the lines [from, to); next is the index of
// the first instruction that may start at or after from.
func (f *File) buildKitText(from, to, next int, override func(line int) (string, bool)) []byte {
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
				line = f.writeCompact(&b, in, esc)
				continue
			}
		}
		t, ok := "", false
		if override != nil {
			t, ok = override(line)
		}
		if ok {
			b.WriteString(t)
		} else {
			b.Write(f.Text[f.Lines.LineStart(line):f.Lines.LineEnd(line)])
		}
		line++
		if line < n {
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// writeCompact writes the compact form of a RUN and returns the line after it.
func (f *File) writeCompact(b *bytes.Buffer, in *Instruction, esc byte) int {
	n := f.Lines.LineCount()
	head := in.KeywordSpan.End
	if k := len(in.Flags); k > 0 {
		head = in.Flags[k-1].Span.End
	}
	for line := in.StartLine; line <= in.EndLine; line++ {
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
		if line+1 < n {
			b.WriteByte('\n')
		}
	}
	return in.EndLine + 1
}
