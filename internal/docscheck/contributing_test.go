package docscheck

import (
	"bytes"
	"encoding/json"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
)

const root = "../.."

// example is one Go block of a markdown file that names the file it would be.
type example struct {
	path string // slash-separated, relative to the repository root
	code []byte
	line int
}

// goExamples returns the ```go blocks whose first line is `// file: PATH`.
func goExamples(t *testing.T, md string) []example {
	t.Helper()
	text, err := os.ReadFile(filepath.Join(root, md))
	if err != nil {
		t.Fatal(err)
	}
	var out []example
	lines := strings.Split(string(text), "\n")
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "```go" {
			continue
		}
		start := i + 1
		j := start
		for j < len(lines) && strings.TrimSpace(lines[j]) != "```" {
			j++
		}
		block := lines[start:j]
		i = j
		if len(block) == 0 || !strings.HasPrefix(block[0], "// file: ") {
			continue
		}
		out = append(out, example{
			path: strings.TrimSpace(strings.TrimPrefix(block[0], "// file: ")),
			code: []byte(strings.Join(block[1:], "\n") + "\n"),
			line: start + 1,
		})
	}
	return out
}

// The examples of CONTRIBUTING.md compile in the packages they name, as new
// files beside the real ones (go build -overlay: the tree is not touched),
// and are gofmt'ed.
func TestContributingExamplesCompile(t *testing.T) {
	exs := goExamples(t, "CONTRIBUTING.md")
	if len(exs) < 4 {
		t.Fatalf("CONTRIBUTING.md has %d compiled examples, want a rule, a fix, a refactor and a handler", len(exs))
	}
	absRoot, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	overlay := map[string]string{}
	pkgs := map[string]bool{}
	for i, ex := range exs {
		if formatted, err := format.Source(ex.code); err != nil {
			t.Errorf("CONTRIBUTING.md:%d (%s): %v", ex.line, ex.path, err)
		} else if !bytes.Equal(formatted, ex.code) {
			t.Errorf("CONTRIBUTING.md:%d (%s) is not gofmt'ed:\n%s", ex.line, ex.path, formatted)
		}
		target := filepath.Join(absRoot, filepath.FromSlash(ex.path))
		if _, err := os.Stat(target); err == nil {
			t.Errorf("CONTRIBUTING.md:%d: the example %s exists in the repository: rename the example", ex.line, ex.path)
			continue
		}
		src := filepath.Join(tmp, strings.ReplaceAll(ex.path, "/", "_"))
		if err := os.WriteFile(src, ex.code, 0o644); err != nil {
			t.Fatal(err)
		}
		overlay[target] = src
		pkgs["./"+filepath.ToSlash(filepath.Dir(ex.path))] = true
		_ = i
	}
	if t.Failed() {
		return
	}
	ov, _ := json.Marshal(map[string]any{"Replace": overlay})
	ovPath := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(ovPath, ov, 0o644); err != nil {
		t.Fatal(err)
	}
	var list []string
	for p := range pkgs {
		list = append(list, p)
	}
	sort.Strings(list)
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		goTool = "go"
	}
	// go build of several packages type-checks them and discards the result
	cmd := exec.Command(goTool, append([]string{"build", "-overlay", ovPath}, list...)...)
	cmd.Dir = absRoot
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("the examples of CONTRIBUTING.md do not compile (%v):\n%s", err, out)
	}
}
