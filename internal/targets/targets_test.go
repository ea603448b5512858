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

// Bake's inherits carries `target` too: the child builds the parent's
// stage, but only the parent's text is renamed. A parent whose target is a
// variable leaves the child unresolved; the child's own target wins.
func TestBakeInheritedTarget(t *testing.T) {
	hcl := "target \"bin\" {\n  target = \"binaries\"\n}\n" +
		"target \"cross\" {\n  inherits = [\"bin\"]\n}\n" +
		"target \"img\" {\n  inherits = [\"meta\", \"cross\"]\n}\n" +
		"target \"var\" {\n  target = STAGE\n}\n" +
		"target \"fromvar\" {\n  inherits = [\"var\"]\n}\n" +
		"target \"own\" {\n  inherits = [\"bin\"]\n  target = \"release\"\n}\n"
	json := `{"target": {"bin": {"target": "binaries"}, "cross": {"inherits": ["bin"]}}}`
	type want struct {
		stage      string
		exact      bool
		keyLine    int
		unresolved bool
	}
	for _, c := range []struct {
		file, text string
		want       map[string]want
	}{
		{"docker-bake.hcl", hcl, map[string]want{
			"bin":     {"binaries", true, 1, false},
			"cross":   {"binaries", false, 3, false},
			"img":     {"binaries", false, 6, false},
			"fromvar": {"", false, 12, true},
			"own":     {"release", true, 17, false},
		}},
		{"docker-bake.json", json, map[string]want{
			"bin":   {"binaries", true, 0, false},
			"cross": {"binaries", false, 0, false},
		}},
	} {
		got := map[string]Target{}
		for _, tg := range Parse(c.file, "", []byte(c.text)) {
			got[tg.Name] = tg
		}
		for name, w := range c.want {
			tg, ok := got[name]
			if !ok {
				t.Errorf("%s: no entry %s", c.file, name)
				continue
			}
			if tg.Stage != w.stage || tg.Exact != w.exact || tg.KeyLine != w.keyLine || (tg.Unresolved != "") != w.unresolved {
				t.Errorf("%s [%s] = stage %q exact %v key %d unresolved %q, want %+v", c.file, name, tg.Stage, tg.Exact, tg.KeyLine, tg.Unresolved, w)
			}
			// an inherited stage is judged at the parent only
			if shared := w.stage != "" && !w.exact; tg.Shared != shared {
				t.Errorf("%s [%s] shared = %v", c.file, name, tg.Shared)
			}
			if _, bad := Unknown(tg, "Dockerfile", []string{"other"}); bad != (w.stage != "" && w.exact) {
				t.Errorf("%s [%s]: Unknown = %v", c.file, name, bad)
			}
		}
	}
}

// Bake resolves a relative context from where it runs, not from the file:
// a bake file below the root gives the file-relative and the root-relative
// Dockerfile, in that order.
func TestBakeBelowRoot(t *testing.T) {
	for _, c := range []struct{ file, text, want string }{
		{"docker/docker-bake.hcl", "target \"a\" {\n  dockerfile = \"docker/app.Dockerfile\"\n}\n", "docker/docker/app.Dockerfile | docker/app.Dockerfile"},
		{"docker/docker-bake.json", `{"target": {"a": {"dockerfile": "docker/app.Dockerfile"}}}`, "docker/docker/app.Dockerfile | docker/app.Dockerfile"},
		{"docker-bake.hcl", "target \"a\" {\n  dockerfile = \"docker/app.Dockerfile\"\n}\n", "docker/app.Dockerfile"},
		{"docker/docker-bake.hcl", "target \"a\" {\n  context = \"..\"\n}\n", "Dockerfile"},
	} {
		tgs := Parse(c.file, "", []byte(c.text))
		if len(tgs) != 1 || strings.Join(tgs[0].Dockerfiles, " | ") != c.want {
			t.Errorf("%s: %+v, want Dockerfiles %s", c.file, tgs, c.want)
		}
	}
}

// Compose files share build settings through anchors, aliases and merge
// keys. A target written once for several services is renamed once.
func TestComposeMergeKeys(t *testing.T) {
	text := "x-build: &build\n  context: ./api\n  target: dev\n" +
		"services:\n" +
		"  a:\n    <<: &common\n      build:\n        context: ../\n        dockerfile: ./docker/x.Dockerfile\n" +
		"  b:\n    <<: *common\n    image: b\n" +
		"  c:\n    build: *build\n" +
		"  d:\n    build: *build\n" +
		"  e:\n    <<: [*common]\n    build:\n      context: ./e\n"
	got := map[string]Target{}
	for _, tg := range Parse("deploy/compose.yaml", "", []byte(text)) {
		got[tg.Name] = tg
	}
	for name, w := range map[string]struct {
		df, stage string
		exact     bool
	}{
		"a": {"docker/x.Dockerfile", "", false},
		"b": {"docker/x.Dockerfile", "", false},
		"c": {"deploy/api/Dockerfile", "dev", true},
		"d": {"deploy/api/Dockerfile", "dev", false},
		"e": {"deploy/e/Dockerfile", "", false},
	} {
		tg, ok := got[name]
		if !ok {
			t.Errorf("no entry for service %s", name)
			continue
		}
		if strings.Join(tg.Dockerfiles, " | ") != w.df || tg.Stage != w.stage || tg.Exact != w.exact {
			t.Errorf("service %s: %v stage %q exact %v, want %+v", name, tg.Dockerfiles, tg.Stage, tg.Exact, w)
		}
		if shared := w.stage != "" && !w.exact; tg.Shared != shared {
			t.Errorf("service %s: shared = %v", name, tg.Shared)
		}
	}
	if c := got["c"]; c.Exact && text[c.Span.Start:c.Span.End] != "dev" {
		t.Errorf("span of c is %q", text[c.Span.Start:c.Span.End])
	}
}
