package dockerfile

import (
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// TestLineIndexRoundTrip checks, at every rune boundary of texts mixing CRLF,
// a BOM, tabs, emoji and CJK, that Offset(Position(off)) == off and that the
// UTF-16 column equals the UTF-16 length of the line's text before off.
func TestLineIndexRoundTrip(t *testing.T) {
	texts := []string{
		"",
		"FROM alpine\n",
		"\uFEFFFROM a\r\nRUN echo 🐳 日本\r\n\tCMD x",
		"a\n\n\nb",
		"🐳🐳\n🐳x\r\n",
		"no newline at end 語",
	}
	for _, text := range texts {
		x := NewLineIndex([]byte(text))
		lineStart := 0
		for off := 0; off <= len(text); {
			if off > 0 && off < len(text) && text[off-1] == '\r' && text[off] == '\n' {
				off++ // between CR and LF: not a position of its own
				continue
			}
			p := x.Position(off)
			if got, exact := x.Offset(p); got != off || !exact {
				t.Fatalf("%q: Offset(Position(%d)=%v) = %d, %v", text, off, p, got, exact)
			}
			if off > 0 && text[off-1] == '\n' {
				lineStart = off
			}
			want := len(utf16.Encode([]rune(text[lineStart:off])))
			if p.Character != want {
				t.Fatalf("%q: column at %d = %d, want %d", text, off, p.Character, want)
			}
			if off == len(text) {
				break
			}
			_, size := utf8.DecodeRuneInString(text[off:])
			off += size
		}
	}
}

func TestLineIndexClamping(t *testing.T) {
	x := NewLineIndex([]byte("ab\r\n🐳c\n"))
	cases := []struct {
		p     Position
		want  int
		exact bool
	}{
		{Position{0, 2}, 2, true},
		{Position{0, 99}, 2, false}, // past the end of the line: before the CRLF
		{Position{1, 1}, 4, false},  // inside the surrogate pair: start of the emoji
		{Position{1, 2}, 8, true},   // after the emoji (4 bytes)
		{Position{7, 0}, 10, false}, // past the last line: end of text
		{Position{-1, 0}, 0, false}, // negative line
		{Position{1, -3}, 4, false}, // negative column
		{Position{2, 0}, 10, true},  // the empty last line
	}
	for _, c := range cases {
		got, exact := x.Offset(c.p)
		if got != c.want || exact != c.exact {
			t.Errorf("Offset(%v) = %d, %v; want %d, %v", c.p, got, exact, c.want, c.exact)
		}
	}
	if l, c := x.LineCol(8); l != 2 || c != 2 {
		t.Errorf("LineCol(8) = %d:%d, want 2:2", l, c)
	}
}

// TestTooLongLine: a physical line over BuildKit's limit is an error on that
// instruction only.
func TestTooLongLine(t *testing.T) {
	long := make([]byte, MaxLineBytes+10)
	for i := range long {
		long[i] = 'a'
	}
	src := "FROM alpine\nRUN echo " + string(long) + "\nUSER nobody\n"
	f := Parse([]byte(src))
	if len(f.Instructions) != 3 {
		t.Fatalf("got %d instructions", len(f.Instructions))
	}
	if f.Instructions[1].Err == nil {
		t.Fatal("long line not reported")
	}
	if f.Instructions[0].Command == nil || f.Instructions[2].Command == nil {
		t.Fatal("the other instructions lost their BuildKit commands")
	}
	if len(f.Errors) != 1 {
		t.Fatalf("errors: %v", f.Errors)
	}
}

// TestDerivedNested: a derived value may be computed from another one of the
// same instruction (RunInstalls from RunCommands) without deadlocking, and
// each is computed once.
func TestDerivedNested(t *testing.T) {
	in := &Instruction{}
	type a struct{}
	type b struct{}
	calls := 0
	inner := func() any { return in.Derived(a{}, func() any { calls++; return 1 }) }
	if got := in.Derived(b{}, func() any { return inner().(int) + 1 }); got != 2 {
		t.Fatalf("got %v", got)
	}
	if got := in.Derived(a{}, func() any { calls++; return 99 }); got != 1 || calls != 1 {
		t.Fatalf("got %v after %d computations", got, calls)
	}
}
