package bklint

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/msls-dev/msls/internal/corpustest"
)

// largeFrom renames a stage per copy, as bench/compare.sh LARGE does.
var largeFrom = regexp.MustCompile(`^(FROM[ \t].*[ \t]AS[ \t]+)([A-Za-z0-9_.-]+)[ \t]*$`)

// benchFiles are the 198-line fixture and the ~10,000-line file bench/compare.sh
// builds from it: its first two lines, then its body 52 times, stages renamed
// in copies 1..51.
func benchFiles(b *testing.B) map[string][]byte {
	root, err := corpustest.RepoRoot()
	if err != nil {
		b.Fatal(err)
	}
	small, err := os.ReadFile(filepath.Join(root, "testdata", "bench", "multistage-198.Dockerfile"))
	if err != nil {
		b.Fatal(err)
	}
	lines := strings.SplitAfter(string(small), "\n")
	var large strings.Builder
	for _, l := range lines {
		large.WriteString(l)
	}
	for i := 1; i <= 51; i++ {
		for _, l := range lines[2:] {
			body, nl := strings.CutSuffix(l, "\n")
			if m := largeFrom.FindStringSubmatch(body); m != nil {
				body = fmt.Sprintf("%s%s-%d", m[1], m[2], i)
			}
			large.WriteString(body)
			if nl {
				large.WriteByte('\n')
			}
		}
	}
	return map[string][]byte{"multistage-198": small, "large": []byte(large.String())}
}

// BenchmarkLint compares Lint on an already parsed file (what msls has) with
// DockerfileLint on its text (which parses again and builds LLB).
func BenchmarkLint(b *testing.B) {
	for _, name := range []string{"multistage-198", "large"} {
		text := benchFiles(b)[name]
		env := EnvFor(text)
		res, err := parser.Parse(bytes.NewReader(text))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Lint(text, res, nil, env, nil); err != nil {
			b.Fatalf("%s: Lint declined", name)
		}
		b.Run(name+"/Lint", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Lint(text, res, nil, env, nil)
			}
		})
		b.Run(name+"/DockerfileLint", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := dockerfileLint(text, env); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/Parse", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := parser.Parse(bytes.NewReader(text)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLintMemo is a keystroke into an instruction of an early stage as
// bklint sees it: two versions of a file that differ in one word, linted in
// turn with the typed commands msls has, with and without the document's Memo.
func BenchmarkLintMemo(b *testing.B) {
	root, err := corpustest.RepoRoot()
	if err != nil {
		b.Fatal(err)
	}
	files := map[string]string{
		"fixture198": filepath.Join(root, "testdata", "bench", "multistage-198.Dockerfile"),
		"monorepo":   filepath.Join(root, "testdata", "bench", "monorepo-node-go-python.Dockerfile"),
	}
	if dir, ok := corpustest.Dir(); ok {
		files["moby649"] = filepath.Join(dir, "files", "moby__moby", "Dockerfile")
		files["buildkit511"] = filepath.Join(dir, "files", "moby__buildkit", "Dockerfile")
	}
	for _, name := range []string{"fixture198", "monorepo", "moby649", "buildkit511"} {
		path, ok := files[name]
		if !ok {
			continue
		}
		text, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		// the first WORKDIR, COPY or ENV after the second FROM gets a new word
		at := bytes.Index(text, []byte("\nFROM "))
		at += 1 + bytes.Index(text[at+1:], []byte("\nFROM "))
		var edit int
		for _, kw := range []string{"\nWORKDIR ", "\nCOPY ", "\nENV "} {
			if i := bytes.Index(text[at:], []byte(kw)); i >= 0 && (edit == 0 || at+i < edit) {
				edit = at + i + len(kw)
			}
		}
		var versions [2]struct {
			res  *parser.Result
			cmds []any
			text []byte
			env  []string
		}
		for v := range versions {
			t := append(append(append([]byte(nil), text[:edit]...), fmt.Sprintf("x%d", v)...), text[edit:]...)
			res, err := parser.Parse(bytes.NewReader(t))
			if err != nil {
				b.Fatal(err)
			}
			versions[v].res, versions[v].env = res, EnvFor(t)
			versions[v].text = t
			for _, node := range res.AST.Children {
				versions[v].cmds = append(versions[v].cmds, typedCommand(node))
			}
		}
		for _, memoised := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/memo=%v", name, memoised), func(b *testing.B) {
				var memo *Memo
				if memoised {
					memo = &Memo{}
				}
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					v := versions[i%2]
					i++
					if _, err := Lint(v.text, v.res, v.cmds, v.env, memo); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
