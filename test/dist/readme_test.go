// Package dist tests the files of the repository root that ship msls: the
// README's Install and Use in CI snippets and msls's own Dockerfile.
package dist

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/format"
	"github.com/msls-dev/msls/test/internal/readme"
)

// TestReadmeSnippetsAreRun: every fenced block of the Install and Use in CI
// sections has a marker, and the file the marker names runs exactly that
// snippet (by its ID, through test/readme-snippet.sh or readme.Get) or holds
// its lines in order.
func TestReadmeSnippetsAreRun(t *testing.T) {
	root := readme.Root()
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	snippets, unmarked := readme.Parse(string(b), "Install", "Use in CI")
	for _, f := range unmarked {
		t.Errorf("README.md:%d: a snippet in %q without a <!-- snippet: ID (run by FILE) --> marker", f.Line, f.Section)
	}
	seen := map[string]bool{}
	for _, s := range snippets {
		if seen[s.ID] {
			t.Errorf("README.md:%d: snippet ID %s used twice", s.Line, s.ID)
		}
		seen[s.ID] = true
		f, err := os.ReadFile(filepath.Join(root, s.File))
		if err != nil {
			t.Errorf("README.md:%d: snippet %s: %v", s.Line, s.ID, err)
			continue
		}
		text := string(f)
		switch s.How {
		case "run by":
			shell := regexp.MustCompile(`readme-snippet\.sh"? ` + regexp.QuoteMeta(s.ID) + `\b`)
			if !shell.MatchString(text) && !strings.Contains(text, `readme.Get(t, "`+s.ID+`")`) {
				t.Errorf("README.md:%d: %s does not run snippet %s (no `readme-snippet.sh %s` or `readme.Get(t, %q)`)", s.Line, s.File, s.ID, s.ID, s.ID)
			}
		case "same lines as":
			lines := strings.Split(text, "\n")
			at := 0
			for _, want := range strings.Split(strings.TrimSpace(s.Body), "\n") {
				if strings.TrimSpace(want) == "" {
					continue
				}
				for at < len(lines) && lines[at] != want {
					at++
				}
				if at == len(lines) {
					t.Errorf("README.md:%d: snippet %s: line %q is not in %s (in this order)", s.Line, s.ID, want, s.File)
					break
				}
				at++
			}
		}
	}
	for _, id := range []string{"install-release", "install-go", "install-image", "install-vscode", "install-neovim", "install-helix", "ci-precommit", "ci-action", "ci-image"} {
		if !seen[id] {
			t.Errorf("README.md has no snippet %s", id)
		}
	}
}

func TestParseFindsUnmarkedFences(t *testing.T) {
	text := "## Install\n<!-- snippet: a (run by x) -->\n```sh\necho a\n```\n\n```sh\necho b\n```\n## Other\n```\nc\n```\n"
	snippets, unmarked := readme.Parse(text, "Install")
	if len(snippets) != 1 || snippets[0].Body != "echo a\n" || snippets[0].File != "x" || len(unmarked) != 1 || unmarked[0].Line != 7 {
		t.Errorf("snippets %+v, unmarked %+v", snippets, unmarked)
	}
}

// TestInstallGoSnippet runs the README's go install lines; the module path
// @latest stands for this checkout (the test cannot fetch a published version).
func TestInstallGoSnippet(t *testing.T) {
	if testing.Short() {
		t.Skip("builds msls (-short skips)")
	}
	s := readme.Get(t, "install-go")
	bin := t.TempDir()
	script := strings.ReplaceAll(s.Body, "github.com/msls-dev/msls/cmd/msls@latest", "github.com/msls-dev/msls/cmd/msls")
	if script == s.Body {
		t.Fatalf("the snippet no longer installs github.com/msls-dev/msls/cmd/msls@latest:\n%s", s.Body)
	}
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = readme.Root()
	cmd.Env = append(os.Environ(), "GOBIN="+bin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	out, err := exec.Command(filepath.Join(bin, "msls"), "version").Output()
	if err != nil || !strings.HasPrefix(string(out), "msls ") || !strings.Contains(string(out), "\ngo: go") {
		t.Errorf("installed msls version: %v %q", err, out)
	}
}

// TestRootDockerfileIsClean: msls's own image passes msls without a single
// finding, at any severity, and is formatted (test/containers/image.sh builds
// and runs it).
func TestRootDockerfileIsClean(t *testing.T) {
	text, err := os.ReadFile(filepath.Join(readme.Root(), "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	f := dockerfile.Parse(text)
	for _, fd := range diagnostics.Check(f) {
		line, col := f.Lines.LineCol(fd.Span.Start)
		t.Errorf("Dockerfile:%d:%d: %s %s: %s", line, col, fd.Severity, fd.Code, fd.Message)
	}
	if got := format.Format(f, format.Options{IndentWidth: 4}); string(got) != string(text) {
		t.Errorf("Dockerfile is not formatted as msls fmt formats it; msls fmt says:\n%s", format.Unified("Dockerfile", text, got))
	}
	// the builder and runner the issue asks for
	for _, want := range []string{"FROM golang:1.26 AS builder", "FROM gcr.io/distroless/static-debian12:nonroot", "USER 65532:65532", `ENTRYPOINT ["msls"]`, "-tags grpcnotrace -trimpath"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("Dockerfile has no %q", want)
		}
	}
}
