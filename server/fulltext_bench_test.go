package server

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/msls-dev/msls/bench/benchdata"
)

// BenchmarkDidChangeFullText is a keystroke from a client that syncs the
// whole text (TextDocumentSyncKind.Full): didChange with the full document
// in, publishDiagnostics out, through the real framing and JSON decoding.
// It is the path the hand-written JSON reader (fastjson.go, removed) served.
func BenchmarkDidChangeFullText(b *testing.B) {
	for _, size := range benchdata.MustAll(b) {
		b.Run(size.Name, func(b *testing.B) {
			p := startBenchPipe(b)
			uri := "file:///bench/" + size.Name + "/Dockerfile"
			text := append(bytes.Clone(size.Text), "# typing: "...)
			p.notify(b, "textDocument/didOpen", map[string]any{"textDocument": map[string]any{
				"uri": uri, "languageId": "dockerfile", "version": 1, "text": string(text)}})
			p.waitPublish(b, uri, 1)
			version := 1
			b.ReportAllocs()
			for b.Loop() {
				version++
				text = append(text, 'x')
				p.notify(b, "textDocument/didChange", map[string]any{
					"textDocument":   map[string]any{"uri": uri, "version": version},
					"contentChanges": []any{map[string]any{"text": string(text)}},
				})
				p.waitPublish(b, uri, version)
			}
		})
	}
}

// BenchmarkDecodeFullTextChange is the decoding alone: the message, then its
// params, for a full-text didChange of the 198-line file.
func BenchmarkDecodeFullTextChange(b *testing.B) {
	text := benchdata.MustAll(b)[1].Text
	body := mustJSON(b, map[string]any{"jsonrpc": "2.0", "method": "textDocument/didChange", "params": map[string]any{
		"textDocument":   map[string]any{"uri": "file:///w/Dockerfile", "version": 7},
		"contentChanges": []any{map[string]any{"text": string(text)}},
	}})
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		m, err := decodeMessage(body)
		if err != nil {
			b.Fatal(err)
		}
		var p didChangeParams
		if err := decodeParams(m.Params, &p); err != nil {
			b.Fatal(err)
		}
	}
}

func mustJSON(tb testing.TB, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
