package diagnostics

import (
	"bytes"
	"math/rand"
	"testing"

	"github.com/msls-dev/msls/bench/benchdata"
	"github.com/msls-dev/msls/dockerfile"
)

// TestPrelintFillsTheCache: typing into the benchmark file's first WORKDIR,
// Prelint (run beside the parse) lints the edited stage, so that the check of
// the new version lints nothing, and finds what a check from scratch finds.
func TestPrelintFillsTheCache(t *testing.T) {
	text := benchdata.MustAll(t)[1].Text
	at := bytes.Index(text, []byte("\nWORKDIR "))
	if at < 0 {
		t.Fatal("fixture lacks a WORKDIR")
	}
	end := at + 1 + bytes.IndexByte(text[at+1:], '\n')
	prev := dockerfile.Parse(text)
	CheckWith(prev, nil)
	for i := range 5 {
		next := append(append(append([]byte{}, text[:end]...), "/sub"+string(rune('a'+i))...), text[end:]...)
		before := prelinted.Load()
		Prelint(prev, next)
		if prelinted.Load() == before {
			t.Fatalf("edit %d: Prelint linted nothing", i)
		}
		linted := 0
		observeLint = func([]byte, []string) { linted++ }
		f := dockerfile.ParseFrom(prev, next)
		got := findingSet(CheckWith(f, nil))
		observeLint = nil
		if linted != 0 {
			t.Errorf("edit %d: the check linted %d texts after Prelint", i, linted)
		}
		if want := findingSet(CheckWith(dockerfile.Parse(next), FirstSight(nil))); got != want {
			t.Errorf("edit %d: findings after Prelint differ\ngot:  %s\nwant: %s", i, got, want)
		}
		prev, text, end = f, next, end+5
	}
}

// TestPrelintNeverChangesFindings: over corpus files, random edits inside
// one line (typing into or deleting from instructions, comments, anything),
// a check after Prelint finds exactly what a first check of the new text
// finds.
func TestPrelintNeverChangesFindings(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	n, bad := 0, 0
	before := prelinted.Load()
	for name, text := range stagedInputs(t) {
		if n++; (testing.Short() && n > 150) || n > 1200 || len(text) == 0 {
			continue
		}
		prev := dockerfile.Parse(text)
		CheckWith(prev, nil)
		for range 3 {
			next := editInLine(r, prev.Text)
			Prelint(prev, next)
			f := dockerfile.ParseFrom(prev, next)
			got := findingSet(CheckWith(f, nil))
			if want := findingSet(CheckWith(dockerfile.Parse(next), FirstSight(nil))); got != want {
				if bad++; bad <= 5 {
					t.Errorf("%s: findings after Prelint differ for\n%s\ngot:  %s\nwant: %s", name, next, got, want)
				}
			}
			prev = f
		}
	}
	storing.Wait()
	if bad > 5 {
		t.Errorf("%d edits differ in all", bad)
	}
	if n > 500 && prelinted.Load()-before < 50 { // with the corpus
		t.Errorf("Prelint linted only %d stages ahead over the edits", prelinted.Load()-before)
	}
	t.Logf("Prelint linted %d stages ahead", prelinted.Load()-before)
}

// editInLine inserts or deletes a few bytes at a random place of a random
// non-empty line, without adding or removing a line.
func editInLine(r *rand.Rand, text []byte) []byte {
	lines := bytes.Split(text, []byte("\n"))
	i := r.Intn(len(lines))
	for tries := 0; len(bytes.TrimSpace(lines[i])) == 0 && tries < 20; tries++ {
		i = r.Intn(len(lines))
	}
	l := lines[i]
	at := r.Intn(len(l) + 1)
	var nl []byte
	if r.Intn(3) == 0 && at < len(l) {
		nl = append(append([]byte{}, l[:at]...), l[at+1:]...)
	} else {
		ins := []string{"x", "$Y", " ", "=", "/", "7", "${HOME}", "\\"}[r.Intn(8)]
		nl = append(append(append([]byte{}, l[:at]...), ins...), l[at:]...)
	}
	lines[i] = nl
	return bytes.Join(lines, []byte("\n"))
}
