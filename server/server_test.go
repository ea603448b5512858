package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/msls-dev/msls/dockerfile"
)

// pipeClient runs a Server in-process over pipes.
type pipeClient struct {
	t    *testing.T
	w    io.WriteCloser
	in   chan message
	held []message
	done chan int
	srv  *Server
}

func startPipe(t *testing.T, initParams string) *pipeClient {
	t.Helper()
	cr, cw := io.Pipe()
	sr, sw := io.Pipe()
	c := &pipeClient{t: t, w: cw, in: make(chan message, 256), done: make(chan int, 1)}
	srv := New(Options{Version: "test"})
	c.srv = srv
	go func() { c.done <- srv.Run(cr, sw); sw.Close() }()
	go func() {
		defer close(c.in)
		fr := newFrameReader(sr)
		for {
			b, err := fr.Read()
			if err != nil {
				return
			}
			var m message
			if err := json.Unmarshal(b, &m); err != nil {
				t.Errorf("server wrote invalid JSON: %s", b)
				return
			}
			c.in <- m
		}
	}()
	t.Cleanup(func() { cw.Close(); <-c.done })
	c.sendRaw(fmt.Sprintf(`{"jsonrpc":"2.0","id":"init","method":"initialize","params":%s}`, initParams))
	if m := c.wait("initialize response", func(m message) bool { return idKey(m.ID) == `"init"` }); m.Error != nil {
		t.Fatalf("initialize: %v", m.Error)
	}
	c.sendRaw(`{"jsonrpc":"2.0","method":"initialized","params":{}}`)
	return c
}

func (c *pipeClient) sendRaw(body string) {
	c.t.Helper()
	if _, err := fmt.Fprintf(c.w, "Content-Length: %d\r\n\r\n%s", len(body), body); err != nil {
		c.t.Fatal(err)
	}
}

