package diagnostics

import (
	"bytes"
	"sync/atomic"

	"github.com/msls-dev/msls/dockerfile"
)

// A keystroke inside an instruction makes its stage's mini file linted
// again, and that lint used to wait for the parse of the new version (on the
// 198-line benchmark file, ~0.17 ms of parse, then ~0.27 ms of BuildKit's
// checks). Prelint runs beside the parse: while the line structure of the
// file stays as it was, the new lint text is the previous one with the edited
// line replaced, so the stage's mini file can be built, and its warnings
// cached, from the previous version's plan. Nothing is trusted: the cache is
// keyed by a hash of every part of the mini file, so the check of the new
// version only uses what Prelint stored if it builds the very same mini file,
// and lints the stage itself otherwise.

// prelintMaxStages bounds the stages Prelint lints ahead: an edit that
// changes more than a couple is rare and the check lints those in one pass.
const prelintMaxStages = 2

// Prelint lints ahead the stages whose warnings a version of the document
// made from prev by an edit into text will need. It is safe to call at any
// time with any prev and text, and never changes a result, only when it is
// ready.
func Prelint(prev *dockerfile.File, text []byte) {
	defer func() { _ = recover() }() // ahead-of-time work must not take the caller down
	if !lintEngine || prev == nil || len(prev.Instructions) == 0 {
		return
	}
	spec, in, ok := dockerfile.PredictLintInput(prev, text)
	if !ok || in.Stage < 0 || in.Is("FROM") {
		return // a FROM or header line changes the plan
	}
	p, ok := planStages(prev, spec)
	if !ok {
		return
	}
	aheadPlan.Store(p)
	if _, ok := bkCache.get(p.headerKey); !ok {
		return
	}
	n := 0
	for i, k := range p.keys {
		if n == prelintMaxStages {
			return
		}
		if !bkCache.claim(k) {
			continue // cached, or being linted
		}
		n++
		func() {
			defer bkCache.release(k)
			if own, _, ok := p.lintGroup(i, i+1, false); ok {
				bkCache.put(k, own[0])
				prelinted.Add(1)
			}
		}()
	}
}

// aheadPlan is the plan Prelint made last: the check of the version it
// foresaw, which has the same lint text, takes it instead of planning again.
var aheadPlan atomic.Pointer[stagePlan]

// planFor is planStages(f, text), or Prelint's plan when it was made for the
// same lint text and the same stages (the plan reads nothing else of the file
// but its FROM lines).
func planFor(f *dockerfile.File, text []byte) (*stagePlan, bool) {
	if a := aheadPlan.Load(); a != nil && bytes.Equal(a.text, text) && sameFroms(a.f, f) {
		c := *a
		c.f = f
		return &c, true
	}
	return planStages(f, text)
}

// sameFroms reports whether a and b have the same FROM instructions, as
// written, on the same lines.
func sameFroms(a, b *dockerfile.File) bool {
	if len(a.Stages) != len(b.Stages) {
		return false
	}
	for i, st := range a.Stages {
		bt := b.Stages[i]
		if st.From.StartLine != bt.From.StartLine || (st.From.Err == nil) != (bt.From.Err == nil) ||
			a.Slice(st.From.Span) != b.Slice(bt.From.Span) {
			return false
		}
	}
	return true
}

// prelinted counts the stages Prelint linted (tests).
var prelinted atomic.Int64
