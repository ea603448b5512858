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
		check, _, _, _ := parser.ParseDirective("check", text)
		if _, err := Lint(res, check, env); err != nil {
			b.Fatalf("%s: Lint declined", name)
		}
		b.Run(name+"/Lint", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Lint(res, check, env)
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
