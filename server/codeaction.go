package server

import (
	"context"
	"encoding/json"
	"time"

	"go.lsp.dev/protocol"

	"github.com/msls-dev/msls/codeactions"
	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/internal/safefs"
)

// codeActionKinds are the kinds msls returns.
var codeActionKinds = []protocol.CodeActionKind{
	protocol.QuickFix,
	protocol.CodeActionKind(codeactions.KindRefactorRewrite),
	protocol.CodeActionKind(codeactions.KindSourceFixAll),
	protocol.CodeActionKind(codeactions.KindFixAllMsls),
}

func init() {
	registerCapability(func(caps *protocol.ServerCapabilities, client *protocol.ClientCapabilities) {
		// CodeActionOptions may only be sent to clients announcing literal support.
		if client != nil && client.TextDocument != nil && client.TextDocument.CodeAction != nil &&
			client.TextDocument.CodeAction.CodeActionLiteralSupport != nil {
			caps.CodeActionProvider = &protocol.CodeActionOptions{CodeActionKinds: codeActionKinds}
			return
		}
		caps.CodeActionProvider = true
	})
	registerRequest(protocol.MethodTextDocumentCodeAction, codeAction)
}

// buildContext is the directory of a file:// document when it lies inside a
// workspace folder, else nil (unknown: the actions then go by the Dockerfile
// alone), so a document opened from elsewhere never makes msls read its
// surroundings. The directory is opened through os.Root on the workspace
// folder (safefs), so a folder swapped for a link on the way cannot lead
// outside it. Callers close it with codeactions.CloseContext.
func (s *Server) buildContext(u protocol.DocumentURI) codeactions.Context {
	dir, root, ok := s.inWorkspace(docDir(u))
	if !ok {
		return nil
	}
	r, err := safefs.OpenRoot(root)
	if err != nil {
		return nil
	}
	defer r.Close()
	sub, err := r.Sub(dir)
	if err != nil {
		return nil
	}
	return codeactions.NewRootContext(sub)
}

// codeActionBudget bounds the time one codeAction request may take; past
// it, reads of the build context fail and the request answers with what it
// has (an error: the client asks again on its next move).
const codeActionBudget = 5 * time.Second

func codeAction(ctx context.Context, s *Server, raw json.RawMessage) (any, error) {
	var p protocol.CodeActionParams
	if err := decodeParams(raw, &p); err != nil {
		return nil, err
	}
	snap, ok := s.Snapshot(ctx, p.TextDocument.URI)
	if !ok {
		return []protocol.CodeAction{}, nil
	}
	f := snap.File()
	ctx, cancel := context.WithTimeout(ctx, codeActionBudget)
	defer cancel()
	bctx := s.buildContext(p.TextDocument.URI)
	defer codeactions.CloseContext(bctx)
	req := codeactions.Request{
		File:     f,
		Range:    RangeToSpan(f, p.Range),
		Findings: snap.Findings(),
		Context:  bctx,
		Ctx:      ctx,
	}
	for _, k := range p.Context.Only {
		req.Only = append(req.Only, codeactions.Kind(k))
	}
	if req.Findings == nil {
		req.Findings = []diagnostics.Finding{}
	}
	acts := codeactions.Actions(req)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	out := make([]any, 0, len(acts))
	for _, a := range acts {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		ca := protocol.CodeAction{
			Title:       a.Title,
			Kind:        protocol.CodeActionKind(a.Kind),
			IsPreferred: a.Preferred,
			Edit: &protocol.WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{
				p.TextDocument.URI: EditsToTextEdits(f, a.Edits),
			}},
		}
		for _, fd := range a.Fixes {
			ca.Diagnostics = append(ca.Diagnostics, Diagnostic(snap, fd))
		}
		out = append(out, ca)
	}
	// writing .dockerignore edits another file (context_features.go)
	if wantsQuickFix(p.Context.Only) {
		out = append(out, s.ignoreFileActions(snap, req.Range)...)
	}
	return out, nil
}
