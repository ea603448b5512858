package server

import (
	"encoding/json"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

func TestInitializeAdvertisesPresentationFeatures(t *testing.T) {
	srv := New(Options{})
	res, err := srv.initialize(json.RawMessage(`{"processId":null,"capabilities":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(res)
	var got struct {
		Capabilities map[string]json.RawMessage `json:"capabilities"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"documentFormattingProvider", "documentRangeFormattingProvider", "inlayHintProvider", "textDocumentSync"} {
		if string(got.Capabilities[k]) == "" || string(got.Capabilities[k]) == "false" {
			t.Errorf("capability %s missing: %s", k, b)
		}
	}
	var st struct {
		Legend struct {
			TokenTypes []string `json:"tokenTypes"`
		} `json:"legend"`
		Full, Range bool
	}
	if err := json.Unmarshal(got.Capabilities["semanticTokensProvider"], &st); err != nil || len(st.Legend.TokenTypes) == 0 || !st.Full || !st.Range {
		t.Errorf("semanticTokensProvider = %s", got.Capabilities["semanticTokensProvider"])
	}
}

func applyTextEdits(t *testing.T, text string, edits []protocol.TextEdit) string {
	t.Helper()
	lines := strings.SplitAfter(text, "\n")
	off := func(p protocol.Position) int {
		o := 0
		for i := 0; i < int(p.Line) && i < len(lines); i++ {
			o += len(lines[i])
		}
		return o + int(p.Character) // the test documents are ASCII
	}
	// apply from the end so earlier offsets stay valid
	for i := len(edits) - 1; i >= 0; i-- {
		e := edits[i]
		text = text[:off(e.Range.Start)] + e.NewText + text[off(e.Range.End):]
	}
	return text
}

func TestServerFormatting(t *testing.T) {
	c := startNav(t, `{}`)
	doc := "from alpine as base\nrun apk add \\\n  curl\nfrom base\ncmd [ \"sh\" ]\n"
	c.open(doc)
	var edits []protocol.TextEdit
	params := map[string]any{"textDocument": map[string]any{"uri": navURI}, "options": map[string]any{"tabSize": 2, "insertSpaces": true}}
	if e := c.call("textDocument/formatting", params, &edits); e != nil {
		t.Fatal(e)
	}
	want := "FROM alpine AS base\nRUN apk add \\\n  curl\n\nFROM base\nCMD [\"sh\"]\n"
	if got := applyTextEdits(t, doc, edits); got != want {
		t.Errorf("formatting gave %q, want %q", got, want)
	}
	params["options"] = map[string]any{"tabSize": 4, "insertSpaces": false}
	if e := c.call("textDocument/formatting", params, &edits); e != nil {
		t.Fatal(e)
	}
	if got := applyTextEdits(t, doc, edits); !strings.Contains(got, "\\\n\tcurl\n") {
		t.Errorf("insertSpaces=false did not indent with a tab: %q", got)
	}
	params["options"] = map[string]any{"tabSize": 4, "insertSpaces": true, "keepIndentation": true}
	if e := c.call("textDocument/formatting", params, &edits); e != nil {
		t.Fatal(e)
	}
	if got := applyTextEdits(t, doc, edits); !strings.Contains(got, "\\\n  curl\n") {
		t.Errorf("keepIndentation did not keep the indentation: %q", got)
	}
	// Range formatting of line 3 only (the second FROM): the blank line that
	// separates stages is part of that instruction's edit.
	rparams := map[string]any{"textDocument": map[string]any{"uri": navURI}, "options": map[string]any{"tabSize": 4, "insertSpaces": true},
		"range": map[string]any{"start": map[string]any{"line": 3, "character": 0}, "end": map[string]any{"line": 3, "character": 4}}}
	if e := c.call("textDocument/rangeFormatting", rparams, &edits); e != nil {
		t.Fatal(e)
	}
	want = "from alpine as base\nrun apk add \\\n  curl\n\nFROM base\ncmd [ \"sh\" ]\n"
	if got := applyTextEdits(t, doc, edits); got != want {
		t.Errorf("range formatting gave %q, want %q", got, want)
	}
	// An unknown document is not an error.
	var none json.RawMessage
	if e := c.call("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": "file:///nope"}, "options": map[string]any{}}, &none); e != nil {
		t.Errorf("formatting an unopened document: %v", e)
	}
}

func TestServerSemanticTokensAndInlayHints(t *testing.T) {
	c := startNav(t, `{}`)
	doc := "ARG BASE=alpine\nFROM $BASE AS b\nFROM scratch\nCOPY --from=0 /x /y\n"
	c.open(doc)
	var toks struct {
		Data []uint32 `json:"data"`
	}
	td := map[string]any{"uri": navURI}
	if e := c.call("textDocument/semanticTokens/full", map[string]any{"textDocument": td}, &toks); e != nil {
		t.Fatal(e)
	}
	if len(toks.Data) == 0 || len(toks.Data)%5 != 0 || toks.Data[0] != 0 || toks.Data[1] != 0 || toks.Data[2] != 3 {
		t.Errorf("full tokens = %v, want ARG keyword first", toks.Data)
	}
	rng := map[string]any{"start": map[string]any{"line": 3, "character": 0}, "end": map[string]any{"line": 3, "character": 20}}
	if e := c.call("textDocument/semanticTokens/range", map[string]any{"textDocument": td, "range": rng}, &toks); e != nil {
		t.Fatal(e)
	}
	if len(toks.Data) == 0 || toks.Data[0] != 3 {
		t.Errorf("range tokens = %v, want tokens of line 3 only", toks.Data)
	}
	var hints []struct {
		Position protocol.Position `json:"position"`
		Label    string            `json:"label"`
	}
	all := map[string]any{"start": map[string]any{"line": 0, "character": 0}, "end": map[string]any{"line": 4, "character": 0}}
	if e := c.call("textDocument/inlayHint", map[string]any{"textDocument": td, "range": all}, &hints); e != nil {
		t.Fatal(e)
	}
	if len(hints) != 2 || hints[0].Label != "= alpine" || hints[0].Position != (protocol.Position{Line: 1, Character: 10}) ||
		hints[1].Label != ": b" || hints[1].Position != (protocol.Position{Line: 3, Character: 13}) {
		t.Errorf("inlay hints = %+v", hints)
	}
}
