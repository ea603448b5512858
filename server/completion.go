package server

import (
	"context"
	"encoding/json"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/msls-dev/msls/completion"
)

func init() {
	registerCapability(func(caps *protocol.ServerCapabilities, client *protocol.ClientCapabilities) {
		// `-` and `=` open flag and value lists, `$`/`{` variables, `,` the
		// next --mount field, space the next word (stages after FROM).
		caps.CompletionProvider = &protocol.CompletionOptions{TriggerCharacters: []string{"-", "=", "$", "{", ",", " ", "#"}}
	})
	registerRequest(protocol.MethodTextDocumentCompletion, complete)
}

func snippetSupport(c *protocol.ClientCapabilities) bool {
	return c != nil && c.TextDocument != nil && c.TextDocument.Completion != nil &&
		c.TextDocument.Completion.CompletionItem != nil && c.TextDocument.Completion.CompletionItem.SnippetSupport
}

var completionKinds = map[completion.Kind]protocol.CompletionItemKind{
	completion.KindKeyword:   protocol.CompletionItemKindKeyword,
	completion.KindDirective: protocol.CompletionItemKindProperty,
	completion.KindFlag:      protocol.CompletionItemKindProperty,
	completion.KindValue:     protocol.CompletionItemKindValue,
	completion.KindStage:     protocol.CompletionItemKindReference,
	completion.KindVariable:  protocol.CompletionItemKindVariable,
}

func complete(ctx context.Context, s *Server, raw json.RawMessage) (any, error) {
	var p protocol.CompletionParams
	snap, err := s.openDocument(ctx, raw, &p, func() protocol.DocumentURI { return p.TextDocument.URI })
	if snap == nil {
		return nil, err
	}
	f := snap.File()
	retrigger := isVSCode(s.ClientInfo())
	items := completion.Complete(f, PositionToOffset(f, p.Position), completion.Options{Snippets: snippetSupport(s.ClientCapabilities())})
	list := &protocol.CompletionList{Items: make([]protocol.CompletionItem, 0, len(items))}
	// COPY/ADD source paths from the build context (context_features.go)
	list.Items = append(list.Items, s.sourceCompletions(snap, f, PositionToOffset(f, p.Position))...)
	for i, it := range items {
		ci := protocol.CompletionItem{
			Label:      it.Label,
			Kind:       completionKinds[it.Kind],
			Detail:     it.Detail,
			Deprecated: it.Deprecated,
			// Items come best first; keep that order in the client.
			SortText:         sortText(i),
			FilterText:       it.FilterText,
			TextEdit:         &protocol.TextEdit{Range: SpanToRange(f, it.Edit.Span), NewText: it.Edit.NewText},
			InsertTextFormat: protocol.InsertTextFormatPlainText,
		}
		if it.Doc != "" {
			ci.Documentation = protocol.MarkupContent{Kind: protocol.Markdown, Value: it.Doc}
		}
		if it.Snippet {
			ci.InsertTextFormat = protocol.InsertTextFormatSnippet
		}
		if it.Deprecated {
			ci.Tags = []protocol.CompletionItemTag{protocol.CompletionItemTagDeprecated}
		}
		if len(it.AdditionalEdits) > 0 {
			ci.AdditionalTextEdits = EditsToTextEdits(f, it.AdditionalEdits)
		}
		if it.Retrigger && retrigger {
			ci.Command = &protocol.Command{Title: "Suggest", Command: "editor.action.triggerSuggest"}
		}
		list.Items = append(list.Items, ci)
	}
	return list, nil
}

// isVSCode: `editor.action.triggerSuggest` is a VS Code command; other
// clients would send it back as workspace/executeCommand.
func isVSCode(ci *protocol.ClientInfo) bool {
	return ci != nil && (strings.Contains(ci.Name, "Visual Studio Code") || strings.Contains(ci.Name, "VSCodium") || strings.Contains(ci.Name, "Code - OSS"))
}

func sortText(i int) string {
	const digits = "0123456789"
	return string([]byte{digits[i/1000%10], digits[i/100%10], digits[i/10%10], digits[i%10]})
}
