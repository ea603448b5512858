package codeactions

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want/ sections of the golden files")

// goldenCase is one txtar archive: the Dockerfile, optional context files,
// and the expected result in want/Dockerfile (or want/not-offered).
type goldenCase struct {
	path    string
	arc     *txtar.Archive
	docker  []byte
	ctx     Context
	want    []byte
	offered bool
	// reason is a substring the refusal must contain (want/reason).
	reason string
}

func loadGolden(t *testing.T, dir string) []*goldenCase {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "testdata", "codeactions", dir, "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files in %s: %v", dir, err)
	}
	var out []*goldenCase
	for _, p := range files {
		arc, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		c := &goldenCase{path: p, arc: arc, offered: true}
		m := MapContext{}
		for _, f := range arc.Files {
			switch {
			case f.Name == "Dockerfile":
				c.docker = f.Data
			case f.Name == "want/Dockerfile":
				c.want = f.Data
			case f.Name == "want/not-offered":
				c.offered = false
			case f.Name == "want/reason":
				c.reason = strings.TrimSpace(string(f.Data))
			case strings.HasPrefix(f.Name, "want/"):
			default:
				m[f.Name] = string(f.Data)
			}
		}
		if len(m) > 0 {
			c.ctx = m
		}
		if c.docker == nil {
			t.Fatalf("%s: no Dockerfile section", p)
		}
		out = append(out, c)
	}
	return out
}

// setWant rewrites the archive's want sections.
func (c *goldenCase) setWant(t *testing.T, got []byte, offered bool) {
	t.Helper()
	var files []txtar.File
	for _, f := range c.arc.Files {
		if !strings.HasPrefix(f.Name, "want/") || f.Name == "want/reason" {
			files = append(files, f)
		}
	}
	if offered {
		files = append(files, txtar.File{Name: "want/Dockerfile", Data: got})
	} else {
		files = append(files, txtar.File{Name: "want/not-offered", Data: nil})
	}
	c.arc.Files = files
	if err := os.WriteFile(c.path, txtar.Format(c.arc), 0o644); err != nil {
		t.Fatal(err)
	}
}

// reparse checks that BuildKit accepts the text as a whole Dockerfile.
func reparse(t *testing.T, text []byte) {
	t.Helper()
	res, err := parser.Parse(bytes.NewReader(text))
	if err != nil {
		t.Fatalf("BuildKit cannot parse the result: %v\n%s", err, text)
	}
	if _, _, err := instructions.Parse(res.AST, nil); err != nil {
		t.Fatalf("BuildKit rejects the result: %v\n%s", err, text)
	}
}

func codes(fs []diagnostics.Finding) map[string]int {
	m := map[string]int{}
	for _, f := range fs {
		m[f.Code]++
	}
	return m
}

func TestSplitGolden(t *testing.T) {
	for _, c := range loadGolden(t, "split") {
		t.Run(strings.TrimSuffix(filepath.Base(c.path), ".txtar"), func(t *testing.T) {
			f := dockerfile.Parse(c.docker)
			ed, ok := Split(f, c.ctx)
			var got []byte
			if ok {
				var err error
				got, err = Apply(c.docker, []dockerfile.Edit{ed})
				if err != nil {
					t.Fatal(err)
				}
			}
			if *update {
				c.setWant(t, got, ok)
				return
			}
			if ok != c.offered {
				t.Fatalf("offered = %v, want %v\n%s\nrefusal: %s", ok, c.offered, got, SplitRefusal(f, c.ctx))
			}
			if !ok {
				if why := SplitRefusal(f, c.ctx); c.reason != "" && !strings.Contains(why, c.reason) {
					t.Fatalf("refusal %q does not say %q", why, c.reason)
				}
				return
			}
			if !bytes.Equal(got, c.want) {
				t.Fatalf("split result differs\n--- got\n%s\n--- want\n%s", got, c.want)
			}
			reparse(t, got)
			out := dockerfile.Parse(got)
			if len(out.Errors) > 0 {
				t.Fatalf("msls cannot parse the result: %v", out.Errors)
			}
			// The softer, information-level CacheBustingCopy (an install of
			// the project itself after its sources) is the intended shape.
			for _, fd := range diagnostics.Check(out) {
				switch fd.Code {
				case "CacheBustingCopy", "RootFinalStage", "SingleStageBuild":
					if fd.Severity <= diagnostics.SeverityWarning {
						t.Errorf("result still has %s: %s", fd.Code, fd.Message)
					}
				}
			}
			if _, again := Split(out, c.ctx); again {
				t.Errorf("split is offered again on its own output")
			}
		})
	}
}

// TestQuickFixGolden applies the first quick fix for the finding named in
// the case's `code` section and checks the result: it matches the golden
// file, BuildKit parses it, the finding is gone, and no CacheBustingCopy or
// RootFinalStage appears that was not there before.
func TestQuickFixGolden(t *testing.T) {
	for _, c := range loadGolden(t, "quickfix") {
		t.Run(strings.TrimSuffix(filepath.Base(c.path), ".txtar"), func(t *testing.T) {
			var code string
			for _, fl := range c.arc.Files {
				if fl.Name == "code" {
					code = strings.TrimSpace(string(fl.Data))
				}
			}
			ctx := c.ctx
			if m, ok := ctx.(MapContext); ok {
				delete(m, "code")
				if len(m) == 0 {
					ctx = nil
				}
			}
			f := dockerfile.Parse(c.docker)
			before := diagnostics.Check(f)
			var target *diagnostics.Finding
			for i := range before {
				if before[i].Code == code {
					target = &before[i]
					break
				}
			}
			if target == nil {
				t.Fatalf("no %s finding in the Dockerfile; findings: %v", code, codes(before))
			}
			var fix *Action
			for _, a := range QuickFixes(f, *target, ctx) {
				a := a
				fix = &a
				break
			}
			var got []byte
			if fix != nil {
				var err error
				if got, err = Apply(c.docker, fix.Edits); err != nil {
					t.Fatal(err)
				}
			}
			if *update {
				c.setWant(t, got, fix != nil)
				return
			}
			if (fix != nil) != c.offered {
				t.Fatalf("fix offered = %v, want %v\n%s", fix != nil, c.offered, got)
			}
			if fix == nil {
				return
			}
			if !bytes.Equal(got, c.want) {
				t.Fatalf("fix result differs\n--- got\n%s\n--- want\n%s", got, c.want)
			}
			reparse(t, got)
			out := dockerfile.Parse(got)
			after := codes(diagnostics.Check(out))
			if after[code] >= codes(before)[code] {
				t.Errorf("%s still reported %d times after the fix", code, after[code])
			}
			bc := codes(before)
			for _, k := range []string{"CacheBustingCopy", "RootFinalStage", "ParseError"} {
				if after[k] > bc[k] {
					t.Errorf("the fix introduced %s", k)
				}
			}
		})
	}
}
