package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

type preCommitHook struct {
	ID       string   `yaml:"id"`
	Entry    string   `yaml:"entry"`
	Language string   `yaml:"language"`
	Files    string   `yaml:"files"`
	Exclude  string   `yaml:"exclude"`
	Types    []string `yaml:"types"`
}

// namesForMatchers are paths as pre-commit passes them (relative, with
// directories); isDockerfileName sees the base name.
var namesForMatchers = []string{
	"Dockerfile", "dockerfile", "DOCKERFILE", "Containerfile", "containerfile", "Dockerfile.prod", "Dockerfile-windows",
	"api.Dockerfile", "base.dockerfile", "3.10__alpine__Dockerfile", "build_Dockerfile", "Containerfile.dev",
	"Dockerfile.", ".Dockerfile", "Dockerfile..prod", "a.b.Dockerfile.c.d", "x-Containerfile-y", "Dockerfile.dev.yaml",
	"Dockerfile.template", "Dockerfile.tmpl", "Dockerfile.tpl", "Dockerfile.j2", "Dockerfile.jinja", "Dockerfile.erb",
	"Dockerfile.in", "Dockerfile.md", "Dockerfile.MD", "dockerfile.sh", "Dockerfile.txt", "Dockerfile.yml", "Dockerfile.json",
	"Dockerfile.orig", "Dockerfile.bak", "Dockerfile.swp", "Dockerfile.rej", "Dockerfile.md.", "Dockerfile-in", "Dockerfile_tmpl",
	"Dockerfile.inc", "Dockerfile.mdx", "Dockerfile.template.prod", "in.Dockerfile", "md_Dockerfile",
	".dockerignore", "docker-compose.yml", "Makefile", "Dockerfiles", "Dockerfiles.txt", "mydockerfile", "Dockerfile2",
	"dockerfile-lint.sh", "containerfiles/x", "README.md", "go.mod",
	"sub/Dockerfile", "a/b/api.Dockerfile", "Dockerfile/README", "Dockerfile.d/run", "docker/Dockerfile.template",
	"x.Dockerfile/y", "deploy.dockerfile/app.yaml", "tmpl/Dockerfile", "md/Dockerfile.prod", "a_Dockerfile/b_Dockerfile",
}

func readPreCommitHooks(t *testing.T) []preCommitHook {
	t.Helper()
	b, err := os.ReadFile("../../.pre-commit-hooks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var hooks []preCommitHook
	if err := yaml.Unmarshal(b, &hooks); err != nil {
		t.Fatal(err)
	}
	return hooks
}

func TestPreCommitHooks(t *testing.T) {
	hooks := readPreCommitHooks(t)
	want := map[string]string{"msls-check": "msls check", "msls-fmt": "msls fmt --check"}
	if len(hooks) != len(want) {
		t.Fatalf("%d hooks, want %d", len(hooks), len(want))
	}
	for _, h := range hooks {
		if want[h.ID] != h.Entry || h.Language != "golang" {
			t.Errorf("hook %s: entry %q language %q", h.ID, h.Entry, h.Language)
		}
		if h.Files != hooks[0].Files || h.Exclude != hooks[0].Exclude {
			t.Errorf("hook %s selects other files than %s", h.ID, hooks[0].ID)
		}
	}
}

// TestPreCommitRegexMatchesCheck keeps the hooks' files/exclude regexes and
// `msls check`'s directory walk in agreement. pre-commit runs a hook on a path
// when re.search(files) matches and re.search(exclude) does not; the regexes
// use only syntax Go and Python read alike, and when python3 is on PATH its
// re module is asked too.
func TestPreCommitRegexMatchesCheck(t *testing.T) {
	h := readPreCommitHooks(t)[0]
	files, exclude := regexp.MustCompile(h.Files), regexp.MustCompile(h.Exclude)
	want := map[string]bool{}
	for _, name := range namesForMatchers {
		want[name] = isDockerfileName(path.Base(name))
		if got := files.MatchString(name) && !exclude.MatchString(name); got != want[name] {
			t.Errorf("%q: pre-commit regex says %v, msls check says %v", name, got, want[name])
		}
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Log("python3 not found: Python's reading of the regexes not checked")
		return
	}
	in, _ := json.Marshal(map[string]any{"files": h.Files, "exclude": h.Exclude, "names": namesForMatchers})
	cmd := exec.Command("python3", "-c", `import json, re, sys
d = json.load(sys.stdin)
f, x = re.compile(d["files"]), re.compile(d["exclude"])
json.dump({n: bool(f.search(n)) and not x.search(n) for n in d["names"]}, sys.stdout)`)
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	var py map[string]bool
	if err := json.Unmarshal(out, &py); err != nil {
		t.Fatal(err)
	}
	for _, name := range namesForMatchers {
		if py[name] != want[name] {
			t.Errorf("%q: Python's re says %v, msls check says %v", name, py[name], want[name])
		}
	}
}
