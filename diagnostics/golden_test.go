package diagnostics

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/diagnostics/*.txtar")

// TestGolden checks every `<case>.Dockerfile` member of
// testdata/diagnostics/<Code>.txtar against its `<case>.want` member. Only
// findings of the archive's rule are listed, so a rule's cases stay readable;
// the archive `all.txtar` lists every finding.
func TestGolden(t *testing.T) {
	paths, err := filepath.Glob("../testdata/diagnostics/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden archives: %v", err)
	}
	for _, p := range paths {
		code := strings.TrimSuffix(filepath.Base(p), ".txtar")
		if code != "all" && code != "seed" && RuleByCode(code) == nil {
			t.Errorf("%s: no rule named %s", p, code)
			continue
		}
		ar, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var rebuilt []txtar.File
		for _, fl := range ar.Files {
			if !strings.HasSuffix(fl.Name, ".Dockerfile") {
				continue
			}
			name := strings.TrimSuffix(fl.Name, ".Dockerfile")
			got := render(fl.Data, code)
			rebuilt = append(rebuilt, fl, txtar.File{Name: name + ".want", Data: []byte(got)})
			if *update {
				continue
			}
			t.Run(code+"/"+name, func(t *testing.T) {
				for _, w := range ar.Files {
					if w.Name == name+".want" {
						if want := string(w.Data); want != got {
							t.Errorf("findings differ\n--- want\n%s--- got\n%s", want, got)
						}
						return
					}
				}
				t.Fatalf("no %s.want in %s (run with -update)", name, p)
			})
		}
		if *update {
			ar.Files = rebuilt
			if err := os.WriteFile(p, txtar.Format(ar), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// render lists findings as `line:col-line:col severity Code: message`, with
// related locations and fix titles indented below. Positions are 1-based.
func render(src []byte, code string) string {
	f := dockerfile.Parse(src)
	return renderFindings(f, Check(f), func(fd Finding) bool {
		return code == "all" || code == "seed" || fd.Code == code
	}, true)
}

// renderFindings is render's listing of the findings keep accepts (related
// locations only when related is set).
func renderFindings(f *dockerfile.File, fds []Finding, keep func(Finding) bool, related bool) string {
	var b bytes.Buffer
	pos := func(s dockerfile.Span) string {
		a, z := f.Lines.Position(s.Start), f.Lines.Position(s.End)
		return fmt.Sprintf("%d:%d-%d:%d", a.Line+1, a.Character+1, z.Line+1, z.Character+1)
	}
	for _, fd := range fds {
		if !keep(fd) {
			continue
		}
		fmt.Fprintf(&b, "%s %s %s: %s\n", pos(fd.Span), fd.Severity, fd.Code, fd.Message)
		if related {
			for _, r := range fd.Related {
				fmt.Fprintf(&b, "  related %s %q: %s\n", pos(r.Span), f.Slice(r.Span), r.Message)
			}
		}
		for _, fx := range fd.Fixes {
			edits := make([]string, 0, len(fx.Edits))
			for _, e := range fx.Edits {
				edits = append(edits, fmt.Sprintf("%s %q->%q", pos(e.Span), f.Slice(e.Span), e.NewText))
			}
			sort.Strings(edits)
			fmt.Fprintf(&b, "  fix %q safe=%v: %s\n", fx.Title, fx.Safe, strings.Join(edits, "; "))
		}
	}
	if b.Len() == 0 {
		return "(none)\n"
	}
	return b.String()
}
