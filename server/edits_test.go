package server

import (
	"bytes"
	"fmt"
	"math/rand"
	"runtime"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/msls-dev/msls/dockerfile"
)

// applyChangesOneByOne is the specification of applyChanges (and was its
// implementation): resolve each change against the whole text left by the
// one before, through a fresh line index.
func applyChangesOneByOne(text []byte, changes []contentChange) []byte {
	for _, c := range changes {
		if c.Range == nil {
			text = []byte(c.Text)
			continue
		}
		lines := dockerfile.NewLineIndex(text)
		start, _ := lines.Offset(dockerfile.Position{Line: int(c.Range.Start.Line), Character: int(c.Range.Start.Character)})
		end, _ := lines.Offset(dockerfile.Position{Line: int(c.Range.End.Line), Character: int(c.Range.End.Character)})
		if end < start {
			start, end = end, start
		}
		next := make([]byte, 0, len(text)-(end-start)+len(c.Text))
		next = append(next, text[:start]...)
		next = append(next, c.Text...)
		next = append(next, text[end:]...)
		text = next
	}
	return text
}

// Random batches of changes (multi-byte and astral characters, CRLF, lone
// CR, positions past the ends, reversed ranges, full-text changes between)
// give the same text as applying them one by one, with blocks small enough
// that changes split and merge them.
func TestApplyChangesMatchesOneByOne(t *testing.T) {
	defer func(n int) { editBlockLines = n }(editBlockLines)
	alphabet := []string{"a", "b", "\n", "\r\n", "\r", "é", "😀", "RUN x\n", "\n\n\n"}
	rnd := rand.New(rand.NewSource(1))
	randText := func(n int) string {
		var sb strings.Builder
		for range n {
			sb.WriteString(alphabet[rnd.Intn(len(alphabet))])
		}
		return sb.String()
	}
	rounds := 3000
	if testing.Short() {
		rounds = 500
	}
	for round := range rounds {
		editBlockLines = 1 + rnd.Intn(6)
		text := []byte(randText(rnd.Intn(60)))
		orig := bytes.Clone(text)
		var changes []contentChange
		for range 1 + rnd.Intn(12) {
			if rnd.Intn(15) == 0 {
				changes = append(changes, contentChange{Text: randText(rnd.Intn(20))})
				continue
			}
			lines := uint32(bytes.Count(text, []byte{'\n'}) + 2)
			pos := func() protocol.Position {
				return protocol.Position{Line: uint32(rnd.Intn(int(lines) + 1)), Character: uint32(rnd.Intn(8))}
			}
			changes = append(changes, contentChange{Range: &protocol.Range{Start: pos(), End: pos()}, Text: randText(rnd.Intn(8))})
		}
		want := applyChangesOneByOne(text, changes)
		got := applyChanges(text, changes)
		if !bytes.Equal(got, want) {
			t.Fatalf("round %d (blocks of %d): text %q, changes %s:\ngot  %q\nwant %q", round, editBlockLines, orig, fmtChanges(changes), got, want)
		}
		if !bytes.Equal(text, orig) {
			t.Fatalf("round %d: the original text was modified", round)
		}
	}
}

func fmtChanges(cs []contentChange) string {
	var sb strings.Builder
	for _, c := range cs {
		if c.Range == nil {
			fmt.Fprintf(&sb, "[full %q]", c.Text)
			continue
		}
		fmt.Fprintf(&sb, "[%d:%d-%d:%d %q]", c.Range.Start.Line, c.Range.Start.Character, c.Range.End.Line, c.Range.End.Character, c.Text)
	}
	return sb.String()
}

// manyChanges is a multi-cursor edit: one insertion at the start of each of
// n lines of a document of n lines, last line first (as VS Code sends them),
// then first line first.
func manyChanges(n int) (text []byte, changes []contentChange) {
	var sb strings.Builder
	for i := range n {
		fmt.Fprintf(&sb, "RUN echo line %d && apt-get install -y package-%d\n", i, i)
	}
	for i := n - 1; i >= 0; i-- {
		p := protocol.Position{Line: uint32(i)}
		changes = append(changes, contentChange{Range: &protocol.Range{Start: p, End: p}, Text: "# "})
	}
	for i := n - 1; i >= 0; i-- {
		p := protocol.Position{Line: uint32(i), Character: 2}
		changes = append(changes, contentChange{Range: &protocol.Range{Start: p, End: p}, Text: "x\n"})
	}
	return []byte(sb.String()), changes
}

// Issue 16 item 11: 5,000 changes in one didChange were applied one by one,
// each rebuilding the line index and copying the text (63 s on the read
// loop). Applied in one pass, the work is linear: the bytes allocated stay
// within a small multiple of the text and the changes, where one by one
// they are changes × text. (Bytes, not seconds: the machine's speed does
// not make this pass or fail.)
func TestApplyManyChangesLinear(t *testing.T) {
	const n = 5000
	text, changes := manyChanges(n)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	got := applyChanges(text, changes)
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc
	if limit := uint64(50 * len(text)); allocated > limit {
		t.Errorf("applying %d changes to %d bytes allocated %d bytes (limit %d): not linear", len(changes), len(text), allocated, limit)
	}
	// every line got "# " then "x\n" after it
	want := bytes.ReplaceAll(text, []byte("RUN echo"), []byte("# x\nRUN echo"))
	if !bytes.Equal(got, want) {
		t.Fatalf("wrong text: %.200q", got)
	}
}

func BenchmarkApplyManyChanges(b *testing.B) {
	text, changes := manyChanges(5000)
	b.ReportAllocs()
	for b.Loop() {
		applyChanges(text, changes)
	}
}

// BenchmarkApplyManyChangesOneByOne is the old way, for comparison.
func BenchmarkApplyManyChangesOneByOne(b *testing.B) {
	text, changes := manyChanges(5000)
	b.ReportAllocs()
	for b.Loop() {
		applyChangesOneByOne(text, changes)
	}
}
