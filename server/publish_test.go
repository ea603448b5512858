package server

import (
	"encoding/json"
	"fmt"
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
