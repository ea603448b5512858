package server

import (
	"fmt"
	"reflect"
	"testing"

	"go.lsp.dev/protocol"
)

func TestHotDocsKeepsTheMostRecentlyUsed(t *testing.T) {
	var h hotDocs
	uri := func(i int) protocol.DocumentURI { return protocol.DocumentURI(fmt.Sprintf("file:///%d", i)) }
	for i := 0; i < maxHotDocs; i++ {
		if cold, ok := h.use(uri(i)); ok {
			t.Fatalf("document %d of %d made %s cold", i, maxHotDocs, cold)
		}
	}
	h.use(uri(0)) // used again: now the most recent
	if cold, ok := h.use(uri(maxHotDocs)); !ok || cold != uri(1) {
		t.Errorf("one document over the limit made %q cold (%v), want %q", cold, ok, uri(1))
	}
	h.forget(uri(2))
	if cold, ok := h.use(uri(maxHotDocs + 1)); ok {
		t.Errorf("a closed document still counted: %s went cold", cold)
	}
	if cold, ok := h.use(uri(maxHotDocs + 2)); !ok || cold != uri(3) {
		t.Errorf("made %q cold (%v), want %q", cold, ok, uri(3))
	}
}

// TestColdDocumentsParseAgain: once more than maxHotDocs other documents
// were used after it, a document keeps no parse, its next version parses
// from scratch, and requests and edits on it answer exactly as before.
func TestColdDocumentsParseAgain(t *testing.T) {
	c := startPipe(t, `{"capabilities":{}}`)
	const text = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\nCMD [\"node\", \"index.js\"]\n"
	doc := func(i int) string { return fmt.Sprintf("file:///w/%d/Dockerfile", i) }
	c.open(doc(0), text, 1)
	first := c.publishFor(doc(0), 1)
	var symbols []protocol.DocumentSymbol
	symbolsOf := func(uri string) []protocol.DocumentSymbol {
		t.Helper()
		var out []protocol.DocumentSymbol
		if e := c.request("textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": uri}}, &out); e != nil {
			t.Fatalf("documentSymbol: %v", e)
		}
		return out
	}
	symbols = symbolsOf(doc(0))
	for i := 1; i <= maxHotDocs; i++ {
		c.open(doc(i), text, 1)
		c.publishFor(doc(i), 1)
	}
	sn, _ := c.srv.Latest(protocol.DocumentURI(doc(0)))
	sn.parsed.mu.Lock()
	parsed := sn.parsed.file != nil
	sn.parsed.mu.Unlock()
	c.srv.pubMu.Lock()
	_, sent := c.srv.sent[sn.URI]
	c.srv.pubMu.Unlock()
	if parsed || sn.base.get() != nil || sent {
		t.Fatalf("a cold document kept its parse (%v), its base (%v) or its last JSON (%v)", parsed, sn.base.get() != nil, sent)
	}
	if got := symbolsOf(doc(0)); !reflect.DeepEqual(got, symbols) {
		t.Errorf("symbols of the cold document: %v, before %v", got, symbols)
	}

	// Cold again, then typed into: its next version parses from scratch.
	for i := 1; i <= maxHotDocs; i++ {
		symbolsOf(doc(i))
	}
	c.change(doc(0), 2, contentChange{Range: &protocol.Range{Start: protocol.Position{Line: 1, Character: 12}, End: protocol.Position{Line: 1, Character: 12}}, Text: "/src"})
	edited := c.publishFor(doc(0), 2)
	c.open(doc(99), "FROM node:20\nWORKDIR /app/src\nCOPY . .\nRUN npm install\nCMD [\"node\", \"index.js\"]\n", 2)
	fresh := c.publishFor(doc(99), 2)
	if len(first.Diagnostics) == 0 || !reflect.DeepEqual(messages(edited), messages(fresh)) {
		t.Errorf("diagnostics of the edited cold document:\n%v\nof the same text opened afresh:\n%v", messages(edited), messages(fresh))
	}
}

func messages(p publishParams) []string {
	var out []string
	for _, d := range p.Diagnostics {
		out = append(out, fmt.Sprintf("%d:%d-%d:%d %v %s", d.Range.Start.Line, d.Range.Start.Character, d.Range.End.Line, d.Range.End.Character, d.Code, d.Message))
	}
	return out
}
