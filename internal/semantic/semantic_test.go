package semantic

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/corpustest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.tokens")

// listing renders tokens one per line: line:col(UTF-16) type[+mods] "text".
func listing(f *dockerfile.File, toks []Token) string {
	var b strings.Builder
	for _, t := range toks {
		pos := f.Lines.Position(t.Span.Start)
		name := TokenTypes[t.Type]
		for i, m := range TokenModifiers {
			if t.Mods&(1<<i) != 0 {
				name += "+" + m
			}
		}
		fmt.Fprintf(&b, "%d:%d %s %q\n", pos.Line+1, pos.Character, name, f.Slice(t.Span))
	}
	return b.String()
}

// Golden listings: testdata/<name>.Dockerfile and its <name>.tokens.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.Dockerfile")
	if len(files) == 0 {
		t.Fatal("no golden cases")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f := dockerfile.Parse(src)
			got := listing(f, Tokens(f))
			golden := strings.TrimSuffix(path, ".Dockerfile") + ".tokens"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("tokens differ (run with -update to accept):\ngot:\n%s", got)
			}
			checkInvariants(t, path, f)
		})
	}
}

func TestUTF16Columns(t *testing.T) {
	src := "FROM alpine AS bâtiment\nRUN echo \"héllo 😀\" $VAR && echo 😀${NAME}\n"
	f := dockerfile.Parse([]byte(src))
	data := Encode(f, Tokens(f), nil)
	type tok struct{ line, col, length int }
	var got []tok
	line, col := 0, 0
	for i := 0; i+4 < len(data); i += 5 {
		if data[i] != 0 {
			col = 0
		}
		line += int(data[i])
		col += int(data[i+1])
		got = append(got, tok{line, col, int(data[i+2])})
	}
	// "😀" is two UTF-16 code units, "é" and "â" one each.
	want := map[string]tok{
		"bâtiment":  {0, 15, 8},
		`"héllo 😀"`: {1, 9, 10},
		"$VAR":      {1, 20, 4},
		"${NAME}":   {1, 35, 7},
	}
	for text, w := range want {
		found := false
		for _, g := range got {
			if g == w {
				found = true
			}
		}
		if !found {
			t.Errorf("no token for %q at %+v; got %+v", text, w, got)
		}
	}
	checkInvariants(t, "utf16", f)
}

func TestRangeEncoding(t *testing.T) {
	src := "FROM a AS b\nRUN echo $X\nCOPY --from=b /x /y\n"
	f := dockerfile.Parse([]byte(src))
	toks := Tokens(f)
	line1 := Span{Start: f.Lines.LineStart(1), End: f.Lines.LineEnd(1)}
	data := Encode(f, toks, &line1)
	if len(data) != 10 { // RUN, $X
		t.Fatalf("range tokens = %v, want 2 tokens", data)
	}
	if data[0] != 1 || data[1] != 0 || data[3] != uint32(Keyword) {
		t.Errorf("first token in range = %v, want RUN at 1:0", data[:5])
	}
}

func TestNoTokensInQuotedHeredoc(t *testing.T) {
	src := "FROM a\nRUN <<'EOF'\necho $HOME\n# c\nEOF\nRUN <<EOF\necho $HOME\nEOF\n"
	f := dockerfile.Parse([]byte(src))
	var vars []string
	for _, tk := range Tokens(f) {
		if tk.Type == Variable {
			vars = append(vars, fmt.Sprint(f.Lines.Position(tk.Span.Start).Line))
		}
	}
	if strings.Join(vars, ",") != "6" {
		t.Errorf("variable tokens on lines %v, want only line 6 (the expanding heredoc)", vars)
	}
}

// checkInvariants: tokens sorted, non-empty, on one line, not overlapping,
// inside the text; their encoding decodes to valid UTF-16 positions.
func checkInvariants(t *testing.T, name string, f *dockerfile.File) bool {
	t.Helper()
	toks := Tokens(f)
	prevEnd := 0
	for _, tk := range toks {
		s := tk.Span
		switch {
		case s.Start < prevEnd:
			t.Errorf("%s: token %v overlaps the previous one (ends %d)", name, s, prevEnd)
			return false
		case s.End <= s.Start || s.End > len(f.Text):
			t.Errorf("%s: token %v empty or out of range", name, s)
			return false
		case f.Lines.Line(s.Start) != f.Lines.Line(s.End-1) || strings.ContainsAny(f.Slice(s), "\r\n"):
			t.Errorf("%s: token %v spans lines", name, s)
			return false
		case int(tk.Type) >= len(TokenTypes) || tk.Mods >= 1<<len(TokenModifiers):
			t.Errorf("%s: token %v has a type or modifier outside the legend", name, s)
			return false
		}
		prevEnd = s.End
	}
	data := Encode(f, toks, nil)
	line, col := 0, 0
	for i := 0; i+4 < len(data); i += 5 {
		if data[i] != 0 {
			col = 0
		}
		line += int(data[i])
		col += int(data[i+1])
		if line >= f.Lines.LineCount() {
			t.Errorf("%s: encoded token on line %d of %d", name, line, f.Lines.LineCount())
			return false
		}
		lineText := f.Slice(Span{Start: f.Lines.LineStart(line), End: f.Lines.LineEnd(line)})
		if line == 0 {
			lineText = strings.TrimPrefix(lineText, "\ufeff")
			if strings.HasPrefix(f.Slice(Span{Start: 0, End: 3}), "\ufeff") {
				col-- // the BOM counts as a column in the line index
			}
		}
		width := len(utf16.Encode([]rune(lineText)))
		if col+int(data[i+2]) > width+1 {
			t.Errorf("%s: encoded token at %d:%d+%d past the line's %d UTF-16 units", name, line, col, data[i+2], width)
			return false
		}
		if line == 0 && strings.HasPrefix(f.Slice(Span{Start: 0, End: 3}), "\ufeff") {
			col++
		}
	}
	return true
}

func TestCorpusInvariants(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus sweep skipped in -short mode")
	}
	dir, ok := corpustest.Dir()
	if !ok {
		t.Skip("corpus not found (set " + corpustest.EnvVar + ")")
	}
	files, err := corpustest.Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	total, failed := 0, 0
	for _, p := range files {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f := dockerfile.Parse(src)
		total += len(Tokens(f))
		if !checkInvariants(t, p, f) {
			failed++
		}
	}
	t.Logf("corpus: %d files, %d tokens, %d files with a broken invariant", len(files), total, failed)
}
