// Package engine holds the state msls keeps between checks of a document,
// as gopls's cache does: the server makes one per session and `msls check`
// one per run, and they pass it down. The packages below it (dockerfile,
// diagnostics, ...) are functions of their inputs: they keep no state of
// their own and start no goroutine that outlives a call.
//
// Today the state is BuildKit's lint results by document (a keystroke in a
// comment or a RUN script leaves BuildKit's input unchanged: no lint),
// bounded in bytes, and what bklint's last pass over each document computed
// (bklint.Memo: a keystroke into an instruction dispatches only the stages it
// changed), the size of one pass; both are dropped when the document closes.
package engine

import (
	"go.uber.org/zap"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
)

// LintCacheBytes bounds the BuildKit lint results an Engine keeps, over all
// documents. A result is a few kilobytes at most (one per warning), so this
// holds many versions of every open document.
const LintCacheBytes = 4 << 20

// Engine is the state shared by the checks of one server session or one
// `msls check` run. Safe for concurrent use.
type Engine struct {
	lint *diagnostics.LintCache
	log  *zap.Logger
}

// New returns an Engine that logs recovered panics to log (nil: nowhere).
func New(log *zap.Logger) *Engine {
	if log == nil {
		log = zap.NewNop()
	}
	return &Engine{lint: diagnostics.NewLintCache(LintCacheBytes), log: log}
}

// Check runs the rules configured by opts (nil: the defaults) over f, a
// version of the document doc (a URI or a path), with the Engine's caches.
func (e *Engine) Check(doc string, f *dockerfile.File, opts *diagnostics.Options) []diagnostics.Finding {
	var o diagnostics.Options
	if opts != nil {
		o = *opts
	}
	o.Lint, o.Doc = e.lint, doc
	o.OnPanic = func(where string, v any, stack []byte) {
		e.log.Error("panic recovered: findings left out", zap.String("in", where), zap.String("doc", doc),
			zap.Any("panic", v), zap.ByteString("stack", stack))
	}
	for _, p := range f.Panics {
		e.log.Error("panic recovered in BuildKit's parser: the instruction is reported as a parse error",
			zap.String("doc", doc), zap.Int("line", p.Line+1), zap.Any("panic", p.Value), zap.ByteString("stack", p.Stack))
	}
	return diagnostics.CheckWith(f, &o)
}

// Close drops what the Engine keeps for the document doc.
func (e *Engine) Close(doc string) { e.lint.Forget(doc) }

// CacheBytes is what the Engine's caches hold, as they count it.
func (e *Engine) CacheBytes() int { return e.lint.Bytes() }
