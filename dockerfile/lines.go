package dockerfile

import (
	"bytes"
	"sort"
	"unicode/utf8"
)

// Position is a zero-based line and a column counted in UTF-16 code units, as
// LSP wants by default.
type Position struct {
	Line      int
	Character int
}

// LineIndex converts between byte offsets and line/column positions. Lines end
// at '\n'; a '\r' before it belongs to the line break, not to the line.
type LineIndex struct {
	text   []byte
	starts []int // byte offset of the start of each line
}

// NewLineIndex indexes text. The index keeps a reference to text.
func NewLineIndex(text []byte) *LineIndex {
	starts := make([]int, 1, 1+bytes.Count(text, []byte{'\n'}))
	for i := 0; ; {
		j := bytes.IndexByte(text[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		starts = append(starts, i)
	}
	return &LineIndex{text: text, starts: starts}
}

// LineCount is the number of lines (a trailing newline starts an empty last line).
func (x *LineIndex) LineCount() int { return len(x.starts) }

// LineStart is the byte offset where line begins (clamped).
func (x *LineIndex) LineStart(line int) int {
	if line < 0 {
		return 0
	}
	if line >= len(x.starts) {
		return len(x.text)
	}
	return x.starts[line]
}

// LineEnd is the offset of the end of the line's content: before "\n" or "\r\n".
func (x *LineIndex) LineEnd(line int) int {
	if line < 0 {
		line = 0
	}
	if line >= len(x.starts) {
		return len(x.text)
	}
	end := len(x.text)
	if line+1 < len(x.starts) {
		end = x.starts[line+1] - 1 // the '\n'
		if end > x.starts[line] && x.text[end-1] == '\r' {
			end--
		}
	}
	return end
}

// Line returns the 0-based line containing off.
func (x *LineIndex) Line(off int) int {
	off = clamp(off, 0, len(x.text))
	return sort.Search(len(x.starts), func(i int) bool { return x.starts[i] > off }) - 1
}

// Position converts a byte offset to a line and UTF-16 column. An offset inside
// a multi-byte character maps to the start of that character.
func (x *LineIndex) Position(off int) Position {
	off = clamp(off, 0, len(x.text))
	line := x.Line(off)
	if end := x.LineEnd(line); off > end {
		off = end // inside a CRLF line break
	}
	col := 0
	for i := x.starts[line]; i < off; {
		r, size := utf8.DecodeRune(x.text[i:])
		if i+size > off {
			break
		}
		if r >= 0x10000 {
			col += 2
		} else {
			col++
		}
		i += size
	}
	return Position{Line: line, Character: col}
}

// Offset converts a line and UTF-16 column to a byte offset. Out-of-range
// positions are clamped: a line past the end means the end of the text, a
// column past the end of its line means the end of that line (as the LSP
// specification asks). A column that falls inside a surrogate pair maps to the
// start of that character. The second result is false when clamping happened.
func (x *LineIndex) Offset(p Position) (int, bool) {
	if p.Line < 0 {
		return 0, false
	}
	if p.Line >= len(x.starts) {
		return len(x.text), false
	}
	i, end := x.starts[p.Line], x.LineEnd(p.Line)
	if p.Character < 0 {
		return i, false
	}
	col := 0
	for i < end {
		if col >= p.Character {
			return i, col == p.Character
		}
		r, size := utf8.DecodeRune(x.text[i:])
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if col+w > p.Character {
			return i, false
		}
		col += w
		i += size
	}
	return end, col == p.Character
}

// LineCol returns the 1-based line and the 1-based column counted in Unicode
// characters, for command-line output. A leading byte-order mark is not counted.
func (x *LineIndex) LineCol(off int) (line, col int) {
	off = clamp(off, 0, len(x.text))
	l := x.Line(off)
	start := x.starts[l]
	if l == 0 && len(x.text) >= 3 && x.text[0] == 0xEF && x.text[1] == 0xBB && x.text[2] == 0xBF && off >= 3 {
		start = 3
	}
	return l + 1, utf8.RuneCount(x.text[start:off]) + 1
}
