package dockerfile

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/dockerfile")

// TestGolden parses the `Dockerfile` member of each testdata/dockerfile/*.txtar
// archive and compares a readable dump of the model with the `want` member.
// Markers in the input: the two characters `\r` are turned into a carriage
// return and `<BOM>` into a byte-order mark, so the archives stay readable.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("../testdata/dockerfile/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var src []byte
			wantIdx := -1
			for i, f := range ar.Files {
				switch f.Name {
				case "Dockerfile":
					src = decodeMarkers(f.Data)
				case "want":
					wantIdx = i
				}
			}
			got := dump(Parse(src))
			if *update {
				if wantIdx < 0 {
					ar.Files = append(ar.Files, txtar.File{Name: "want"})
					wantIdx = len(ar.Files) - 1
				}
				ar.Files[wantIdx].Data = []byte(got)
				if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if wantIdx < 0 {
				t.Fatalf("%s has no want section; run with -update", path)
			}
			if want := string(ar.Files[wantIdx].Data); got != want {
				t.Errorf("model dump differs (run `go test ./dockerfile -update` and review the diff)\n--- got\n%s\n--- want\n%s", got, want)
			}
		})
	}
}

func decodeMarkers(b []byte) []byte {
	s := strings.ReplaceAll(string(b), `\r`, "\r")
	s = strings.ReplaceAll(s, "<BOM>", "\uFEFF")
	return []byte(s)
}

// dump renders the model with every span as start-end LSP positions
// (line:utf16col, 0-based) followed by the quoted source text it covers.
func dump(f *File) string {
	var b strings.Builder
	sp := func(s Span) string {
		a, e := f.Lines.Position(s.Start), f.Lines.Position(s.End)
		return fmt.Sprintf("%d:%d-%d:%d %q", a.Line, a.Character, e.Line, e.Character, f.Slice(s))
	}
	fmt.Fprintf(&b, "escape %q\n", string(f.EscapeToken))
	for _, d := range f.Directives {
		fmt.Fprintf(&b, "directive %s=%q name=%s value=%s\n", d.Name, d.Value, sp(d.NameSpan), sp(d.ValueSpan))
	}
	for _, c := range f.Comments {
		fmt.Fprintf(&b, "comment %q %s\n", c.Text, sp(c.Span))
	}
	for _, a := range f.GlobalArgs {
		fmt.Fprintf(&b, "global-arg %s=%q has=%v name=%s\n", a.Name, a.Value, a.HasValue, sp(a.NameSpan))
	}
	for i, in := range f.Instructions {
		fmt.Fprintf(&b, "inst %d %s stage=%d lines=%d-%d kw=%s\n", i, in.Keyword, in.Stage, in.StartLine, in.EndLine, sp(in.KeywordSpan))
		fmt.Fprintf(&b, "  span %s\n", sp(in.Span))
		for _, c := range in.Comments {
			fmt.Fprintf(&b, "  above %q\n", c.Text)
		}
		for _, fl := range in.Flags {
			fmt.Fprintf(&b, "  flag %s=%q has=%v name=%s value=%s\n", fl.Name, fl.Value, fl.HasValue, sp(fl.NameSpan), sp(fl.ValueSpan))
		}
		if in.JSON {
			b.WriteString("  json\n")
		}
		for _, a := range in.Args {
			fmt.Fprintf(&b, "  arg %q %s\n", a.Value, sp(a.Span))
		}
		for _, h := range in.Heredocs {
			fmt.Fprintf(&b, "  heredoc %s expand=%v chomp=%v marker=%s body=%s end=%s\n", h.Name, h.Expand, h.Chomp, sp(h.MarkerSpan), sp(h.BodySpan), sp(h.EndSpan))
		}
		for _, r := range in.VarRefs {
			fmt.Fprintf(&b, "  var %s braced=%v heredoc=%v %s\n", r.Name, r.Braced, r.InHeredoc, sp(r.Span))
		}
		if in.Sub != nil {
			fmt.Fprintf(&b, "  onbuild %s args=%d\n", in.Sub.Keyword, len(in.Sub.Args))
		}
		cmd := "nil"
		if in.Command != nil {
			cmd = fmt.Sprintf("%T", in.Command)
		}
		fmt.Fprintf(&b, "  buildkit %s\n", cmd)
		if in.Err != nil {
			fmt.Fprintf(&b, "  error %q\n", in.Err.Message)
		}
	}
	for _, s := range f.Stages {
		fmt.Fprintf(&b, "stage %d name=%q base=%q parent=%d platform=%q insts=%d span=%d:%d\n", s.Index, s.Name, s.BaseImage, s.Parent, s.Platform, len(s.Instructions), f.Lines.Line(s.Span.Start), f.Lines.Line(s.Span.End))
		for _, v := range s.Vars {
			kind := "ARG"
			if v.Kind == VarEnv {
				kind = "ENV"
			}
			fmt.Fprintf(&b, "  %s %s=%q has=%v name=%s\n", kind, v.Name, v.Value, v.HasValue, sp(v.NameSpan))
		}
	}
	for _, e := range f.Errors {
		fmt.Fprintf(&b, "error %q at %s\n", e.Message, sp(e.Span))
	}
	return b.String()
}
