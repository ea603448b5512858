// Package codeactions computes msls's code actions: quick fixes for the
// findings of the diagnostics package, "ignore" actions, source.fixAll, and
// the refactor that splits a single-stage Dockerfile into deps -> builder ->
// runner stages. It returns plain values (titles, kinds, edits on model
// spans); the server converts them to LSP and `msls fix` applies them.
package codeactions

import (
	"context"
	"sort"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
)

// Kind is an LSP CodeActionKind.
type Kind string

const (
	KindQuickFix        Kind = "quickfix"
	KindRefactor        Kind = "refactor"
	KindRefactorRewrite Kind = "refactor.rewrite"
	KindSource          Kind = "source"
	KindSourceFixAll    Kind = "source.fixAll"
	// KindFixAllMsls is msls's own fix-all kind, so editors can run it
	// alone on save.
	KindFixAllMsls Kind = "source.fixAll.msls"
)

// Action is one code action.
type Action struct {
	Title string
	Kind  Kind
	// Edits apply to the Dockerfile the action was computed for; they never
	// overlap.
	Edits []dockerfile.Edit
	// Fixes are the findings this action resolves (LSP `diagnostics`).
	Fixes     []diagnostics.Finding
	Preferred bool
	// Safe actions are applied by source.fixAll and `msls fix` unasked.
	Safe bool
}

// Request says what the client asks for.
type Request struct {
	File *dockerfile.File
	// Range is the selection (or cursor, an empty span).
	Range dockerfile.Span
	// Findings are the file's current findings (all of them; the actions
	// pick those that touch Range). When nil, they are computed.
	Findings []diagnostics.Finding
	// Context is the build context; nil when unknown.
	Context Context
	// Only restricts the kinds (LSP CodeActionContext.only); empty = all.
	Only []Kind
	// Ctx, when set, bounds the work: once it is cancelled or past its
	// deadline, reads of the build context fail and Actions returns what it
	// has (nothing, when cancelled before it starts).
	Ctx context.Context
}

// wants reports whether kind k passes the Only filter: a requested kind
// covers its sub-kinds ("refactor" covers "refactor.rewrite").
func (r *Request) wants(k Kind) bool {
	if len(r.Only) == 0 {
		// Fix-all is a source action: clients ask for it by kind.
		return k != KindFixAllMsls && k != KindSourceFixAll
	}
	for _, o := range r.Only {
		if o == k || (len(k) > len(o) && string(k[:len(o)]) == string(o) && k[len(o)] == '.') {
			return true
		}
	}
	return false
}

// Actions lists the code actions available for the request, in a stable
// order: quick fixes of the findings under the range (preferred first), then
// ignore actions, the split refactor, and fix-all.
func Actions(req Request) []Action {
	f := req.File
	if f == nil {
		return nil
	}
	ctx := req.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	if ctx.Err() != nil {
		return nil
	}
	req.Context = WithContext(ctx, req.Context)
	findings := req.Findings
	if findings == nil {
		findings = diagnostics.Check(f)
	}
	var out []Action
	if req.wants(KindQuickFix) {
		var fixes, ignores []Action
		for _, fd := range findings {
			if !touches(fd.Span, req.Range) {
				continue
			}
			if ctx.Err() != nil {
				return nil
			}
			for _, a := range QuickFixes(f, fd, req.Context) {
				a.Fixes = []diagnostics.Finding{fd}
				fixes = append(fixes, a)
			}
			for _, a := range IgnoreActions(f, fd) {
				a.Fixes = []diagnostics.Finding{fd}
				ignores = append(ignores, a)
			}
		}
		sort.SliceStable(fixes, func(i, j int) bool { return fixes[i].Preferred && !fixes[j].Preferred })
		out = append(out, fixes...)
		out = append(out, ignores...)
	}
	if ctx.Err() != nil {
		return nil
	}
	if req.wants(KindRefactorRewrite) {
		if a, ok := SplitAction(f, req.Context, req.Range); ok {
			out = append(out, a)
		}
	}
	if ctx.Err() != nil {
		return nil
	}
	if req.wants(KindFixAllMsls) || req.wants(KindSourceFixAll) {
		if a, ok := FixAll(f, findings, req.Context); ok {
			if !req.wants(KindFixAllMsls) {
				a.Kind = KindSourceFixAll
			}
			out = append(out, a)
		}
	}
	if ctx.Err() != nil {
		// a half-computed list (a split declined because its reads were
		// cut off) must not pass for the real one
		return nil
	}
	return out
}

// touches reports whether a finding's span meets the requested range; a
// cursor touching either end of the finding counts.
func touches(s, r dockerfile.Span) bool {
	return r.Start <= s.End && s.Start <= r.End
}
