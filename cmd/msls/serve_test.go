package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const docURI = "file:///work/Dockerfile"

func rng(l1, c1, l2, c2 int) map[string]any {
	return map[string]any{
		"start": map[string]any{"line": l1, "character": c1},
		"end":   map[string]any{"line": l2, "character": c2},
	}
}

func change(version int, changes ...map[string]any) map[string]any {
	return map[string]any{
		"textDocument":   map[string]any{"uri": docURI, "version": version},
		"contentChanges": changes,
	}
}

func TestServeSession(t *testing.T) {
	c := startServer(t)

	// Requests before initialize are refused; bad initialize params are
	// InvalidParams and do not use up the one initialize.
	if r := c.request("early", "textDocument/hover", map[string]any{}); r.Error == nil || r.Error.Code != -32002 {
		t.Fatalf("request before initialize: got %+v, want error -32002", r)
	}
	if r := c.request(0, "initialize", "not an object"); r.Error == nil || r.Error.Code != -32602 {
		t.Fatalf("initialize with bad params: got %+v, want error -32602", r)
	}

	resp := c.initialize()
	var init struct {
		Capabilities struct {
			TextDocumentSync struct {
				OpenClose bool            `json:"openClose"`
				Change    int             `json:"change"`
				Save      json.RawMessage `json:"save"`
			} `json:"textDocumentSync"`
		} `json:"capabilities"`
		ServerInfo struct{ Name, Version string } `json:"serverInfo"`
	}
	if err := json.Unmarshal(resp.Result, &init); err != nil {
		t.Fatalf("initialize result %s: %v", resp.Result, err)
	}
	if init.ServerInfo.Name != "msls" || init.ServerInfo.Version != testVersion {
		t.Errorf("serverInfo = %+v, want msls %s", init.ServerInfo, testVersion)
	}
	sync := init.Capabilities.TextDocumentSync
	if !sync.OpenClose || sync.Change != 2 || len(sync.Save) == 0 {
		t.Errorf("textDocumentSync = %+v, want openClose, incremental (2), save", sync)
	}
	if r := c.request(2, "initialize", map[string]any{"capabilities": map[string]any{}}); r.Error == nil {
		t.Errorf("second initialize succeeded")
	}

	// Open: the unknown instruction on line 1 is a ParseError, published with
	// version 1, code, source and range.
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": docURI, "languageId": "dockerfile", "version": 1,
		"text": "FROM alpine\nFORM x\n",
	}})
	d := c.diagnosticsFor(docURI, "for version 1", versionIs(1))
	pe, ok := findCode(d, "ParseError")
	if !ok {
		t.Fatalf("version 1: no ParseError in %v", codes(d))
	}
	if pe.Source != "msls" || pe.Severity != 1 || pe.Range.Start.Line != 1 || pe.Range.Start.Character != 0 || pe.Range.End.Character != 6 {
		t.Errorf("ParseError diagnostic = %+v", pe)
	}

	// Incremental edit fixing the keyword.
	c.notify("textDocument/didChange", change(2, map[string]any{"range": rng(1, 0, 1, 4), "text": "FROM"}))
	d = c.diagnosticsFor(docURI, "for version 2", versionIs(2))
	if _, ok := findCode(d, "ParseError"); ok {
		t.Errorf("version 2 (fixed): still a ParseError: %+v", d.Diagnostics)
	}

	// Two changes in one notification, applied in order, with UTF-16
	// columns: the emoji counts two. The second change only lands on "x" if
	// the first was applied first and columns are UTF-16.
	c.notify("textDocument/didChange", change(3,
		map[string]any{"range": rng(1, 0, 1, 6), "text": "RUN echo 😀 x"},
		map[string]any{"range": rng(1, 12, 1, 13), "text": "y\nFORM z"},
	))
	d = c.diagnosticsFor(docURI, "for version 3", versionIs(3))
	pe, ok = findCode(d, "ParseError")
	if !ok || pe.Range.Start.Line != 2 || pe.Range.Start.Character != 0 || pe.Range.End.Line != 2 || pe.Range.End.Character != 6 {
		t.Fatalf("version 3: want a ParseError on 2:0-2:6 (FORM z), got %+v", d.Diagnostics)
	}

	// A full-text change (no range).
	c.notify("textDocument/didChange", change(4, map[string]any{"text": "FROM alpine\nRUN true\n"}))
	d = c.diagnosticsFor(docURI, "for version 4", versionIs(4))
	if _, ok := findCode(d, "ParseError"); ok {
		t.Errorf("version 4: unexpected ParseError %+v", d.Diagnostics)
	}

	// Malformed frames: invalid JSON is answered with -32700 and id null; a
	// bad header is skipped. The connection stays up.
	c.sendRaw(frame([]byte(`{"jsonrpc":"2.0","id":7,"method":`)))
	parseErr := c.waitFor("parse error reply", func(m wireMsg) bool { return m.Error != nil && m.Error.Code == -32700 })
	if string(parseErr.ID) != "null" {
		t.Errorf("parse error reply id = %s, want null", parseErr.ID)
	}
	c.sendRaw([]byte("Content-Length: banana\r\n\r\n"))
	c.sendRaw([]byte("X-Nonsense\r\n\r\n"))

	// Unknown request and notification.
	c.notify("msls/unknownNotification", map[string]any{"x": 1})
	if r := c.request(10, "textDocument/notAThing", map[string]any{}); r.Error == nil || r.Error.Code != -32601 {
		t.Errorf("unknown method: got %+v, want -32601", r)
	}

	// A panicking handler is an internal error; the server lives on.
	if r := c.request(11, "msls/test/panic", nil); r.Error == nil || r.Error.Code != -32603 {
		t.Errorf("panicking handler: got %+v, want -32603", r)
	}

	// $/cancelRequest cancels a running request.
	c.send(map[string]any{"id": "blocker", "method": "msls/test/block"})
	c.notify("$/cancelRequest", map[string]any{"id": "blocker"})
	if r := c.response("blocker"); r.Error == nil || r.Error.Code != -32800 {
		t.Errorf("cancelled request: got %+v, want -32800", r)
	}

	// A burst of changes: diagnostics arrive for the last version, and never
	// for an older version after a newer one.
	const last = 60
	for v := 5; v <= last; v++ {
		text := "FROM alpine\nRUN true\n"
		if v == last {
			text = "FROM alpine\nFORM burst\n"
		}
		c.notify("textDocument/didChange", change(v, map[string]any{"text": text}))
	}
	d = c.diagnosticsFor(docURI, "for the last version of a burst", versionIs(last))
	if _, ok := findCode(d, "ParseError"); !ok {
		t.Errorf("last burst version: no ParseError in %v", codes(d))
	}

	// Version 0 is a real version and must be sent as such.
	const zeroURI = "file:///work/zero.Dockerfile"
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": zeroURI, "languageId": "dockerfile", "version": 0, "text": "FORM\n",
	}})
	c.diagnosticsFor(zeroURI, "for version 0", versionIs(0))

	// Closing clears the diagnostics.
	c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": docURI}})
	d = c.diagnosticsFor(docURI, "clearing on close", func(p diagParams) bool { return p.Version == nil })
	if d.Diagnostics == nil || len(d.Diagnostics) != 0 {
		t.Errorf("close: diagnostics = %v, want []", d.Diagnostics)
	}

	if r := c.request(20, "shutdown", nil); r.Error != nil || string(r.Result) != "null" {
		t.Errorf("shutdown: %+v", r)
	}
	if r := c.request(21, "textDocument/hover", map[string]any{}); r.Error == nil || r.Error.Code != -32600 {
		t.Errorf("request after shutdown: got %+v, want -32600", r)
	}
	c.notify("exit", nil)
	if code := c.exitStatus(); code != 0 {
		t.Errorf("exit after shutdown: status %d, want 0", code)
	}
	// stderr is complete once the process has exited.
	if !strings.Contains(c.stderrText(), "panic in request handler") {
		t.Errorf("the panic was not logged to stderr")
	}
	// Once the output has ended, check the ordering of every publish seen.
	<-c.lc.Done()
	checkPublishOrder(t, c.lc.Received())
	if err := c.lc.BadOutput(); err != nil {
		t.Errorf("stdout carried something other than LSP frames: %v", err)
	}
}

