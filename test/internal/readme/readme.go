// Package readme reads the README's marked snippets for the tests that run
// them (test/readme-snippet.sh does the same for shell tests).
package readme

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// Snippet is a fenced block preceded by a marker line:
//
//	<!-- snippet: ID (run by FILE) -->        FILE runs it
//	<!-- snippet: ID (same lines as FILE) --> its lines appear, in order, in FILE
type Snippet struct {
	ID, How, File string
	Lang, Body    string
	Line          int // of the opening fence, 1-based
}

// Fence is an opening fence without a marker.
type Fence struct {
	Line    int
	Section string
}

var marker = regexp.MustCompile(`^<!-- snippet: ([\w-]+) \((run by|same lines as) ([^)]+)\) -->$`)

// Root is the repository root.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// Parse returns the README's marked snippets and, for the sections given, the
// fences that have no marker.
func Parse(text string, sections ...string) (snippets []Snippet, unmarked []Fence) {
	lines := strings.Split(text, "\n")
	section := ""
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.HasPrefix(l, "## ") {
			section = strings.TrimPrefix(l, "## ")
		}
		if !strings.HasPrefix(l, "```") {
			continue
		}
		// an opening fence: find its end
		end := i + 1
		for end < len(lines) && !strings.HasPrefix(lines[end], "```") {
			end++
		}
		body := strings.Join(lines[i+1:end], "\n") + "\n"
		if m := (func() []string {
			if i > 0 {
				return marker.FindStringSubmatch(lines[i-1])
			}
			return nil
		})(); m != nil {
			snippets = append(snippets, Snippet{ID: m[1], How: m[2], File: m[3], Lang: strings.TrimPrefix(l, "```"), Body: body, Line: i + 1})
		} else {
			for _, s := range sections {
				if s == section {
					unmarked = append(unmarked, Fence{Line: i + 1, Section: section})
				}
			}
		}
		i = end
	}
	return snippets, unmarked
}

// Get returns the README snippet id, failing the test when there is none.
func Get(t testing.TB, id string) Snippet {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(Root(), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	snippets, _ := Parse(string(b))
	for _, s := range snippets {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("README.md has no snippet %q", id)
	return Snippet{}
}
