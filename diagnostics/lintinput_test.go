package diagnostics

import (
	"bytes"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/msls-dev/msls/bench/benchdata"
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/bklint"
)

// TestLintStateAnswersUnchangedLintInput: typing in a comment or a RUN
// script leaves the lint input as it was; the check of that version lints
// nothing and finds what a check without state finds.
func TestLintStateAnswersUnchangedLintInput(t *testing.T) {
	text := benchdata.MustAll(t)[1].Text
	opts := &Options{Lint: &LintState{}}
	prev := dockerfile.Parse(text)
	CheckWith(prev, opts)
	linted := 0
	observeLint = func([]byte, []string) { linted++ }
	defer func() { observeLint = nil }()
	for i, edit := range []struct{ old, new string }{
		{"# Debug image", "# Debug image, typed into"},
		{"RUN chmod 0755 /etc/shop/entrypoint.sh", "RUN chmod 0755 /etc/shop/entrypoint.sh && true"},
	} {
		if !bytes.Contains(text, []byte(edit.old)) {
			t.Fatalf("fixture lacks %q", edit.old)
		}
		next := bytes.Replace(text, []byte(edit.old), []byte(edit.new), 1)
		f := dockerfile.ParseFrom(prev, next)
		got := findingSet(CheckWith(f, opts))
		if linted != 0 {
			t.Errorf("edit %d: the lint input did not change, yet it was linted", i)
		}
		observeLint = nil
		if want := findingSet(CheckWith(dockerfile.Parse(next), nil)); got != want {
			t.Errorf("edit %d: findings from the cache differ\ngot:  %s\nwant: %s", i, got, want)
		}
		observeLint = func([]byte, []string) { linted++ }
	}
	// an edit BuildKit sees is linted
	next := bytes.Replace(text, []byte("WORKDIR /srv/worker"), []byte("WORKDIR srv/worker"), 1)
	CheckWith(dockerfile.Parse(next), opts)
	if linted == 0 {
		t.Error("a changed lint input was answered from the cache")
	}
}

// TestLintStateKeepsOneVersion: a document's state holds the results of its
// last lint only (it is bounded by one version, however many were checked):
// going back to an earlier lint input lints again, and finds what a check
// without state finds.
func TestLintStateKeepsOneVersion(t *testing.T) {
	base := benchdata.MustAll(t)[1].Text
	version := func(i int) []byte {
		return bytes.Replace(base, []byte("WORKDIR /srv/worker"), []byte("WORKDIR /srv/worker"+strings.Repeat("x", i)), 1)
	}
	opts := &Options{Lint: &LintState{}}
	for i := range 20 {
		CheckWith(dockerfile.Parse(version(i)), opts)
	}
	linted := 0
	observeLint = func([]byte, []string) { linted++ }
	defer func() { observeLint = nil }()
	CheckWith(dockerfile.Parse(version(19)), opts)
	if linted != 0 {
		t.Errorf("the last version's lint input was linted again")
	}
	got := findingSet(CheckWith(dockerfile.Parse(version(3)), opts))
	if linted == 0 {
		t.Errorf("an earlier version's lint input was answered from the state")
	}
	observeLint = nil
	if want := findingSet(CheckWith(dockerfile.Parse(version(3)), nil)); got != want {
		t.Errorf("findings differ from a check without state\ngot:  %s\nwant: %s", got, want)
	}
}

// TestCheckLeavesNoGoroutine: nothing CheckWith starts outlives it.
func TestCheckLeavesNoGoroutine(t *testing.T) {
	f := dockerfile.Parse(benchdata.MustAll(t)[1].Text)
	CheckWith(f, nil) // warm up whatever the runtime starts once
	before := runtime.NumGoroutine()
	for range 20 {
		CheckWith(f, &Options{Lint: &LintState{}})
	}
	// a goroutine that has sent its result may not have exited yet
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines before 20 checks, %d after", before, n)
	}
}

// TestRecoveredPanicsAreReported: a rule that panics loses its findings,
// and OnPanic is told, with the stack; so is a panic bklint recovered.
func TestRecoveredPanicsAreReported(t *testing.T) {
	var where []string
	var stack []byte
	opts := &Options{OnPanic: func(w string, v any, s []byte) { where, stack = append(where, w), s }}
	r := &Rule{Code: "Boom", Check: func(*dockerfile.File) []Finding { panic("boom") }}
	if got := runRule(r, dockerfile.Parse([]byte("FROM a\n")), opts); got != nil {
		t.Errorf("a panicking rule gave %v", got)
	}
	if len(where) != 1 || where[0] != "rule Boom" || !bytes.Contains(stack, []byte("runRule")) {
		t.Errorf("OnPanic got %q with stack %q", where, stack)
	}
	opts.declined(&bklint.Panic{Value: "x", Stack: []byte("stack")})
	opts.declined(errors.New("an ordinary decline"))
	if len(where) != 2 || where[1] != "bklint" {
		t.Errorf("OnPanic got %q", where)
	}
}

// TestNeutralCommentMatchesLowerCase: the copy-free test of which comments
// the lint input neutralises says what the lower-cased definition says,
// including where Unicode case folding differs from ASCII's (the Kelvin
// sign lower-cases to "k").
func TestNeutralCommentMatchesLowerCase(t *testing.T) {
	want := func(t string) bool {
		t = strings.ToLower(t)
		return t != "" && t != "c" && !strings.HasPrefix(t, "check")
	}
	for _, c := range []string{"", "c", "C", "cc", "check", "CHECK=skip=all", "Check", "chec", "checkout the code",
		"chec\u212a=skip", "\u212a", "é check", "check é", "ç", "hello", " check", "x"} {
		if got := neutralComment(c); got != want(c) {
			t.Errorf("neutralComment(%q) = %v, want %v", c, got, want(c))
		}
	}
}
