package server

import (
	"context"
	"encoding/json"

	"go.lsp.dev/protocol"

	"github.com/msls-dev/msls/internal/semantic"
)

func init() {
	registerCapability(func(caps *protocol.ServerCapabilities, _ *protocol.ClientCapabilities) {
		caps.SemanticTokensProvider = map[string]any{
			"legend": map[string]any{
				"tokenTypes":     semantic.TokenTypes,
				"tokenModifiers": semantic.TokenModifiers,
			},
			"full":  true,
			"range": true,
		}
	})
	registerRequest(protocol.MethodSemanticTokensFull, semanticFull)
	registerRequest(protocol.MethodSemanticTokensRange, semanticRange)
}

type semanticTokensResult struct {
	Data []uint32 `json:"data"`
}

func semanticFull(ctx context.Context, s *Server, raw json.RawMessage) (any, error) {
	var p protocol.SemanticTokensParams
	snap, err := s.openDocument(ctx, raw, &p, func() protocol.DocumentURI { return p.TextDocument.URI })
	if snap == nil {
		return nil, err
	}
	f := snap.File()
	return semanticTokensResult{Data: semantic.Encode(f, semantic.Tokens(f), nil)}, nil
}

func semanticRange(ctx context.Context, s *Server, raw json.RawMessage) (any, error) {
	var p protocol.SemanticTokensRangeParams
	snap, err := s.openDocument(ctx, raw, &p, func() protocol.DocumentURI { return p.TextDocument.URI })
	if snap == nil {
		return nil, err
	}
	f := snap.File()
	sp := RangeToSpan(f, p.Range)
	return semanticTokensResult{Data: semantic.Encode(f, semantic.Tokens(f), &sp)}, nil
}
