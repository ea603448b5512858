package server

import (
	"context"
	"encoding/json"

	"go.lsp.dev/protocol"

	"github.com/msls-dev/msls/codeactions"
	"github.com/msls-dev/msls/diagnostics"
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
// surroundings.
func (s *Server) buildContext(u protocol.DocumentURI) codeactions.Context {
	dir, _, ok := s.inWorkspace(docDir(u))
	if !ok {
		return nil
	}
	return codeactions.NewDirContext(dir)
}

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
	req := codeactions.Request{
		File:     f,
		Range:    RangeToSpan(f, p.Range),
		Findings: snap.Findings(),
		Context:  s.buildContext(p.TextDocument.URI),
	}
	for _, k := range p.Context.Only {
		req.Only = append(req.Only, codeactions.Kind(k))
	}
	if req.Findings == nil {
		req.Findings = []diagnostics.Finding{}
	}
	acts := codeactions.Actions(req)
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
