package diagnostics

import (
	"container/list"
	"crypto/sha256"
	"strings"
	"sync"

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
// and LintCache answers for it.

// lintText is the lint input with the lines bad reports emptied (or, with an
// entry in stub, given that text).
func lintText(f *dockerfile.File, bad func(line int) bool, stub map[int]string) []byte {
	neutral := lintNeutral(f)
	return f.BuildKitText(func(line int) (string, bool) { return lintOverride(line, bad, neutral, stub) })
}

// lintOverride is the lint input's line when it is not the file's own.
func lintOverride(line int, bad func(int) bool, neutral map[int]bool, stub map[int]string) (string, bool) {
	switch {
	case bad != nil && bad(line):
		return stub[line], true
	case neutral[line]:
		return "#c", true
	}
	return "", false
}

// lintLine is the lint input's line outside a compacted RUN.
func lintLine(f *dockerfile.File, line int, bad func(int) bool, neutral map[int]bool, stub map[int]string) []byte {
	if t, ok := lintOverride(line, bad, neutral, stub); ok {
		return []byte(t)
	}
	return f.Text[f.Lines.LineStart(line):f.Lines.LineEnd(line)]
}

// lintNeutral is the set of comment lines the lint input writes as "#c" (nil
// when the file enables experimental checks).
func lintNeutral(f *dockerfile.File) map[int]bool {
	if d, ok := f.Directive("check"); ok && strings.Contains(strings.ToLower(d.Value), "experimental") {
		return nil
	}
	neutral := make(map[int]bool, len(f.Comments))
	for _, c := range f.Comments {
		t := strings.ToLower(c.Text)
		if t != "" && t != "c" && !strings.HasPrefix(t, "check") {
			neutral[f.Lines.Line(c.Span.Start)] = true
		}
	}
	return neutral
}

// LintCache remembers BuildKit's lint results of a document's versions by
// their lint input, so that a keystroke that leaves the lint input as it was
// (in a comment, in a RUN script, undo) costs no lint. It is bounded in
// bytes (the least recently used results go first) and a document's results
// are dropped when it closes (Forget). Safe for concurrent use.
//
// It also keeps, per document, what bklint's last lint of it computed
// (bklint.Memo), so that a keystroke into an instruction dispatches only the
// stages it changed; that is bounded by the document's size.
type LintCache struct {
	mu    sync.Mutex
	max   int
	used  int
	lru   list.List // of *lintEntry, the most recently used in front
	byKey map[lintKey]*list.Element
	memos map[string]*bklint.Memo // by document
}

type lintKey struct {
	doc string
	sum [sha256.Size]byte
}

type lintEntry struct {
	key  lintKey
	res  *lint.LintResults
	size int
}

// NewLintCache returns a cache holding at most maxBytes of results.
func NewLintCache(maxBytes int) *LintCache {
	return &LintCache{max: maxBytes, byKey: map[lintKey]*list.Element{}, memos: map[string]*bklint.Memo{}}
}

// memo returns the document's bklint.Memo (nil without a cache).
func (c *LintCache) memo(doc string) *bklint.Memo {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.memos[doc]
	if m == nil {
		m = &bklint.Memo{}
		c.memos[doc] = m
	}
	return m
}

func (c *LintCache) get(k lintKey) (*lint.LintResults, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[k]
	if !ok {
		return nil, false
	}
	c.lru.MoveToFront(e)
	return e.Value.(*lintEntry).res, true
}

func (c *LintCache) put(k lintKey, res *lint.LintResults) {
	if c == nil || res == nil {
		return
	}
	size := resultSize(k, res)
	c.mu.Lock()
	defer c.mu.Unlock()
	if size > c.max {
		return
	}
	if e, ok := c.byKey[k]; ok {
		c.remove(e)
	}
	c.byKey[k] = c.lru.PushFront(&lintEntry{k, res, size})
	c.used += size
	for c.used > c.max {
		c.remove(c.lru.Back())
	}
}

func (c *LintCache) remove(e *list.Element) {
	le := c.lru.Remove(e).(*lintEntry)
	delete(c.byKey, le.key)
	c.used -= le.size
}

// Forget drops the results of a document (it was closed).
func (c *LintCache) Forget(doc string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.memos, doc)
	for e := c.lru.Front(); e != nil; {
		next := e.Next()
		if e.Value.(*lintEntry).key.doc == doc {
			c.remove(e)
		}
		e = next
	}
}

// Bytes is what the cache holds, as it counts it.
func (c *LintCache) Bytes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.used
}

// resultSize estimates the bytes an entry keeps alive: its strings and a
// fixed cost per warning and per entry (headers, slices, the list element).
func resultSize(k lintKey, res *lint.LintResults) int {
	n := 256 + len(k.doc)
	for _, w := range res.Warnings {
		n += 192 + len(w.RuleName) + len(w.Description) + len(w.URL) + len(w.Detail)
	}
	if res.Error != nil {
		n += 64 + len(res.Error.Message)
	}
	return n
}
