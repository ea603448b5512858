package format

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/format/*.txtar")

// parseOptions reads the "options" section: one setting per line
// (indent=N, tabs, keep).
func parseOptions(t *testing.T, s string) Options {
	var o Options
	for _, line := range strings.Fields(s) {
		switch {
		case line == "tabs":
			o.UseTabs = true
		case line == "keep":
			o.KeepIndentation = true
		case strings.HasPrefix(line, "indent="):
			n, err := strconv.Atoi(strings.TrimPrefix(line, "indent="))
			if err != nil {
				t.Fatalf("bad option %q", line)
			}
			o.IndentWidth = n
		default:
			t.Fatalf("unknown option %q", line)
		}
	}
	return o
}

// Golden cases: testdata/format/<name>.txtar with an "input" file, an
// optional "options" file and the expected "want" output. Line breaks in
// the archive are "\n"; a case whose name contains "crlf" converts the input
// and the expected output to "\r\n".
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/format/*.txtar")
	if len(files) == 0 {
		t.Fatal("no golden cases")
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			sections := map[string]string{}
			for _, f := range ar.Files {
				sections[f.Name] = string(f.Data)
			}
			input, ok := sections["input"]
			if !ok {
				t.Fatal("no input section")
			}
			crlf := strings.Contains(name, "crlf")
			if crlf {
				input = strings.ReplaceAll(input, "\n", "\r\n")
			}
			opt := parseOptions(t, sections["options"])
			f := dockerfile.Parse([]byte(input))
			got := string(Format(f, opt))
			if crlf {
				if strings.Contains(strings.ReplaceAll(got, "\r\n", ""), "\n") {
					t.Errorf("CRLF file got a bare LF:\n%q", got)
				}
				got = strings.ReplaceAll(got, "\r\n", "\n")
			}
			if *update {
				for i := range ar.Files {
					if ar.Files[i].Name == "want" {
						ar.Files[i].Data = []byte(got)
					}
				}
				if _, ok := sections["want"]; !ok {
					ar.Files = append(ar.Files, txtar.File{Name: "want", Data: []byte(got)})
				}
				if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if want := sections["want"]; got != want {
				t.Errorf("formatted output differs:\n%s", Unified(name, []byte(want), []byte(got)))
			}
			// Idempotent, and the same instructions as the input.
			out := Format(f, opt)
			if again := Format(dockerfile.Parse(out), opt); !bytes.Equal(again, out) {
				t.Errorf("not idempotent:\n%s", Unified(name, out, again))
			}
			if diff, err := SameInstructions([]byte(input), out); err == nil && diff != "" {
				t.Errorf("meaning changed: %s", diff)
			}
		})
	}
}
