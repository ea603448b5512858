package targets

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// render lists a case's targets, one a line, with the text under each span
// (read back from the file, so a wrong offset shows in the golden file).
func render(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if Classify(rel) == "" {
			return nil
		}
		content, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, tg := range Parse(rel, "", content) {
			fmt.Fprintf(&b, "%s %s [%s] stage=%q", tg.Kind, tg.File, tg.Name, tg.Stage)
			if tg.KeyLine >= 0 {
				fmt.Fprintf(&b, " key@%d", tg.KeyLine+1)
			}
			if tg.Exact {
				s := tg.Span
				fmt.Fprintf(&b, " at %d:%d-%d:%d %q", s.StartLine+1, s.StartChar+1, s.EndLine+1, s.EndChar+1, content[s.Start:s.End])
			}
			if len(tg.Dockerfiles) > 0 {
				fmt.Fprintf(&b, " -> %s", strings.Join(tg.Dockerfiles, " | "))
			}
			if tg.Unresolved != "" {
				fmt.Fprintf(&b, " unresolved: %s", tg.Unresolved)
			}
			b.WriteByte('\n')
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestGolden covers each source kind: compose, bake HCL and JSON, GitHub
// workflows, Makefiles and shell scripts.
func TestGolden(t *testing.T) {
	cases, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if !c.IsDir() || c.Name() == "real" { // real repositories: TestRealRepositories
			continue
		}
		t.Run(c.Name(), func(t *testing.T) {
			got := render(t, filepath.Join("testdata", c.Name()))
			golden := filepath.Join("testdata", c.Name()+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("targets of %s differ from %s:\n--- got\n%s--- want\n%s", c.Name(), golden, got, want)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	for name, want := range map[string]Kind{
		"compose.yaml":                   Compose,
		"docker-compose.yml":             Compose,
		"deploy/docker-compose.prod.yml": Compose,
		"dev.compose.yaml":               Compose,
		"compose.override.yml":           Compose,
		"config.yaml":                    "",
		"values.yml":                     "",
		"docker-bake.hcl":                Bake,
		"docker-bake.override.hcl":       Bake,
		"docker-bake.json":               Bake,
		"main.tf":                        "",
		"package.json":                   "",
		".github/workflows/ci.yml":       Workflow,
		"sub/.github/workflows/ci.yaml":  Workflow,
		".github/workflows/x/ci.yaml":    "",
		"github/workflows/ci.yaml":       "",
		"Makefile":                       Make,
		"build/common.mk":                Make,
		"scripts/build.sh":               Script,
		"Dockerfile":                     "",
	} {
		if got := Classify(name); got != want {
			t.Errorf("Classify(%q) = %q, want %q", name, got, want)
		}
	}
}

// A file that does not parse gives no targets and no panic.
func TestBrokenFiles(t *testing.T) {
	for name, text := range map[string]string{
		"compose.yaml":     "services:\n  api:\n    build: [\n",
		"docker-bake.hcl":  "target \"x\" {\n  target = \n",
		"docker-bake.json": "{\"target\": ",
		"Makefile":         "x:\n\tdocker build --target 'unterminated\n",
		"a.sh":             "docker build --target x $(\n",
	} {
		_ = Parse(name, "", []byte(text))
	}
}

func TestUnknownAndSuppressed(t *testing.T) {
	tg := Target{Stage: "prd"}
	if msg, bad := Unknown(tg, "api/Dockerfile", []string{"base", "dev", "prod"}); !bad || !strings.Contains(msg, `did you mean "prod"`) {
		t.Errorf("Unknown: %q %v", msg, bad)
	}
	if _, bad := Unknown(Target{Stage: "PROD"}, "Dockerfile", []string{"prod"}); bad {
		t.Error("stage names match regardless of case")
	}
	if msg, bad := Unknown(Target{Stage: "x"}, "Dockerfile", nil); !bad || !strings.Contains(msg, "no named stages") {
		t.Errorf("no stages: %q", msg)
	}
	text := []byte("a:\n  # msls ignore=UnknownBuildTarget\n  target: x\n  target: y\n  target = \"z\" // msls ignore=UnknownBuildTarget\n")
	for line, want := range map[int]bool{2: true, 3: false, 4: true} {
		if got := Suppressed(text, line); got != want {
			t.Errorf("Suppressed line %d = %v", line, got)
		}
	}
}

// BenchmarkParse parses every fixture once per iteration (what the index
// walk costs per target file, without the reads).
func BenchmarkParse(b *testing.B) {
	type file struct {
		rel  string
		text []byte
	}
	var files []file
	filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && Classify(filepath.ToSlash(p)) != "" {
			text, _ := os.ReadFile(p)
			files = append(files, file{filepath.ToSlash(p), text})
		}
		return nil
	})
	if len(files) < 6 {
		b.Fatalf("only %d fixtures", len(files))
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range files {
			Parse(f.rel, "", f.text)
		}
	}
}
