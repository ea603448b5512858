package dockerfile_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/corpustest"
)

// TestCompactNodesMatchFullParse checks the compact-text shortcut: over every
// corpus file (and the cases below) that BuildKit parses as a whole, each
// instruction's node built from the compact text must dump exactly like the
// node BuildKit builds from the full text, with the same Original line.
func TestCompactNodesMatchFullParse(t *testing.T) {
	srcs := map[string][]byte{
		"continuations": []byte("FROM a\nRUN --mount=type=cache,target=/x apt-get update \\\n  # c\n\n  && echo \"a  b\" \\\n  'q'\nRUN echo hi\n"),
		"backtick":      []byte("# escape=`\nFROM a\nRUN echo a `\n  b\n"),
		"flags-split":   []byte("FROM a\nRUN --network=none \\\n  --mount=type=tmpfs,target=/t make\n"),
		"crlf":          []byte("FROM a\r\nRUN echo a \\\r\n b\r\n"),
		"onbuild":       []byte("FROM a\nONBUILD RUN make\nRUN <<EOF\nx\nEOF\nRUN [\"a\"]\n"),
		// a directive-like comment opening an instruction's region is a
		// comment there, also when BuildKit parses that region alone
		"directive-like": []byte("FROM a\n# check=skip=all\nRUN a\n# syntax=x\n# c\nRUN b\n"),
	}
	corpustest.AddAll(t, srcs)
	compared := 0
	for name, src := range srcs {
		// Parse twice: as is, and shifted by a blank line (the regions
		// parsed alone start elsewhere).
		compared += compareWithFullParse(t, name, src)
		if !bytes.HasPrefix(src, []byte("#")) && !bytes.HasPrefix(src, []byte("\uFEFF")) {
			compared += compareWithFullParse(t, name+" (shifted)", append([]byte("\n"), src...))
		}
	}
	t.Logf("compared %d instructions in %d files", compared, len(srcs))
}

func compareWithFullParse(t *testing.T, name string, src []byte) (compared int) {
	t.Helper()
	{
		full, err := parser.Parse(bytes.NewReader(src))
		if err != nil {
			return 0 // the model falls back to per-instruction parses there
		}
		byLine := map[int]*parser.Node{}
		for _, n := range full.AST.Children {
			byLine[n.StartLine] = n
		}
		f := dockerfile.Parse(src)
		for _, in := range f.Instructions {
			want := byLine[in.StartLine+1]
			if want == nil || in.Node == nil {
				if (want == nil) != (in.Node == nil) {
					t.Errorf("%s:%d: node presence differs (model %v, full %v)", name, in.StartLine+1, in.Node != nil, want != nil)
				}
				continue
			}
			if got, w := dumpNode(in.Node), dumpNode(want); got != w {
				t.Errorf("%s:%d: node differs\n got: %s\nwant: %s", name, in.StartLine+1, got, w)
			}
			if c, ok := in.Command.(interface{ Location() []parser.Range }); ok {
				if got, w := fmt.Sprint(c.Location()), fmt.Sprint(want.Location()); got != w {
					t.Errorf("%s:%d: command location %s, want %s", name, in.StartLine+1, got, w)
				}
			}
			compared++
		}
	}
	return compared
}

func dumpNode(n *parser.Node) string {
	return fmt.Sprintf("%s|orig=%q|lines=%d-%d|heredocs=%v|attrs=%v|comments=%q", n.Dump(), n.Original, n.StartLine, n.EndLine, n.Heredocs, n.Attributes, n.PrevComment)
}

// TestBuildKitTextKeepsLines: the compact text has the same number of lines,
// and overridden lines have the text given.
func TestBuildKitTextKeepsLines(t *testing.T) {
	src := "FROM a\nRUN --mount=type=cache,target=/x apt-get update \\\n  # c\n\n  && echo done\nCOPY . .\n"
	f := dockerfile.Parse([]byte(src))
	got := string(f.BuildKitText(func(line int) (string, bool) { return "", line == 5 }))
	want := "FROM a\nRUN --mount=type=cache,target=/x x \\\n#\n\nx\n\n"
	if got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}
