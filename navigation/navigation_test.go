package navigation

import (
	"bytes"
	"errors"
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

var update = flag.Bool("update", false, "rewrite the .want sections of testdata/navigation/*.txtar")

const marker = "⁁"

func pos(f *dockerfile.File, off int) string {
	p := f.Lines.Position(off)
	return fmt.Sprintf("%d:%d", p.Line, p.Character)
}

func rng(f *dockerfile.File, s dockerfile.Span) string {
	return fmt.Sprintf("%s-%s %q", pos(f, s.Start), pos(f, s.End), f.Slice(s))
}

// applyEdits applies non-overlapping edits to text.
func applyEdits(text []byte, edits []dockerfile.Edit) []byte {
	sorted := append([]dockerfile.Edit(nil), edits...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Span.Start > sorted[j].Span.Start })
	out := append([]byte(nil), text...)
	for _, e := range sorted {
		out = append(out[:e.Span.Start], append([]byte(e.NewText), out[e.Span.End:]...)...)
	}
	return out
}

// report runs every cursor feature at off and prints the results.
func report(f *dockerfile.File, off int, newName string) string {
	var b strings.Builder
	if d, ok := Definition(f, off); ok {
		fmt.Fprintf(&b, "definition: %s\n", rng(f, d))
	} else {
		b.WriteString("definition: none\n")
	}
	b.WriteString("references:\n")
	for _, o := range References(f, off, true) {
		fmt.Fprintf(&b, "  %s", rng(f, o.Span))
		if o.Decl {
			b.WriteString(" decl")
		}
		if o.Numeric {
			b.WriteString(" numeric")
		}
		b.WriteString("\n")
	}
	if h, ok := Hover(f, off); ok {
		fmt.Fprintf(&b, "hover %s:\n  %s\n", rng(f, h.Span), strings.ReplaceAll(h.Markdown, "\n", "\n  "))
	} else {
		b.WriteString("hover: none\n")
	}
	if span, name, err := PrepareRename(f, off); err != nil {
		fmt.Fprintf(&b, "prepareRename: error: %v\n", err)
	} else {
		fmt.Fprintf(&b, "prepareRename: %s placeholder %q\n", rng(f, span), name)
		edits, err := Rename(f, off, newName)
		if err != nil {
			fmt.Fprintf(&b, "rename %s: error: %v\n", newName, err)
		} else {
			fmt.Fprintf(&b, "rename %s:\n  %s\n", newName, strings.ReplaceAll(strings.TrimRight(string(applyEdits(f.Text, edits)), "\n"), "\n", "\n  "))
		}
	}
	return b.String()
}

// TestMarkers runs definition, references, hover and rename at the cursor
// marker of each `NAME.Dockerfile` in testdata/navigation/*.txtar (except
// symbols.txtar) and compares with `NAME.want`. A `NAME.rename` section
// holds the new name to try (default "renamed").
func TestMarkers(t *testing.T) {
	files, _ := filepath.Glob("../testdata/navigation/*.txtar")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, file := range files {
		golden(t, file, func(name string, src []byte, ar *txtar.Archive) string {
			i := bytes.Index(src, []byte(marker))
			if i < 0 {
				f := dockerfile.Parse(src)
				return outline(f)
			}
			text := append(append([]byte{}, src[:i]...), src[i+len(marker):]...)
			newName := "renamed"
			for _, fl := range ar.Files {
				if fl.Name == name+".rename" {
					newName = strings.TrimSpace(string(fl.Data))
				}
			}
			return report(dockerfile.Parse(text), i, newName)
		})
	}
}

func outline(f *dockerfile.File) string {
	var b strings.Builder
	var walk func(syms []Symbol, depth int)
	walk = func(syms []Symbol, depth int) {
		for _, s := range syms {
			fmt.Fprintf(&b, "%s%s [%s] %q %s sel %s\n", strings.Repeat("  ", depth), s.Name,
				[...]string{"stage", "variable", "instruction"}[s.Kind], s.Detail,
				pos(f, s.Span.Start)+"-"+pos(f, s.Span.End), pos(f, s.SelectionSpan.Start)+"-"+pos(f, s.SelectionSpan.End))
			walk(s.Children, depth+1)
		}
	}
	walk(DocumentSymbols(f), 0)
	b.WriteString("folding:\n")
	for _, fr := range FoldingRanges(f) {
		fmt.Fprintf(&b, "  %d-%d %s\n", fr.StartLine, fr.EndLine, [...]string{"region", "comment"}[fr.Kind])
	}
	return b.String()
}

