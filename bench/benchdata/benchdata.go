// Package benchdata gives the go benchmarks of every msls package the same
// three Dockerfiles: a small (10-line) and a medium (198-line) one from
// testdata/bench, and a large (10,000-line) one generated from the medium one
// so that a multi-megabyte fixture need not live in the repository.
//
// It is imported only by _test.go files.
package benchdata

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"
)

// Names of the fixture files under testdata/bench.
const (
	SmallFile  = "small-10.Dockerfile"
	MediumFile = "multistage-198.Dockerfile"
)

// LargeLines is the minimum line count of Large.
const LargeLines = 10000

// Size is one benchmark input.
type Size struct {
	Name string // "small", "medium" or "large"
	Text []byte
}

// Lines counts the lines of the text (a final line without a line break
// counts).
func (s Size) Lines() int { return countLines(s.Text) }

var (
	once    sync.Once
	sizes   []Size
	loadErr error
)

// All returns the small, medium and large inputs, in that order. Callers must
// not modify the returned bytes.
func All() ([]Size, error) {
	once.Do(func() {
		var small, medium []byte
		small, loadErr = Read(SmallFile)
		if loadErr != nil {
			return
		}
		medium, loadErr = Read(MediumFile)
		if loadErr != nil {
			return
		}
		sizes = []Size{
			{Name: "small", Text: small},
			{Name: "medium", Text: medium},
			{Name: "large", Text: Large(medium, LargeLines)},
		}
	})
	return sizes, loadErr
}

// TB is the part of testing.TB the helpers need.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
}

// MustAll is All for benchmarks: it stops the benchmark when the fixtures are
// missing.
func MustAll(tb TB) []Size {
	tb.Helper()
	s, err := All()
	if err != nil {
		tb.Fatalf("benchdata: %v", err)
	}
	return s
}

// Read returns a file of testdata/bench, found by walking up from the working
// directory (go test runs in the package directory) to the module root.
func Read(name string) ([]byte, error) {
	root, err := ModuleRoot()
	if err != nil {
		return nil, err
	}
	return os.ReadFile(filepath.Join(root, "testdata", "bench", name))
}

// ModuleRoot is the nearest directory at or above the working directory that
// holds a go.mod.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

var (
	stageNameRE = regexp.MustCompile(`(?mi)^(FROM[ \t].*[ \t]AS[ \t]+)([A-Za-z0-9_.-]+)[ \t]*$`)
	directiveRE = regexp.MustCompile(`^(#[^\n]*\n)+`)
)

// Large repeats the body of a Dockerfile (its parser directives once, at the
// top) until the result has at least minLines lines. Every copy renames its
// stages (`AS name` becomes `AS name-<copy>`) so the result stays a valid,
// realistic file with many distinct stages rather than one with thousands of
// duplicate stage names. Later copies' `FROM name` and `--from=name` still
// point at the first copy's stages; that is valid and keeps the references
// resolvable.
func Large(base []byte, minLines int) []byte {
	head := directiveRE.Find(base)
	body := base[len(head):]
	if len(bytes.TrimSpace(body)) == 0 {
		return append([]byte{}, base...)
	}
	if body[len(body)-1] != '\n' {
		body = append(append([]byte{}, body...), '\n')
	}
	bodyLines := countLines(body)
	var b bytes.Buffer
	b.Write(head)
	lines := countLines(head)
	for copyIdx := 0; lines < minLines; copyIdx++ {
		if copyIdx == 0 {
			b.Write(body)
		} else {
			suffix := fmt.Sprintf("${2}-%d", copyIdx)
			b.Write(stageNameRE.ReplaceAll(body, []byte("${1}"+suffix)))
		}
		lines += bodyLines
	}
	return b.Bytes()
}

func countLines(b []byte) int {
	n := bytes.Count(b, []byte{'\n'})
	if len(b) > 0 && b[len(b)-1] != '\n' {
		n++
	}
	return n
}

// SingleStage is a single-stage Node.js Dockerfile of about lines lines, the
// input the split refactor rewrites: the application part is fixed and
// LABEL/ENV/RUN lines pad it, as in long hand-grown Dockerfiles.
func SingleStage(lines int) []byte {
	var b bytes.Buffer
	b.WriteString("# syntax=docker/dockerfile:1\n# A single-stage build that both builds and runs the app.\nFROM node:20\nWORKDIR /app\n")
	tail := "COPY . .\nRUN npm install\nRUN npm run build\nEXPOSE 3000\nCMD [\"node\", \"dist/server.js\"]\n"
	n := 4
	for i := 0; n+5 < lines; i++ {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "LABEL com.example.build.step%d=\"value %d\"\n", i, i)
		case 1:
			fmt.Fprintf(&b, "ENV FEATURE_FLAG_%d=on\n", i)
		case 2:
			fmt.Fprintf(&b, "# step %d: keep the tool set in sync with CI\n", i)
		case 3:
			fmt.Fprintf(&b, "RUN echo \"configure step %d\" > /tmp/step-%d.txt\n", i, i)
		}
		n++
	}
	b.WriteString(tail)
	return b.Bytes()
}

// SingleStageSizes are SingleStage inputs of 10, 200 and 10,000 lines.
func SingleStageSizes() []Size {
	return []Size{
		{Name: "small", Text: SingleStage(10)},
		{Name: "medium", Text: SingleStage(200)},
		{Name: "large", Text: SingleStage(LargeLines)},
	}
}
