// Package engine holds the state msls keeps between checks of a document, as
// gopls's cache does: made per server session or `msls check` run and passed
// down, so the packages below it stay functions of their inputs. Per open
// document it keeps a diagnostics.LintState (BuildKit's last results and
// bklint's memo, the size of one lint of it), dropped when the document
// closes and renewed when the server lets the document go cold.
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

// Open starts keeping state for doc (afresh, if open); Reset renews it only
// if doc is open. A document that is not open is checked without state: a
// check that began before its document closed leaves nothing behind.
func (e *Engine) Open(doc string)  { e.fresh(doc, true) }
func (e *Engine) Reset(doc string) { e.fresh(doc, false) }

func (e *Engine) fresh(doc string, open bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if open || e.docs[doc] != nil {
		e.docs[doc] = &diagnostics.LintState{}
	}
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
