package server

import (
	"context"
	"encoding/json"

	"go.lsp.dev/protocol"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/format"
)

func init() {
	registerCapability(func(caps *protocol.ServerCapabilities, _ *protocol.ClientCapabilities) {
		caps.DocumentFormattingProvider = true
		caps.DocumentRangeFormattingProvider = true
	})
	registerRequest(protocol.MethodTextDocumentFormatting, formatDocument)
	registerRequest(protocol.MethodTextDocumentRangeFormatting, formatRange)
}

// formattingParams covers both formatting requests. Options are decoded by
// hand: LSP lets a client add its own keys to FormattingOptions, and msls
// reads `keepIndentation` from there too.
type formattingParams struct {
	TextDocument protocol.TextDocumentIdentifier `json:"textDocument"`
	Range        *protocol.Range                 `json:"range"`
	Options      map[string]json.RawMessage      `json:"options"`
}

// formatSettings are msls's own formatting settings, read from the
// initialization options: {"format": {"keepIndentation": true, "indentWidth": 2}}.
type formatSettings struct {
	KeepIndentation *bool `json:"keepIndentation"`
	IndentWidth     *int  `json:"indentWidth"`
	UseTabs         *bool `json:"useTabs"`
}

// formatOptions merges the request's FormattingOptions (tabSize,
// insertSpaces, keepIndentation) with the msls settings, which win.
func formatOptions(s *Server, opts map[string]json.RawMessage) format.Options {
	var o format.Options
	var tabSize int
	insertSpaces := true
	if v, ok := opts["tabSize"]; ok {
		_ = json.Unmarshal(v, &tabSize)
	}
	if v, ok := opts["insertSpaces"]; ok {
		_ = json.Unmarshal(v, &insertSpaces)
	}
	if v, ok := opts["keepIndentation"]; ok {
		_ = json.Unmarshal(v, &o.KeepIndentation)
	}
	o.IndentWidth, o.UseTabs = tabSize, !insertSpaces
	var init struct {
		Format formatSettings `json:"format"`
	}
	if raw := s.InitializationOptions(); len(raw) > 0 && json.Unmarshal(raw, &init) == nil {
		if v := init.Format.KeepIndentation; v != nil {
			o.KeepIndentation = *v
		}
		if v := init.Format.IndentWidth; v != nil && *v > 0 {
			o.IndentWidth = *v
		}
		if v := init.Format.UseTabs; v != nil {
			o.UseTabs = *v
		}
	}
	return o
}

func formatDocument(ctx context.Context, s *Server, raw json.RawMessage) (any, error) {
	return formatRequest(ctx, s, raw, false)
}

func formatRange(ctx context.Context, s *Server, raw json.RawMessage) (any, error) {
	return formatRequest(ctx, s, raw, true)
}

func formatRequest(ctx context.Context, s *Server, raw json.RawMessage, ranged bool) (any, error) {
	var p formattingParams
	snap, err := s.openDocument(ctx, raw, &p, func() protocol.DocumentURI { return p.TextDocument.URI })
	if snap == nil {
		return nil, err
	}
	f := snap.File()
	opt := formatOptions(s, p.Options)
	var edits []dockerfile.Edit
	if ranged && p.Range != nil {
		edits = format.RangeEdits(f, opt, RangeToSpan(f, *p.Range))
	} else {
		edits = format.Edits(f, opt)
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return EditsToTextEdits(f, edits), nil
}