func (c *pipeClient) wait(what string, match func(message) bool) message {
	c.t.Helper()
	for i, m := range c.held {
		if match(m) {
			c.held = append(c.held[:i:i], c.held[i+1:]...)
			return m
		}
	}
	timeout := time.After(30 * time.Second) // a hang guard, not a performance assertion
	for {
		select {
		case m, ok := <-c.in:
			if !ok {
				c.t.Fatalf("connection closed while waiting for %s", what)
			}
			if match(m) {
				return m
			}
			c.held = append(c.held, m)
		case <-timeout:
			c.t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func (c *pipeClient) publishFor(uri string, version int32) publishParams {
	c.t.Helper()
	var p publishParams
	c.wait(fmt.Sprintf("diagnostics for %s v%d", uri, version), func(m message) bool {
		if m.Method != "textDocument/publishDiagnostics" {
			return false
		}
		var q publishParams
		if json.Unmarshal(m.Params, &q) != nil || string(q.URI) != uri || q.Version == nil || *q.Version != version {
			return false
		}
		p = q
		return true
	})
	return p
}

func (c *pipeClient) open(uri, text string, version int) {
	b, _ := json.Marshal(text)
	c.sendRaw(fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":%q,"languageId":"dockerfile","version":%d,"text":%s}}}`, uri, version, b))
}

// Test-only handlers (package-level registration, as feature files do).
var (
	configSeen   = make(chan json.RawMessage, 1)
	loopCallErr  = make(chan error, 1)
	releaseText  = make(chan struct{}, 1)
	textAtArrive = make(chan string, 1)
)

func init() {
	registerRequest("test/askConfig", func(ctx context.Context, s *Server, _ json.RawMessage) (any, error) {
		res, err := s.Configuration(ctx, []protocol.ConfigurationItem{{Section: "msls"}})
		if err != nil {
			return nil, err
		}
		return res[0], nil
	})
	registerNotification("test/callOnLoop", func(ctx context.Context, s *Server, _ json.RawMessage) error {
		loopCallErr <- s.Call(ctx, "workspace/configuration", nil, nil)
		return nil
	})
	registerRequest("test/textLater", func(ctx context.Context, s *Server, raw json.RawMessage) (any, error) {
		var p protocol.TextDocumentIdentifier
		if err := decodeParams(raw, &p); err != nil {
			return nil, err
		}
		<-releaseText
		snap, ok := s.Snapshot(ctx, p.URI)
		if !ok {
			return nil, RequestFailed("not open")
		}
		return string(snap.Text), nil
	})
	registerRequest("test/initOptions", func(_ context.Context, s *Server, _ json.RawMessage) (any, error) {
		return s.InitializationOptions(), nil
	})
	registerRequest("test/hoverCaps", func(_ context.Context, s *Server, _ json.RawMessage) (any, error) {
		caps := s.ClientCapabilities()
		return caps.TextDocument != nil && caps.TextDocument.Completion != nil, nil
	})
	registerRequest("test/refresh", func(_ context.Context, s *Server, _ json.RawMessage) (any, error) {
		s.RefreshDiagnostics()
		return nil, nil
	})
	registerRequest("test/error", func(context.Context, *Server, json.RawMessage) (any, error) {
		return nil, fmt.Errorf("plain failure")
	})
	registerRequest("test/params", func(_ context.Context, _ *Server, raw json.RawMessage) (any, error) {
		var p protocol.TextDocumentPositionParams
		return nil, decodeParams(raw, &p)
	})
}

func TestCallToClient(t *testing.T) {
	c := startPipe(t, `{"capabilities":{}}`)
	c.sendRaw(`{"jsonrpc":"2.0","id":1,"method":"test/askConfig"}`)
	req := c.wait("workspace/configuration request", func(m message) bool { return m.Method == "workspace/configuration" })
	var p protocol.ConfigurationParams
	if err := json.Unmarshal(req.Params, &p); err != nil || len(p.Items) != 1 || p.Items[0].Section != "msls" {
		t.Fatalf("configuration params %s (%v)", req.Params, err)
	}
	c.sendRaw(fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"result":[{"rules":{"X":"off"}}]}`, req.ID))
	resp := c.wait("answer", func(m message) bool { return idKey(m.ID) == "1" })
	if resp.Error != nil || !strings.Contains(string(resp.Result), `"X":"off"`) {
		t.Errorf("handler got %s / %v", resp.Result, resp.Error)
	}

	// From the read loop, a call fails at once instead of deadlocking.
	c.sendRaw(`{"jsonrpc":"2.0","method":"test/callOnLoop"}`)
	if err := <-loopCallErr; err == nil || !strings.Contains(err.Error(), "deadlock") {
		t.Errorf("Call on the read loop: %v", err)
	}
}

func TestSnapshotPinnedAtArrival(t *testing.T) {
	c := startPipe(t, `{"capabilities":{}}`)
	const uri = "file:///p/Dockerfile"
	c.open(uri, "FROM a\n", 1)
	c.sendRaw(fmt.Sprintf(`{"jsonrpc":"2.0","id":5,"method":"test/textLater","params":{"uri":%q}}`, uri))
	c.sendRaw(fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":%q,"version":2},"contentChanges":[{"text":"FROM b\n"}]}}`, uri))
	c.publishFor(uri, 2) // the change has been applied
	releaseText <- struct{}{}
	resp := c.wait("answer", func(m message) bool { return idKey(m.ID) == "5" })
	if got, _ := strconv.Unquote(string(resp.Result)); got != "FROM a\n" {
		t.Errorf("request saw %q, want the text at its arrival", resp.Result)
	}
}

func TestInitializeLenientAndOptions(t *testing.T) {
	// completion decodes; hover.contentFormat has the wrong type for
	// protocol v0.12.0 and must not cost the rest.
	c := startPipe(t, `{"capabilities":{"textDocument":{"completion":{"completionItem":{"snippetSupport":true}},"hover":{"contentFormat":42}}},"initializationOptions":{"rules":{"A":"off"}}}`)
	c.sendRaw(`{"jsonrpc":"2.0","id":1,"method":"test/hoverCaps"}`)
	if m := c.wait("caps", func(m message) bool { return idKey(m.ID) == "1" }); string(m.Result) != "true" {
		t.Errorf("completion capabilities lost: %s %v", m.Result, m.Error)
	}
	c.sendRaw(`{"jsonrpc":"2.0","id":2,"method":"test/initOptions"}`)
	if m := c.wait("options", func(m message) bool { return idKey(m.ID) == "2" }); string(m.Result) != `{"rules":{"A":"off"}}` {
		t.Errorf("initializationOptions = %s", m.Result)
	}
}

func TestHandlerErrors(t *testing.T) {
	c := startPipe(t, `{"capabilities":{}}`)
	c.sendRaw(`{"jsonrpc":"2.0","id":1,"method":"test/error"}`)
	if m := c.wait("error", func(m message) bool { return idKey(m.ID) == "1" }); m.Error == nil || m.Error.Code != CodeRequestFailed {
		t.Errorf("plain error: %+v", m.Error)
	}
	c.sendRaw(`{"jsonrpc":"2.0","id":2,"method":"test/params","params":{"position":"nope"}}`)
	if m := c.wait("params", func(m message) bool { return idKey(m.ID) == "2" }); m.Error == nil || m.Error.Code != CodeInvalidParams {
		t.Errorf("bad params: %+v", m.Error)
	}
	// Valid JSON that is not a request object.
	c.sendRaw(`[1,2]`)
	if m := c.wait("invalid request", func(m message) bool { return m.Error != nil && m.Error.Code == CodeInvalidRequest }); idKey(m.ID) != "null" {
		t.Errorf("id = %s", m.ID)
	}
	c.sendRaw(`{"jsonrpc":"2.0","id":3,"method":42}`)
	if m := c.wait("invalid request", func(m message) bool { return m.Error != nil && m.Error.Code == CodeInvalidRequest }); idKey(m.ID) != "3" {
		t.Errorf("id = %s, want 3", m.ID)
	}
	// Still alive.
	c.sendRaw(`{"jsonrpc":"2.0","id":4,"method":"shutdown"}`)
	c.wait("shutdown", func(m message) bool { return idKey(m.ID) == "4" })
}

func TestRefreshDiagnostics(t *testing.T) {
	c := startPipe(t, `{"capabilities":{}}`)
	const uri = "file:///r/Dockerfile"
	c.open(uri, "FORM x\n", 3)
	first := c.publishFor(uri, 3)
	if len(first.Diagnostics) == 0 {
		t.Fatal("no diagnostics for a parse error")
	}
	c.sendRaw(`{"jsonrpc":"2.0","id":9,"method":"test/refresh"}`)
	c.wait("refresh", func(m message) bool { return idKey(m.ID) == "9" })
	again := c.publishFor(uri, 3)
	if len(again.Diagnostics) != len(first.Diagnostics) {
		t.Errorf("republished %d diagnostics, first time %d", len(again.Diagnostics), len(first.Diagnostics))
	}
}

func TestRegisterDuplicatePanics(t *testing.T) {
	for _, m := range []string{"textDocument/didOpen", "test/error"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("registering %s again did not panic", m)
				}
			}()
			registerRequest(m, nil)
		}()
	}
}

