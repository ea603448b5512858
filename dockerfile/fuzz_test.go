package dockerfile_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/corpustest"
)

// edgeSeeds are inputs an editor really sends: half-typed lines, odd
// encodings, every construct the model has special spans for.
var edgeSeeds = []string{
	"",
	"\n",
	"F",
	"FROM",
	"FROM ",
	"FROM alpine AS",
	"FROM alpine AS b\nRUN echo hi\n",
	"\xef\xbb\xbfFROM alpine\r\nRUN echo \"h\xc3\xa9\" \\\r\n  && echo \xf0\x9f\x90\xb3 \xe4\xb8\xad\xe6\x96\x87\r\n",
	"# syntax=docker/dockerfile:1\n# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir `\n  c:\\\n",
	"# escape=\\\n# escape=`\nFROM x\n",
	"# escape=x\nFROM x\n",
	"ARG V=1\nFROM alpine:${V} AS base\nARG V\nENV A=$V B=${V:-x} \\\n    C=\"q\"\nFROM base\nCOPY --from=base --chown=1:1 /a /b\n",
	"FROM alpine\nRUN <<EOF\necho $HOME\nEOF\n",
	"FROM alpine\nRUN <<-EOT cat > /x\n\techo\n\tEOT\n",
	"FROM alpine\nCOPY <<A <<\"B\" /dst/\na\nA\nb $X\nB\n",
	"FROM alpine\nRUN <<EOF\nnever ends",
	"FROM alpine\nRUN <<\n",
	"FROM alpine\nONBUILD RUN <<EOF\nx\nEOF\n",
	"FROM alpine\nONBUILD\nONBUILD ONBUILD RUN x\n",
	"FROM alpine\nCMD [\"a\", \"b\\\"c\"]\nENTRYPOINT [\"x\",\nSHELL [\"sh\", \"-c\"]\n",
	"FROM alpine\nRUN --mount=type=cache,target=/root/.cache --network=none -- echo\n",
	"FROM alpine\nRUN echo \\\n\n# comment inside\n   \\\n",
	"FROM alpine\nRUN \\",
	"FROM alpine\nRU\\\nN echo\n",
	"RUN before from\nFROM a\n",
	"FROM alpine\nCOPY --from= a b\n",
	"FROM a\x00b\nRUN \xff\xfe\n",
	"FROM a\rRUN b\r",
	"FROM a\n\tRUN\t\tx\n  \n",
	"FROM alpine\nHEALTHCHECK --interval=5s CMD curl -f http://x/ || exit 1\n",
	"FROM alpine\nENV legacy value with spaces\nLABEL a=b \"c d\"=e\n",
	"FROM scratch\nEXPOSE 80/tcp\nUSER 1000:1000\nSTOPSIGNAL SIGTERM\nVOLUME [\"/data\"]\n",
	"FROM a\nRUN echo '${NOT}' \"${YES}\" $ ${ ${1} $$\n",
	"FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nFROM build AS two\nFROM 0\n",
	strings.Repeat("FROM a AS s\n", 50),
	"FROM a\nRUN " + strings.Repeat("x", dockerfile.MaxLineBytes+10) + "\n",
}

// FuzzParse checks that Parse never panics and that its spans and line index
// keep their promises for any input.
func FuzzParse(f *testing.F) {
	for _, s := range edgeSeeds {
		f.Add([]byte(s))
	}
	for _, b := range corpustest.Seeds(1) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		file := dockerfile.Parse(text)
		if problems := corpustest.ModelProblems(file, 10); len(problems) > 0 {
			t.Fatalf("%d problems, first ones:\n%s\ninput: %q", len(problems), strings.Join(problems, "\n"), text)
		}
		// Helpers are total over every offset, including past the ends.
		for off := -1; off <= len(text)+1; off++ {
			file.InstructionAt(off)
			file.StageAt(off)
		}
		for _, st := range file.Stages {
			for _, ref := range []string{st.Name, st.BaseImage, strings.ToUpper(st.Name), strings.ToLower(st.BaseImage), "0", "1"} {
				if got, want := file.StageByName(ref), stageByNameLinear(file, ref); got != want {
					t.Fatalf("StageByName(%q) = %v, want %v; input %q", ref, got, want, text)
				}
			}
		}
	})
}

