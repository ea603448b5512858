package server

import (
	"encoding/json"
	"testing"

	"go.lsp.dev/protocol"
)

// encodeNotification gives the bytes encoding/json gives, for the
// notifications msls sends: diagnostics (raw, cached), log and show
// messages, progress, with HTML-like and non-ASCII text.
func TestEncodeNotificationMatchesEncodingJSON(t *testing.T) {
	diags, err := json.Marshal([]protocol.Diagnostic{{
		Range:    protocol.Range{Start: protocol.Position{Line: 3, Character: 2}, End: protocol.Position{Line: 3, Character: 9}},
		Severity: protocol.DiagnosticSeverityWarning, Code: "RootFinalStage", Source: "msls",
		Message: "<root> & \"quotes\" é 🎉 \u2028",
	}})
	if err != nil {
		t.Fatal(err)
	}
	version := int32(7)
	for _, c := range []struct {
		method string
		params any
	}{
		{"textDocument/publishDiagnostics", publishEncoded{URI: "file:///w/a&b <c>/Dockerfile", Version: &version, Diagnostics: diags}},
		{"textDocument/publishDiagnostics", publishEncoded{URI: "file:///w/Dockerfile", Diagnostics: json.RawMessage("[]")}},
		{"textDocument/publishDiagnostics", publishParams{URI: "file:///w/Dockerfile", Diagnostics: []protocol.Diagnostic{}}},
		{"window/logMessage", protocol.LogMessageParams{Type: protocol.MessageTypeError, Message: "a <b> & c\x01"}},
		{"window/showMessage", map[string]any{"z": 1, "a": []any{"x", nil, 2.5}}},
		{"$/progress", nil},
	} {
		want, err := json.Marshal(notificationOut{JSONRPC: "2.0", Method: c.method, Params: c.params})
		if err != nil {
			t.Fatal(err)
		}
		got, err := encodeNotification(c.method, c.params)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s:\n got %s\nwant %s", c.method, got, want)
		}
	}
}

// BenchmarkEncodePublish encodes the publishDiagnostics of the 198-line
// fixture's findings (already encoded, as a keystroke that changed nothing
// sends them): encoding/json against encodeNotification.
func BenchmarkEncodePublish(b *testing.B) {
	var diags []protocol.Diagnostic
	for i := range 40 {
		diags = append(diags, protocol.Diagnostic{
			Range:    protocol.Range{Start: protocol.Position{Line: uint32(i), Character: 2}, End: protocol.Position{Line: uint32(i), Character: 30}},
			Severity: protocol.DiagnosticSeverityWarning, Code: "AptGetInstallPin", Source: "msls",
			Message: "Pin versions in apt-get install: `curl` has no version (e.g. curl=<version>)",
		})
	}
	raw, _ := json.Marshal(diags)
	version := int32(3)
	p := publishEncoded{URI: "file:///w/a&b <c>/Dockerfile", Version: &version, Diagnostics: raw}
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			json.Marshal(notificationOut{JSONRPC: "2.0", Method: "textDocument/publishDiagnostics", Params: p})
		}
	})
	b.Run("encodeNotification", func(b *testing.B) {
		for b.Loop() {
			encodeNotification("textDocument/publishDiagnostics", p)
		}
	})
}