func golden(t *testing.T, file string, run func(name string, src []byte, ar *txtar.Archive) string) {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	wants := map[string]string{}
	for _, fl := range ar.Files {
		if strings.HasSuffix(fl.Name, ".want") {
			wants[strings.TrimSuffix(fl.Name, ".want")] = string(fl.Data)
		}
	}
	changed := false
	var out []txtar.File
	for _, fl := range ar.Files {
		if strings.HasSuffix(fl.Name, ".want") {
			continue
		}
		out = append(out, fl)
		if !strings.HasSuffix(fl.Name, ".Dockerfile") {
			continue
		}
		name := strings.TrimSuffix(fl.Name, ".Dockerfile")
		got := run(name, fl.Data, ar)
		want, ok := wants[name]
		switch {
		case *update:
			changed = changed || !ok || want != got
		case !ok:
			t.Errorf("%s: %s has no .want (run with -update)", file, name)
		case want != got:
			t.Errorf("%s: %s:\n--- got\n%s--- want\n%s", filepath.Base(file), name, got, want)
		}
		out = append(out, txtar.File{Name: name + ".want", Data: []byte(got)})
	}
	if *update && changed {
		ar.Files = out
		if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRenameReparses checks that every accepted rename leaves a Dockerfile
// whose references still resolve to the renamed symbol.
func TestRenameReparses(t *testing.T) {
	src := "ARG V=1\nFROM golang:$V AS build\nARG V\nRUN echo ${V}\nFROM build AS test\nRUN echo $V\nFROM alpine\nCOPY --from=build /a /a\nRUN --mount=from=build,target=/x true\n"
	f := dockerfile.Parse([]byte(src))
	for _, tc := range []struct{ at, name string }{{"build /a", "compile"}, {"V\nRUN echo ${", "VERSION"}} {
		off := strings.Index(src, tc.at)
		edits, err := Rename(f, off, tc.name)
		if err != nil {
			t.Fatalf("rename at %q: %v", tc.at, err)
		}
		g := dockerfile.Parse(applyEdits(f.Text, edits))
		if len(g.Errors) != 0 {
			t.Errorf("rename to %s: parse errors %v", tc.name, g.Errors)
		}
		refs := References(g, bytes.Index(g.Text, []byte(tc.name)), true)
		if len(refs) != len(edits) {
			t.Errorf("rename to %s: %d edits but %d references afterwards", tc.name, len(edits), len(refs))
		}
	}
}

func TestRenameErrorsAreTyped(t *testing.T) {
	f := dockerfile.Parse([]byte("FROM a AS x\nFROM b AS y\nCOPY --from=x / /\n"))
	_, err := Rename(f, strings.Index(string(f.Text), "=x")+1, "y")
	var re *RenameError
	if !errors.As(err, &re) || !strings.Contains(re.Msg, "already used") {
		t.Fatalf("want a clash RenameError, got %v", err)
	}
}

func TestNoPanicEverywhere(t *testing.T) {
	inputs := []string{
		"",
		"FROM a AS b\nCOPY --from=b / /\nRUN --mount=from=b,target=/x \\\n  true\nFROM b\n",
		"ARG A=$A\nFROM ${A} AS 0\nENV B=${A:-x} C=$B\nRUN <<EOF\n$B ${C}\nEOF\n",
		"ONBUILD COPY --from=x / /\nFROM\nFROM AS\nCOPY --from= a b\n",
		"FROM é AS ü\nENV 😀=1 A=$😀\n",
	}
	for _, in := range inputs {
		f := dockerfile.Parse([]byte(in))
		DocumentSymbols(f)
		FoldingRanges(f)
		for off := -1; off <= len(in)+1; off++ {
			Definition(f, off)
			References(f, off, true)
			Hover(f, off)
			if _, _, err := PrepareRename(f, off); err == nil {
				Rename(f, off, "new")
				Rename(f, off, "9bad")
			}
		}
	}
}