// TestUTF16Columns pins the columns of characters whose UTF-16 width differs
// from their byte or rune count, independently of the fuzz invariants.
func TestUTF16Columns(t *testing.T) {
	cases := []struct {
		text  string
		after string // the position right after the first occurrence of this
		want  dockerfile.Position
	}{
		{"FROM a # \xf0\x9f\x90\xb3x", "\xf0\x9f\x90\xb3", dockerfile.Position{Line: 0, Character: 11}},    // emoji: 2 units
		{"LABEL k=\xe4\xb8\xad\xe6\x96\x87!", "\xe6\x96\x87", dockerfile.Position{Line: 0, Character: 10}}, // CJK: 1 unit each
		{"FROM a\r\nRUN b\r\n", "RUN b", dockerfile.Position{Line: 1, Character: 5}},
		{"\xef\xbb\xbfFROM a", "FROM", dockerfile.Position{Line: 0, Character: 5}}, // the BOM is U+FEFF, one unit
		{"FROM a\n\tRUN \xc3\xa9", "\xc3\xa9", dockerfile.Position{Line: 1, Character: 6}},
	}
	for _, c := range cases {
		f := dockerfile.Parse([]byte(c.text))
		off := strings.Index(c.text, c.after) + len(c.after)
		if got := f.Lines.Position(off); got != c.want {
			t.Errorf("%q: Position(%d) = %+v, want %+v", c.text, off, got, c.want)
		}
		if back, exact := f.Lines.Offset(c.want); back != off || !exact {
			t.Errorf("%q: Offset(%+v) = %d (exact %v), want %d", c.text, c.want, back, exact, off)
		}
	}
	// A position at the end of a CRLF line clamps before the "\r".
	f := dockerfile.Parse([]byte("FROM a\r\nRUN b\r\n"))
	if off, exact := f.Lines.Offset(dockerfile.Position{Line: 0, Character: 99}); off != 6 || exact {
		t.Errorf("Offset past the end of a CRLF line = %d (exact %v), want 6 (false)", off, exact)
	}
}

// TestParseCorpusSeeds runs the invariants over the corpus seeds even when
// fuzzing is not enabled, so a plain `go test` exercises real files.
func TestParseCorpusSeeds(t *testing.T) {
	seeds := corpustest.Seeds(1)
	if len(seeds) == 0 {
		t.Skip("corpus not found (../shared/corpus or $MSLS_CORPUS)")
	}
	for _, b := range seeds {
		if problems := corpustest.ModelProblems(dockerfile.Parse(b), 5); len(problems) > 0 {
			t.Errorf("%s", strings.Join(problems, "\n"))
		}
	}
}

// stageByNameLinear is the specification of StageByName: the first stage
// whose name matches case-insensitively (Unicode folding, as BuildKit), else a
// numeric index.
func stageByNameLinear(f *dockerfile.File, ref string) *dockerfile.Stage {
	for _, s := range f.Stages {
		if s.Name != "" && strings.EqualFold(s.Name, ref) {
			return s
		}
	}
	// BuildKit reads the index with strconv.Atoi, so leading zeros count.
	if n, err := strconv.Atoi(ref); err == nil && n >= 0 && n < len(f.Stages) {
		return f.Stages[n]
	}
	return nil
}

// TestStageByNameIndex covers the lookups the index must get right: case,
// duplicates (the first wins), indices, and non-ASCII names where Unicode
// folding differs from ASCII lower-casing (the Kelvin sign folds to k).
func TestStageByNameIndex(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&b, "FROM alpine AS Stage%d\n", i%250)
	}
	b.WriteString("FROM Stage7 AS last\n")
	files := []string{b.String(), "FROM a AS \u212a\nFROM b AS k\n", "FROM a AS x\nFROM b AS \u017ftage\n", "FROM a\nFROM 0\n"}
	for _, text := range files {
		f := dockerfile.Parse([]byte(text))
		refs := []string{"stage7", "STAGE249", "Stage250", "last", "LAST", "k", "K", "\u212a", "x", "stage", "STAGE", "\u017ftage", "0", "299", "300", "-1", "01", ""}
		for _, ref := range refs {
			if got, want := f.StageByName(ref), stageByNameLinear(f, ref); got != want {
				t.Errorf("StageByName(%q) = %+v, want %+v", ref, got, want)
			}
		}
	}
	f := dockerfile.Parse([]byte(files[0]))
	if last := f.FinalStage(); last.Parent != 7 {
		t.Errorf("FROM Stage7: parent %d, want 7", last.Parent)
	}
}
