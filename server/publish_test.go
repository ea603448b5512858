package server

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.lsp.dev/protocol"
)

// A change that lands just as the diagnostics loop starts: the worker for
// version 1 reads the latest snapshot only after version 2 is installed and
// its work queued (which marks the running worker dirty). It publishes
// version 2, then loops because it is dirty, and must not publish version 2
// a second time. The hook holds the worker at the top of its loop so the
// interleaving is forced, not hoped for.
func TestVersionPublishedOnce(t *testing.T) {
	c := startPipe(t, `{"capabilities":{}}`)
	const uri = "file:///once/Dockerfile"
	entered := make(chan struct{}, 1)
	release := make(chan struct{})
	var calls atomic.Int32
	c.srv.beforeDiagnose = func(protocol.DocumentURI) {
		if calls.Add(1) == 1 {
			entered <- struct{}{}
			<-release
		}
	}
	c.open(uri, "FROM a\n", 1)
	<-entered
	c.sendRaw(fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":%q,"version":2},"contentChanges":[{"text":"FROM b\n"}]}}`, uri))
	// Wait until the read loop has queued version 2's work onto the running
	// worker (the round trip of a request proves the change was handled;
	// the flush follows once the input is idle).
	for dirty := false; !dirty; {
		c.sendRaw(`{"jsonrpc":"2.0","id":"ping","method":"msls/none"}`)
		c.wait("ping", func(m message) bool { return idKey(m.ID) == `"ping"` })
		c.srv.diagMu.Lock()
		w := c.srv.diag[protocol.DocumentURI(uri)]
		dirty = w != nil && w.dirty
		c.srv.diagMu.Unlock()
	}
	close(release)
	c.publishFor(uri, 2)
	// Once the worker is gone, everything it published has been written; a
	// ping sent after that is answered after it.
	for gone := false; !gone; {
		c.srv.diagMu.Lock()
		gone = c.srv.diag[protocol.DocumentURI(uri)] == nil
		c.srv.diagMu.Unlock()
		if !gone {
			time.Sleep(time.Millisecond)
		}
	}
	c.sendRaw(`{"jsonrpc":"2.0","id":"last","method":"msls/none"}`)
	c.wait("last", func(m message) bool { return idKey(m.ID) == `"last"` })
	for _, m := range c.held {
		if m.Method != "textDocument/publishDiagnostics" {
			continue
		}
		var p publishParams
		if json.Unmarshal(m.Params, &p) == nil && p.Version != nil && *p.Version == 2 {
			t.Errorf("version 2 published twice")
		}
	}
	if n := calls.Load(); n < 2 {
		t.Fatalf("the worker ran %d time(s): the test did not provoke the dirty loop", n)
	}
}

// Versions whose diagnostics are unchanged (typing in a comment) send the
// JSON encoded for the first of them; a change of diagnostics encodes again.
func TestUnchangedDiagnosticsNotReencoded(t *testing.T) {
	c := startPipe(t, `{"capabilities":{}}`)
	const uri = "file:///reuse/Dockerfile"
	text := "FROM node:20\n# a comment\nCOPY . .\nRUN npm install\n"
	c.open(uri, text, 1)
	first := c.publishFor(uri, 1)
	if len(first.Diagnostics) == 0 {
		t.Fatal("the fixture should have findings")
	}
	change := func(v int, text string) {
		b, _ := json.Marshal(text)
		c.sendRaw(fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":%q,"version":%d},"contentChanges":[{"text":%s}]}}`, uri, v, b))
	}
	for v := 2; v <= 4; v++ {
		change(v, strings.Replace(text, "# a comment", "# a comment"+strings.Repeat("!", v), 1))
		p := c.publishFor(uri, int32(v))
		if !reflect.DeepEqual(p.Diagnostics, first.Diagnostics) {
			t.Fatalf("v%d: diagnostics differ from v1's:\n%v\n%v", v, p.Diagnostics, first.Diagnostics)
		}
	}
	if n := c.srv.diagEncodes.Load(); n != 1 {
		t.Errorf("%d encodings for four versions with the same diagnostics, want 1", n)
	}
	change(5, "FROM node:20\nUSER node\n")
	if p := c.publishFor(uri, 5); reflect.DeepEqual(p.Diagnostics, first.Diagnostics) {
		t.Fatal("v5 should have other diagnostics")
	}
	if n := c.srv.diagEncodes.Load(); n != 2 {
		t.Errorf("%d encodings after the diagnostics changed, want 2", n)
	}
}
