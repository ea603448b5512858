package dockerfile_test

import (
	"bytes"
	"math/rand"
	"os"
	"strings"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/corpustest"
)

// TestSplicedLintInputMatches: a version parsed from the previous one by an
// edit inside one line takes its lint input from the previous version's
// (the edited line replaced) only when that is exactly the lint input made
// from scratch; typing of every kind (keywords, flags, quotes, a trailing
// backslash, a heredoc opener, a comment marker, deletions) over the corpus.
func TestSplicedLintInputMatches(t *testing.T) {
	srcs := fixtureSources(t)
	if dir, ok := corpustest.Dir(); ok {
		files, err := corpustest.Files(dir)
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range files {
			if testing.Short() && i%10 != 0 {
				continue
			}
			if b, err := os.ReadFile(p); err == nil {
				srcs[p] = b
			}
		}
	}
	inserts := []string{"x", "ab", " ", "\\", "#", "# ", "$", "${A}", "\"", "'", "[", "]", "=", "--", "--from=a ", "--bogus ",
		"<<EOF", "`", "AS x", " as ", "é", "\t", "RUN", "run", "COPY", "JSON", "[\"a\"]"}
	r := rand.New(rand.NewSource(3))
	spliced, bad := 0, 0
	for name, src := range srcs {
		f := dockerfile.Parse(src)
		f.LintInput()
		for range 8 {
			next := editWithinLine(r, f.Text, inserts)
			g := dockerfile.ParseFrom(f, next)
			if got, ok := dockerfile.SplicedLintInput(g); ok {
				spliced++
				if want := g.LintTextStubbed(g.LintBadLines()); !bytes.Equal(got, want) {
					if bad++; bad <= 5 {
						t.Errorf("%s: spliced lint input differs after editing into\n%s\ngot:\n%s\nwant:\n%s", name, next, got, want)
					}
				}
			}
			if got, want := g.LintInput(), g.LintTextStubbed(g.LintBadLines()); !bytes.Equal(got, want) && bad < 5 {
				bad++
				t.Errorf("%s: LintInput differs from the lint text", name)
			}
			f = g
		}
	}
	if bad > 5 {
		t.Errorf("%d versions differ in all", bad)
	}
	t.Logf("%d lint inputs spliced", spliced)
	if len(srcs) > 1000 && spliced < 1000 { // with the corpus
		t.Errorf("only %d lint inputs were spliced from the previous version's", spliced)
	} else if spliced < 100 {
		t.Errorf("only %d lint inputs were spliced from the previous version's", spliced)
	}
}

// editWithinLine inserts one of inserts at a random place of a random line,
// or deletes a byte of it, leaving the line count as it is.
func editWithinLine(r *rand.Rand, text []byte, inserts []string) []byte {
	lines := strings.Split(string(text), "\n")
	i := r.Intn(len(lines))
	for tries := 0; strings.TrimSpace(lines[i]) == "" && tries < 10; tries++ {
		i = r.Intn(len(lines))
	}
	l := strings.TrimSuffix(lines[i], "\r")
	cr := len(l) < len(lines[i])
	at := r.Intn(len(l) + 1)
	if r.Intn(4) == 0 && at < len(l) {
		l = l[:at] + l[at+1:]
	} else {
		l = l[:at] + inserts[r.Intn(len(inserts))] + l[at:]
	}
	if cr {
		l += "\r"
	}
	lines[i] = l
	return []byte(strings.Join(lines, "\n"))
}
