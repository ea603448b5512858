package server

import (
	"context"
	"encoding/json"
	"errors"

	"go.lsp.dev/protocol"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/navigation"
)

func init() {
	registerCapability(func(caps *protocol.ServerCapabilities, client *protocol.ClientCapabilities) {
		caps.HoverProvider = true
		caps.DefinitionProvider = true
		caps.ReferencesProvider = true
		caps.DocumentHighlightProvider = true
		caps.DocumentSymbolProvider = true
		caps.FoldingRangeProvider = true
		caps.RenameProvider = &protocol.RenameOptions{PrepareProvider: true}
	})
	registerRequest(protocol.MethodTextDocumentHover, hover)
	registerRequest(protocol.MethodTextDocumentDefinition, definition)
	registerRequest(protocol.MethodTextDocumentReferences, references)
	registerRequest(protocol.MethodTextDocumentDocumentHighlight, documentHighlight)
	registerRequest(protocol.MethodTextDocumentPrepareRename, prepareRename)
	registerRequest(protocol.MethodTextDocumentRename, rename)
	registerRequest(protocol.MethodTextDocumentDocumentSymbol, documentSymbol)
	registerRequest(protocol.MethodTextDocumentFoldingRange, foldingRange)
}

// atPosition decodes params with a text document and a position and finds
// the open document's snapshot; ok is false when it is not open.
func atPosition(ctx context.Context, s *Server, raw json.RawMessage) (snap *Snapshot, f *dockerfile.File, off int, ok bool, err error) {
	var p protocol.TextDocumentPositionParams
	if err := decodeParams(raw, &p); err != nil {
		return nil, nil, 0, false, err
	}
	snap, ok = s.Snapshot(ctx, p.TextDocument.URI)
	if !ok {
		return nil, nil, 0, false, nil
	}
	f = snap.File()
	return snap, f, PositionToOffset(f, p.Position), true, nil
}

func hover(ctx context.Context, s *Server, raw json.RawMessage) (any, error) {
	snap, f, off, ok, err := atPosition(ctx, s, raw)
	if !ok {
		return nil, err
	}
	if h, ok := s.sourceHover(snap, f, off); ok { // a COPY/ADD source: context_features.go
		return h, nil
	}
	h, ok := navigation.Hover(f, off)
	if !ok {
		return nil, nil
	}
	r := SpanToRange(f, h.Span)
	return &protocol.Hover{Contents: protocol.MarkupContent{Kind: protocol.Markdown, Value: h.Markdown}, Range: &r}, nil
}

func definition(ctx context.Context, s *Server, raw json.RawMessage) (any, error) {
	snap, f, off, ok, err := atPosition(ctx, s, raw)
	if !ok {
		return nil, err
	}
	if locs, ok := s.sourceDefinition(snap, f, off); ok { // a COPY/ADD source: context_features.go
		return locs, nil
	}
	span, ok := navigation.Definition(f, off)
	if !ok {
		return nil, nil
	}
	return []protocol.Location{{URI: snap.URI, Range: SpanToRange(f, span)}}, nil
}

func references(ctx context.Context, s *Server, raw json.RawMessage) (any, error) {
	var p protocol.ReferenceParams
	snap, err := s.openDocument(ctx, raw, &p, func() protocol.DocumentURI { return p.TextDocument.URI })
	if snap == nil {
		return nil, err
	}
	f := snap.File()
	occ := navigation.References(f, PositionToOffset(f, p.Position), p.Context.IncludeDeclaration)
	locs := make([]protocol.Location, 0, len(occ))
	for _, o := range occ {
		locs = append(locs, protocol.Location{URI: snap.URI, Range: SpanToRange(f, o.Span)})
	}
	return locs, nil
}

func documentHighlight(ctx context.Context, s *Server, raw json.RawMessage) (any, error) {
	_, f, off, ok, err := atPosition(ctx, s, raw)
	if !ok {
		return nil, err
	}
	occ := navigation.Highlights(f, off)
	out := make([]protocol.DocumentHighlight, 0, len(occ))
	for _, o := range occ {
		kind := protocol.DocumentHighlightKindRead
		if o.Decl {
			kind = protocol.DocumentHighlightKindWrite
		}
		out = append(out, protocol.DocumentHighlight{Range: SpanToRange(f, o.Span), Kind: kind})
	}
	return out, nil
}

