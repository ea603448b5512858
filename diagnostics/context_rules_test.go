package diagnostics

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/buildcontext"
	"github.com/msls-dev/msls/internal/safefs"
	"golang.org/x/tools/txtar"
)

// contextCodes are the findings the context goldens list.
var contextCodes = map[string]bool{"CopyIgnoredFile": true, "CopySourceNotFound": true, "MissingDockerignore": true, "CacheBustingCopy": true}

// TestContextGolden runs each testdata/buildcontext/<case>.txtar: its
// members are the files of a workspace (a member `dir/` is an empty folder),
// `dockerfile` names the Dockerfile among them (default "Dockerfile"),
// `context` holds the .msls.yaml `context:` value, and `want` the findings of
// the context-aware rules (and CacheBustingCopy).
func TestContextGolden(t *testing.T) {
	paths, err := filepath.Glob("../testdata/buildcontext/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no archives: %v", err)
	}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(p)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			df, ctxDir := "Dockerfile", ""
			var want *txtar.File
			for i, fl := range ar.Files {
				switch fl.Name {
				case "dockerfile":
					df = strings.TrimSpace(string(fl.Data))
					continue
				case "context":
					ctxDir = strings.TrimSpace(string(fl.Data))
					continue
				case "want":
					want = &ar.Files[i]
					continue
				}
				dst := filepath.Join(dir, filepath.FromSlash(fl.Name))
				if strings.HasSuffix(fl.Name, "/") {
					os.MkdirAll(dst, 0o755)
					continue
				}
				os.MkdirAll(filepath.Dir(dst), 0o755)
				if err := os.WriteFile(dst, fl.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			src, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(df)))
			if err != nil {
				t.Fatal(err)
			}
			got := renderContext(t, dir, df, ctxDir, src)
			if *update {
				if want == nil {
					ar.Files = append(ar.Files, txtar.File{Name: "want"})
					want = &ar.Files[len(ar.Files)-1]
				}
				want.Data = []byte(got)
				if err := os.WriteFile(p, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if want == nil {
				t.Fatal("no want member (run with -update)")
			}
			if string(want.Data) != got {
				t.Errorf("findings differ\n--- want\n%s--- got\n%s", want.Data, got)
			}
		})
	}
}

func renderContext(t *testing.T, dir, df, ctxDir string, src []byte) string {
	root, err := safefs.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	c, err := buildcontext.Open(buildcontext.Options{Root: root, Dockerfile: df, Context: ctxDir})
	if err != nil {
		t.Fatal(err)
	}
	f := dockerfile.Parse(src)
	return renderFindings(f, CheckWith(f, &Options{Context: c}), func(fd Finding) bool { return contextCodes[fd.Code] }, false)
}

// Without a context the context rules are silent and CacheBustingCopy is
// judged as before.
func TestContextRulesNeedAContext(t *testing.T) {
	f := dockerfile.Parse([]byte("FROM python:3.12\nCOPY ./requirements /requirements\nRUN pip install -r /requirements/production.txt\nCOPY missing.txt /x\n"))
	var codes []string
	for _, fd := range Check(f) {
		codes = append(codes, fd.Code)
	}
	s := strings.Join(codes, " ")
	if strings.Contains(s, "CopySourceNotFound") || !strings.Contains(s, "CacheBustingCopy") {
		t.Errorf("without a context: %s", s)
	}
}
