// Package engine holds the state msls keeps between checks of a document,
// as gopls's cache does: the server makes one per session and `msls check`
// one per run, and they pass it down. The packages below it (dockerfile,
// diagnostics, ...) are functions of their inputs: they keep no state of
// their own and start no goroutine that outlives a call.
//
// Today the state is, per open document, what BuildKit's checks keep between
// its versions (diagnostics.LintState: the last results, so that a keystroke
// in a comment or a RUN script costs no lint, and bklint's memo, so that a
// keystroke into an instruction dispatches only the stages it changed), the
// size of one lint of the document; it is dropped when the document closes.
package engine

import (
	"sync"

	"go.uber.org/zap"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
)

// Engine is the state shared by the checks of one server session or one
// `msls check` run. Safe for concurrent use.
type Engine struct {
	mu   sync.Mutex
	docs map[string]*diagnostics.LintState
	log  *zap.Logger
}

// New returns an Engine that logs recovered panics to log (nil: nowhere).
func New(log *zap.Logger) *Engine {
	if log == nil {
		log = zap.NewNop()
	}
	return &Engine{docs: map[string]*diagnostics.LintState{}, log: log}
}

// Open starts keeping state for the document doc (afresh, if it was open).
// A document that is not open is checked without state: a check that began
// before its document closed leaves nothing behind.
func (e *Engine) Open(doc string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.docs[doc] = &diagnostics.LintState{}
}

// Check runs the rules configured by opts (nil: the defaults) over f, a
// version of the document doc (a URI or a path), with the Engine's caches.
func (e *Engine) Check(doc string, f *dockerfile.File, opts *diagnostics.Options) []diagnostics.Finding {
	var o diagnostics.Options
	if opts != nil {
		o = *opts
	}
	e.mu.Lock()
	o.Lint = e.docs[doc]
	e.mu.Unlock()
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
func (e *Engine) Close(doc string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.docs, doc)
}

// Docs is the number of documents the Engine keeps state for.
func (e *Engine) Docs() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.docs)
}