// checkPublishOrder asserts that per document, published versions never go
// backwards (a close, without version, resets).
func checkPublishOrder(t *testing.T, msgs []wireMsg) {
	t.Helper()
	lastSeen := map[string]int32{}
	for _, m := range msgs {
		if m.Method != "textDocument/publishDiagnostics" {
			continue
		}
		var p diagParams
		if err := json.Unmarshal(m.Params, &p); err != nil {
			t.Fatal(err)
		}
		if p.Version == nil {
			delete(lastSeen, p.URI)
			continue
		}
		if prev, ok := lastSeen[p.URI]; ok && *p.Version < prev {
			t.Errorf("%s: diagnostics of version %d published after version %d", p.URI, *p.Version, prev)
		}
		lastSeen[p.URI] = *p.Version
	}
}

func TestServeExitWithoutShutdown(t *testing.T) {
	c := startServer(t)
	c.initialize()
	c.notify("exit", nil)
	if code := c.exitStatus(); code != 1 {
		t.Errorf("exit without shutdown: status %d, want 1", code)
	}
}

func TestServeStdinEOF(t *testing.T) {
	c := startServer(t, "serve")
	c.initialize()
	c.lc.CloseInput()
	if code := c.exitStatus(); code != 1 {
		t.Errorf("EOF without shutdown: status %d, want 1", code)
	}

	c = startServer(t, "--stdio")
	c.initialize()
	c.request(2, "shutdown", nil)
	c.lc.CloseInput()
	if code := c.exitStatus(); code != 0 {
		t.Errorf("EOF after shutdown: status %d, want 0", code)
	}
}