func TestConvertRoundTrip(t *testing.T) {
	f := dockerfile.Parse([]byte("FROM a\nRUN echo 😀 ok\n"))
	sp := dockerfile.Span{Start: 21, End: 23} // "ok", after the 4-byte emoji
	rg := SpanToRange(f, sp)
	if rg.Start.Line != 1 || rg.Start.Character != 12 || rg.End.Character != 14 {
		t.Errorf("range = %+v", rg)
	}
	if back := RangeToSpan(f, rg); back != sp {
		t.Errorf("round trip = %+v, want %+v", back, sp)
	}
}

// A burst that arrives in one piece is checked once, at its last version:
// the read loop only starts diagnostics when its input is drained.
func TestBurstCheckedOnce(t *testing.T) {
	c := startPipe(t, `{"capabilities":{}}`)
	const uri = "file:///b/Dockerfile"
	var burst strings.Builder
	frameOf := func(body string) { fmt.Fprintf(&burst, "Content-Length: %d\r\n\r\n%s", len(body), body) }
	frameOf(fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":%q,"languageId":"dockerfile","version":1,"text":"FROM a\n"}}}`, uri))
	const last = 40
	for v := 2; v <= last; v++ {
		frameOf(fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":%q,"version":%d},"contentChanges":[{"range":{"start":{"line":1,"character":0},"end":{"line":1,"character":0}},"text":"RUN echo %d\n"}]}}`, uri, v, v))
	}
	if _, err := io.WriteString(c.w, burst.String()); err != nil {
		t.Fatal(err)
	}
	c.publishFor(uri, last)
	if n := c.srv.diagRuns.Load(); n != 1 {
		t.Errorf("the burst was checked %d times, want once", n)
	}
	for _, m := range c.held {
		if m.Method == "textDocument/publishDiagnostics" {
			t.Errorf("diagnostics published for an intermediate version: %s", m.Params)
		}
	}
}
