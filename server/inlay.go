package server

import (
	"context"
	"encoding/json"

	"go.lsp.dev/protocol"

	"github.com/msls-dev/msls/internal/inlay"
)

// textDocument/inlayHint is LSP 3.17; protocol v0.12.0 has neither the
// method constant nor the types.
const methodInlayHint = "textDocument/inlayHint"

func init() {
	registerExtraCapability("inlayHintProvider", func(json.RawMessage) any { return true })
	registerRequest(methodInlayHint, inlayHints)
}

type inlayHintParams struct {
	TextDocument protocol.TextDocumentIdentifier `json:"textDocument"`
	Range        protocol.Range                  `json:"range"`
}

type inlayHint struct {
	Position    protocol.Position `json:"position"`
	Label       string            `json:"label"`
	Kind        int               `json:"kind,omitempty"`
	Tooltip     string            `json:"tooltip,omitempty"`
	PaddingLeft bool              `json:"paddingLeft,omitempty"`
}

func inlayHints(ctx context.Context, s *Server, raw json.RawMessage) (any, error) {
	var p inlayHintParams
	snap, err := s.openDocument(ctx, raw, &p, func() protocol.DocumentURI { return p.TextDocument.URI })
	if snap == nil {
		return nil, err
	}
	f := snap.File()
	hints := inlay.Hints(f, RangeToSpan(f, p.Range))
	out := make([]inlayHint, 0, len(hints))
	for _, h := range hints {
		out = append(out, inlayHint{
			Position:    OffsetToPosition(f, h.Offset),
			Label:       h.Label,
			Kind:        int(h.Kind),
			Tooltip:     h.Tooltip,
			PaddingLeft: h.PaddingLeft,
		})
	}
	return out, nil
}
