package format

import (
	"os"
	"strings"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
)

func TestRangeEditsOnlyTouchSelectedLines(t *testing.T) {
	src := "from alpine\nrun   echo a\nworkdir   /x\nuser   app\n"
	f := dockerfile.Parse([]byte(src))
	// Select line 2 ("workdir") only.
	start := f.Lines.LineStart(2)
	edits := RangeEdits(f, Options{}, dockerfile.Span{Start: start + 2, End: start + 4})
	got := string(Apply(f.Text, edits))
	want := "from alpine\nrun   echo a\nWORKDIR /x\nuser   app\n"
	if got != want {
		t.Errorf("range formatting gave\n%q\nwant\n%q", got, want)
	}
	// A selection that ends at column 0 of the next line does not take it.
	edits = RangeEdits(f, Options{}, dockerfile.Span{Start: 0, End: f.Lines.LineStart(1)})
	if got := string(Apply(f.Text, edits)); got != "FROM alpine\nrun   echo a\nworkdir   /x\nuser   app\n" {
		t.Errorf("selection of line 0 gave %q", got)
	}
}

func TestEditsAreWholeLines(t *testing.T) {
	src := "from alpine\n\n\n\nrun echo a   \nfrom x\ncmd [ \"a\" ]"
	f := dockerfile.Parse([]byte(src))
	edits := Edits(f, Options{})
	if len(edits) == 0 {
		t.Fatal("no edits for an unformatted file")
	}
	for _, e := range edits {
		if e.Span.Start != f.Lines.LineStart(f.Lines.Line(e.Span.Start)) {
			t.Errorf("edit %v does not start a line", e.Span)
		}
		if e.Span.End != len(src) && e.Span.End != f.Lines.LineStart(f.Lines.Line(e.Span.End)) {
			t.Errorf("edit %v does not end at a line start", e.Span)
		}
	}
	want := "FROM alpine\n\nRUN echo a\n\nFROM x\nCMD [\"a\"]\n"
	if got := string(Apply(f.Text, edits)); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if Edits(dockerfile.Parse([]byte(want)), Options{}) != nil {
		t.Error("a formatted file still gets edits")
	}
}

// The safety net: when formatting an instruction would change what BuildKit
// parses, that instruction is kept as written.
func TestVerifyRejectsChangedMeaning(t *testing.T) {
	orig := dockerfile.Parse([]byte("FROM a\nRUN echo \"x  y\"\nWORKDIR /a  b\n"))
	for _, tc := range []struct {
		text string
		bad  []int
	}{
		{"FROM a\nRUN   echo    \"x  y\"\nWORKDIR /a  b\n", nil},
		{"FROM a\nRUN echo \"x y\"\nWORKDIR /a  b\n", []int{1}},
		{"FROM a\nRUN echo \"x  y\"\nWORKDIR /a b\n", []int{2}},
	} {
		bad, ok := verify(orig, dockerfile.Parse([]byte(tc.text)))
		if ok != (len(tc.bad) == 0) || len(bad) != len(tc.bad) || (len(bad) > 0 && bad[0] != tc.bad[0]) {
			t.Errorf("verify(%q) = %v, %v; want %v", tc.text, bad, ok, tc.bad)
		}
	}
	if _, ok := verify(orig, dockerfile.Parse([]byte("FROM a\nRUN echo \"x  y\"\n"))); ok {
		t.Error("a dropped instruction passed verification")
	}
}

func TestSameInstructions(t *testing.T) {
	a := []byte("FROM a AS b\nRUN echo  'q  r'  s\nCOPY <<EOF /x\n  body\nEOF\n")
	for text, same := range map[string]bool{
		"from a as b\nrun echo 'q  r' s\ncopy <<EOF /x\n  body\nEOF\n":             true,
		"FROM a AS b\nRUN echo 'q r' s\nCOPY <<EOF /x\n  body\nEOF\n":              false,
		"FROM a AS b\nRUN echo 'q  r' s\nCOPY <<EOF /x\nbody\nEOF\n":               false,
		"FROM a AS c\nRUN echo 'q  r' s\nCOPY <<EOF /x\n  body\nEOF\n":             false,
		"# escape=`\nFROM a AS b\nRUN echo 'q  r' s\nCOPY <<EOF /x\n  body\nEOF\n": false,
	} {
		diff, err := SameInstructions(a, []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		if (diff == "") != same {
			t.Errorf("SameInstructions(%q) = %q, want same=%v", text, diff, same)
		}
	}
	if _, err := SameInstructions([]byte("RUN <<EOF\n"), a); err == nil {
		t.Error("an unparseable original gave no error")
	}
}

func TestUnified(t *testing.T) {
	a := []byte("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n")
	b := []byte("1\nTWO\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\nthirteen")
	d := Unified("Dockerfile", a, b)
	for _, want := range []string{"--- Dockerfile\n", "@@ -1,5 +1,5 @@\n", "-2\n+TWO\n", "+thirteen\n\\ No newline at end of file\n", "@@ -10,3 +10,4 @@"} {
		if !strings.Contains(d, want) {
			t.Errorf("diff lacks %q:\n%s", want, d)
		}
	}
	if Unified("x", a, a) != "" {
		t.Error("diff of equal texts is not empty")
	}
}

func TestBadInputNeverPanics(t *testing.T) {
	for _, src := range []string{"", "\n\n\n", "\ufeff", "\\", "RUN \\", "RUN <<EOF", "FROM a\nRUN <<EOF\nbody", "# escape=`\n`", "\r\n\r\n", "ONBUILD", "FROM a\nRUN a \\\n\n\n"} {
		f := dockerfile.Parse([]byte(src))
		out := Format(f, Options{})
		if again := Format(dockerfile.Parse(out), Options{}); string(again) != string(out) {
			t.Errorf("%q: not idempotent: %q then %q", src, out, again)
		}
	}
}

func BenchmarkFormat(b *testing.B) {
	for _, name := range []string{"small-10", "multistage-198"} {
		src, err := os.ReadFile("../../testdata/bench/" + name + ".Dockerfile")
		if err != nil {
			b.Skip("benchmark fixtures missing")
		}
		f := dockerfile.Parse(src)
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				Edits(f, Options{})
			}
		})
	}
}