func TestServeLogFile(t *testing.T) {
	logPath := filepath.Join(t.TempDir(), "msls.log")
	c := startServer(t, "--log-file", logPath, "--log-level", "debug")
	c.initialize()
	c.request(2, "shutdown", nil)
	c.notify("exit", nil)
	if code := c.exitStatus(); code != 0 {
		t.Fatalf("status %d", code)
	}
	b, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "initialized") {
		t.Errorf("log file lacks the initialize log line:\n%s", b)
	}
	if s := c.stderrText(); s != "" {
		t.Errorf("with --log-file, stderr should stay empty, got:\n%s", s)
	}
}

func TestServeBadLogLevel(t *testing.T) {
	c := startServer(t, "--log-level", "loud")
	if code := c.exitStatus(); code != 2 {
		t.Errorf("bad --log-level: status %d, want 2", code)
	}
}

func TestServeLogLevelFromEnv(t *testing.T) {
	for _, tc := range []struct {
		level     string
		wantDebug bool
	}{{"debug", true}, {"warn", false}} {
		c := startServerEnv(t, []string{"MSLS_LOG_LEVEL=" + tc.level})
		c.initialize()
		c.request(2, "shutdown", nil)
		c.notify("exit", nil)
		if code := c.exitStatus(); code != 0 {
			t.Fatalf("status %d", code)
		}
		if got := strings.Contains(c.stderrText(), "DEBUG"); got != tc.wantDebug {
			t.Errorf("MSLS_LOG_LEVEL=%s: debug lines on stderr = %v, want %v:\n%s", tc.level, got, tc.wantDebug, c.stderrText())
		}
	}
}
