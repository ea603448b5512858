package completion

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/msls-dev/msls/dockerfile"
)

var update = flag.Bool("update", false, "rewrite the .want sections of testdata/completion/*.txtar")

// Marker is the cursor written inside fixtures.
const Marker = "⁁"

// splitMarker removes the single cursor marker from src and returns the
// text and the cursor's byte offset.
func splitMarker(t *testing.T, name string, src []byte) ([]byte, int) {
	t.Helper()
	i := bytes.Index(src, []byte(Marker))
	if i < 0 || bytes.Count(src, []byte(Marker)) != 1 {
		t.Fatalf("%s: want exactly one cursor marker %s", name, Marker)
	}
	return append(append([]byte{}, src[:i]...), src[i+len(Marker):]...), i
}

func pos(f *dockerfile.File, off int) string {
	p := f.Lines.Position(off)
	return fmt.Sprintf("%d:%d", p.Line, p.Character)
}

func rng(f *dockerfile.File, s dockerfile.Span) string { return pos(f, s.Start) + "-" + pos(f, s.End) }

// render prints the items one per line, in order: label, kind, detail, the
// edit as a UTF-16 range and its text, then the extras.
func render(f *dockerfile.File, items []Item) string {
	var b strings.Builder
	if len(items) == 0 {
		b.WriteString("(none)\n")
	}
	for _, it := range items {
		fmt.Fprintf(&b, "%s\t%s\t%q\t%s %q", it.Label, it.Kind, it.Detail, rng(f, it.Edit.Span), it.Edit.NewText)
		for _, e := range it.AdditionalEdits {
			fmt.Fprintf(&b, " +%s %q", rng(f, e.Span), e.NewText)
		}
		if it.Snippet {
			b.WriteString(" snippet")
		}
		if it.Retrigger {
			b.WriteString(" retrigger")
		}
		if it.Deprecated {
			b.WriteString(" deprecated")
		}
		if it.FilterText != "" && it.FilterText != it.Edit.NewText {
			fmt.Fprintf(&b, " filter=%q", it.FilterText)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestMarkers runs every `NAME.Dockerfile` of testdata/completion/*.txtar
// with the cursor at its marker and compares with `NAME.want`. An archive
// whose comment contains "options: snippets" completes for a snippet-capable client.
func TestMarkers(t *testing.T) {
	files, err := filepath.Glob("../testdata/completion/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		opt := Options{Snippets: bytes.Contains(ar.Comment, []byte("options: snippets"))}
		wants := map[string]int{}
		for i, fl := range ar.Files {
			if strings.HasSuffix(fl.Name, ".want") {
				wants[strings.TrimSuffix(fl.Name, ".want")] = i
			}
		}
		changed := false
		var out []txtar.File
		for _, fl := range ar.Files {
			if !strings.HasSuffix(fl.Name, ".Dockerfile") {
				continue
			}
			name := strings.TrimSuffix(fl.Name, ".Dockerfile")
			text, off := splitMarker(t, file+":"+fl.Name, fl.Data)
			f := dockerfile.Parse(text)
			got := render(f, Complete(f, off, opt))
			checkEdits(t, file+":"+name, f, Complete(f, off, opt))
			wi, ok := wants[name]
			switch {
			case *update:
				changed = changed || !ok || string(ar.Files[wi].Data) != got
			case !ok:
				t.Errorf("%s: %s has no .want section (run with -update)", file, name)
			case string(ar.Files[wi].Data) != got:
				t.Errorf("%s: %s:\n--- got\n%s--- want\n%s", filepath.Base(file), name, got, ar.Files[wi].Data)
			}
			out = append(out, fl, txtar.File{Name: name + ".want", Data: []byte(got)})
		}
		if *update && changed {
			ar.Files = out
			if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// checkEdits asserts the invariants every client relies on: the main edit
// is on the cursor's line and contains the cursor, and no edit overlaps
// another.
func checkEdits(t *testing.T, name string, f *dockerfile.File, items []Item) {
	t.Helper()
	for _, it := range items {
		e := it.Edit.Span
		if e.Start > e.End || f.Lines.Line(e.Start) != f.Lines.Line(e.End) {
			t.Errorf("%s: %s: edit %v is not a single-line range", name, it.Label, e)
		}
		spans := []dockerfile.Span{e}
		for _, a := range it.AdditionalEdits {
			spans = append(spans, a.Span)
		}
		sort.Slice(spans, func(i, j int) bool { return spans[i].Start < spans[j].Start })
		for i := 1; i < len(spans); i++ {
			if spans[i].Start < spans[i-1].End {
				t.Errorf("%s: %s: overlapping edits %v", name, it.Label, spans)
			}
		}
	}
}

// TestCursorInsideEdit checks on every fixture that the main edit range
// contains the cursor, as LSP requires.
func TestCursorInsideEdit(t *testing.T) {
	files, _ := filepath.Glob("../testdata/completion/*.txtar")
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, fl := range ar.Files {
			if !strings.HasSuffix(fl.Name, ".Dockerfile") {
				continue
			}
			text, off := splitMarker(t, fl.Name, fl.Data)
			f := dockerfile.Parse(text)
			for _, it := range Complete(f, off, Options{Snippets: true}) {
				if off < it.Edit.Span.Start || off > it.Edit.Span.End {
					t.Errorf("%s:%s: %s: edit %v does not contain the cursor %d", file, fl.Name, it.Label, it.Edit.Span, off)
				}
			}
		}
	}
}

// TestNoPanicEverywhere completes at every offset of tricky inputs.
func TestNoPanicEverywhere(t *testing.T) {
	inputs := []string{
		"",
		"\uFEFF# syntax=docker/dockerfile:1\nFROM a AS b\n",
		"FROM golang AS build\nRUN --mount=type=cache,target=/root/.cache,from=build \\\n  go build\nCOPY --from=",
		"FROM a\nRUN <<EOF\n$HO\nEOF\nRUN <<-'X'\n\t${\n",
		"ONBUILD\nONBUILD C\nFROM --platform=$\n${\n$",
		"# escape=`\nFROM a AS b\nRUN echo `\n  $A `\n\nCOPY --fr",
		"FROM é AS ü\nENV 😀=1 A=$😀\nCOPY --from=ü x y\n",
		"ARG A=${B\nFROM ${A AS\nARG\nENV A\n",
		"\r\nFROM a\r\nCOPY --chown=a:b --from=\r\n",
		"FROM a\r\n\r\nRUN x\r\n",
		// A line holding only the escape starts the instruction before its keyword.
		"# escape=`\nFROM a\nRUN a `\n    b\n    `\n    # c\n    && d\n",
	}
	for _, in := range inputs {
		f := dockerfile.Parse([]byte(in))
		for off := -1; off <= len(in)+1; off++ {
			for _, snippets := range []bool{false, true} {
				for _, it := range Complete(f, off, Options{Snippets: snippets}) {
					if it.Edit.Span.Start < 0 || it.Edit.Span.End > len(in) || it.Edit.Span.Start > it.Edit.Span.End {
						t.Errorf("%q at %d: %s: edit %v outside the text", in, off, it.Label, it.Edit.Span)
					}
				}
			}
		}
	}
}

func BenchmarkComplete200Lines(b *testing.B) {
	text, err := os.ReadFile("../testdata/bench/multistage-198.Dockerfile")
	if err != nil {
		b.Skip("bench fixture missing:", err)
	}
	// Complete at the last `COPY --from=` value, the heaviest context
	// (stage list), after a fresh parse as the server does per version.
	i := bytes.LastIndex(text, []byte("COPY --from="))
	if i < 0 {
		b.Fatal("fixture has no COPY --from=")
	}
	off := i + len("COPY --from=")
	b.Run("complete", func(b *testing.B) {
		f := dockerfile.Parse(text)
		b.ReportAllocs()
		for b.Loop() {
			if len(Complete(f, off, Options{Snippets: true})) == 0 {
				b.Fatal("no items")
			}
		}
	})
	b.Run("parse+complete", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			f := dockerfile.Parse(text)
			if len(Complete(f, off, Options{Snippets: true})) == 0 {
				b.Fatal("no items")
			}
		}
	})
}