// renameError turns a refused rename into an error reply the client shows
// as is.
func renameError(err error) error {
	var re *navigation.RenameError
	if errors.As(err, &re) {
		return RequestFailed("%s", re.Msg)
	}
	return err
}

func prepareRename(ctx context.Context, s *Server, raw json.RawMessage) (any, error) {
	_, f, off, ok, err := atPosition(ctx, s, raw)
	if !ok {
		return nil, err
	}
	span, placeholder, err := navigation.PrepareRename(f, off)
	if err != nil {
		return nil, renameError(err)
	}
	return map[string]any{"range": SpanToRange(f, span), "placeholder": placeholder}, nil
}

func rename(ctx context.Context, s *Server, raw json.RawMessage) (any, error) {
	var p protocol.RenameParams
	if err := decodeParams(raw, &p); err != nil {
		return nil, err
	}
	snap, ok := s.Snapshot(ctx, p.TextDocument.URI)
	if !ok {
		return nil, RequestFailed("document %s is not open", p.TextDocument.URI)
	}
	f := snap.File()
	edits, err := navigation.Rename(f, PositionToOffset(f, p.Position), p.NewName)
	if err != nil {
		return nil, renameError(err)
	}
	return &protocol.WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{snap.URI: EditsToTextEdits(f, edits)}}, nil
}

var symbolKinds = map[navigation.SymbolKind]protocol.SymbolKind{
	navigation.SymbolStage:       protocol.SymbolKindClass,
	navigation.SymbolVariable:    protocol.SymbolKindVariable,
	navigation.SymbolInstruction: protocol.SymbolKindFunction,
}

func documentSymbol(ctx context.Context, s *Server, raw json.RawMessage) (any, error) {
	var p protocol.DocumentSymbolParams
	snap, err := s.openDocument(ctx, raw, &p, func() protocol.DocumentURI { return p.TextDocument.URI })
	if snap == nil {
		return nil, err
	}
	f := snap.File()
	syms := navigation.DocumentSymbols(f)
	c := s.ClientCapabilities()
	if c.TextDocument != nil && c.TextDocument.DocumentSymbol != nil && !c.TextDocument.DocumentSymbol.HierarchicalDocumentSymbolSupport {
		// Flat SymbolInformation, children named by their container.
		var flat []protocol.SymbolInformation
		var walk func(syms []navigation.Symbol, container string)
		walk = func(syms []navigation.Symbol, container string) {
			for _, sym := range syms {
				flat = append(flat, protocol.SymbolInformation{Name: sym.Name, Kind: symbolKinds[sym.Kind], ContainerName: container,
					Location: protocol.Location{URI: snap.URI, Range: SpanToRange(f, sym.Span)}})
				walk(sym.Children, sym.Name)
			}
		}
		walk(syms, "")
		return flat, nil
	}
	var conv func(syms []navigation.Symbol) []protocol.DocumentSymbol
	conv = func(syms []navigation.Symbol) []protocol.DocumentSymbol {
		out := make([]protocol.DocumentSymbol, 0, len(syms))
		for _, sym := range syms {
			out = append(out, protocol.DocumentSymbol{Name: sym.Name, Detail: sym.Detail, Kind: symbolKinds[sym.Kind],
				Range: SpanToRange(f, sym.Span), SelectionRange: SpanToRange(f, sym.SelectionSpan), Children: conv(sym.Children)})
		}
		return out
	}
	return conv(syms), nil
}

func foldingRange(ctx context.Context, s *Server, raw json.RawMessage) (any, error) {
	var p protocol.FoldingRangeParams
	snap, err := s.openDocument(ctx, raw, &p, func() protocol.DocumentURI { return p.TextDocument.URI })
	if snap == nil {
		return nil, err
	}
	folds := navigation.FoldingRanges(snap.File())
	out := make([]protocol.FoldingRange, 0, len(folds))
	for _, fr := range folds {
		r := protocol.FoldingRange{StartLine: uint32(fr.StartLine), EndLine: uint32(fr.EndLine), Kind: protocol.RegionFoldingRange}
		if fr.Kind == navigation.FoldComment {
			r.Kind = protocol.CommentFoldingRange
		}
		out = append(out, r)
	}
	return out, nil
}
