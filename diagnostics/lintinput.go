package diagnostics

import (
	"crypto/sha256"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/moby/buildkit/frontend/subrequests/lint"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/bklint"
)

// BuildKit's build checks get the file's compact text (dockerfile.File's
// BuildKitText: a shell-form RUN's command is a placeholder, see
// dockerfile/compact.go) with two more changes, line for line:
//   - the lines of instructions with a parse error and of invalid parser
//     directives are emptied (a FROM in error becomes `FROM scratch`), so
//     that one bad line does not hide the checks of the rest (lintBadLines);
//   - every comment line becomes "#c" except `# check=...` lines
//     (per-instruction check settings) and empty ones (which end a comment
//     block), unless the file enables experimental checks, one of which
//     reads the comments above ARG and FROM (lintNeutral).
// So typing in a comment or a RUN script leaves the lint input unchanged,
// and the document's LintState answers for it.

// lintText is the lint input with the lines bad reports emptied (or, with an
// entry in stub, given that text).
func lintText(f *dockerfile.File, bad func(line int) bool, stub map[int]string) []byte {
	neutral := lintNeutral(f)
	return f.BuildKitText(func(line int) (string, bool) { return lintOverride(line, bad, neutral, stub) })
}

// lintOverride is the lint input's line when it is not the file's own.
func lintOverride(line int, bad func(int) bool, neutral lineSet, stub map[int]string) (string, bool) {
	switch {
	case bad != nil && bad(line):
		return stub[line], true
	case neutral.has(line):
		return "#c", true
	}
	return "", false
}

// lintLine is the lint input's line outside a compacted RUN.
func lintLine(f *dockerfile.File, line int, bad func(int) bool, neutral lineSet, stub map[int]string) []byte {
	if t, ok := lintOverride(line, bad, neutral, stub); ok {
		return []byte(t)
	}
	return f.Text[f.Lines.LineStart(line):f.Lines.LineEnd(line)]
}

// lineSet is a set of 0-based lines, indexed by line (nil: empty).
type lineSet []bool

func (s lineSet) has(line int) bool { return line >= 0 && line < len(s) && s[line] }

// lintNeutral is the set of comment lines the lint input writes as "#c" (nil
// when the file enables experimental checks); a slice, built twice per lint.
func lintNeutral(f *dockerfile.File) lineSet {
	if d, ok := f.Directive("check"); ok && strings.Contains(strings.ToLower(d.Value), "experimental") {
		return nil
	}
	neutral := make(lineSet, f.Lines.LineCount())
	for _, c := range f.Comments {
		if neutralComment(c.Text) {
			neutral[f.Lines.Line(c.Span.Start)] = true
		}
	}
	return neutral
}

// neutralComment reports whether a comment's text is neither empty, "c" nor
// a `check` setting, in any case (lower-cased only when not ASCII: no copy).
func neutralComment(t string) bool {
	if strings.IndexFunc(t, func(r rune) bool { return r >= utf8.RuneSelf }) >= 0 {
		t = strings.ToLower(t)
	}
	return t != "" && !strings.EqualFold(t, "c") && !(len(t) >= 5 && strings.EqualFold(t[:5], "check"))
}

// LintState is what BuildKit's checks keep between the versions of one
// document: the last lint input's hash and results, so that a keystroke that
// leaves the lint input as it was (in a comment, in a RUN script) costs no
// lint, and bklint's Memo, so that a keystroke into an instruction dispatches
// only the stages it changed. Both are the size of one version's lint. Its
// owner (the engine) keeps one per open document and drops it when the
// document closes. Safe for concurrent use.
type LintState struct {
	mu   sync.Mutex
	sum  [sha256.Size]byte
	res  *lint.LintResults
	memo bklint.Memo
}

// last returns the results of the last lint when its input had hash sum.
func (st *LintState) last(sum [sha256.Size]byte) (*lint.LintResults, bool) {
	if st == nil {
		return nil, false
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.res, st.res != nil && st.sum == sum
}

// keep records res as the results for the lint input of hash sum.
func (st *LintState) keep(sum [sha256.Size]byte, res *lint.LintResults) {
	if st == nil || res == nil {
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	st.sum, st.res = sum, res
}
