package server

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"testing"

	"go.lsp.dev/protocol"
)

var long = flag.Bool("long", false, "run the soak test at full length (20,000 edits, 2,000 open/close cycles)")

// TestSoak (issue 16): a long session must not keep what it no longer needs.
// It types and deletes in one open document, then opens and closes many
// different documents, waiting for each one's diagnostics, and asserts the
// live heap afterwards is within 2x of the live heap with the first
// document open and checked. `go test -run Soak -long ./server/` runs 20,000
// edits and 2,000 open/close cycles; the default (CI) run is a tenth of that.
func TestSoak(t *testing.T) {
	edits, cycles := 2_000, 200
	if *long {
		edits, cycles = 20_000, 2_000
	}
	if testing.Short() {
		edits, cycles = 500, 50
	}
	src, err := os.ReadFile("../testdata/bench/multistage-198.Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	text := append(bytes.Clone(src), "# typing: "...)
	pos := benchTypingPosition(text)
	pos.Character = uint32(len("# typing: "))

	c := startPipe(t, `{"capabilities":{}}`)
	const uri = "file:///w/edited/Dockerfile"
	c.open(uri, string(text), 1)
	c.drainUntilPublish(uri, 1)
	start := liveHeap()

	version := int32(1)
	for i := range edits {
		version++
		// type a character, then delete it: the text stays the same size
		var ch contentChange
		if i%2 == 0 {
			ch = contentChange{Range: &protocol.Range{Start: pos, End: pos}, Text: string(rune('a' + i%26))}
		} else {
			ch = contentChange{Range: &protocol.Range{Start: pos, End: protocol.Position{Line: pos.Line, Character: pos.Character + 1}}, Text: ""}
		}
		c.change(uri, version, ch)
		if i%50 == 49 || i == edits-1 {
			c.drainUntilPublish(uri, version)
		}
	}
	afterEdits := liveHeap()

	for i := range cycles {
		u := fmt.Sprintf("file:///w/doc-%d/Dockerfile", i)
		// each document differs, so nothing one cached serves the next
		doc := bytes.Replace(src, []byte("FROM "), fmt.Appendf(nil, "# variant %d\nFROM ", i), 1)
		c.open(u, string(doc), 1)
		c.drainUntilPublish(u, 1)
		c.sendRaw(fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didClose","params":{"textDocument":{"uri":%q}}}`, u))
	}
	// the last close's empty publish says every close was handled
	c.drainUntilPublish(fmt.Sprintf("file:///w/doc-%d/Dockerfile", cycles-1), -1)
	end := liveHeap()
	t.Logf("live heap: %.1f MB at start, %.1f MB after %d edits, %.1f MB after %d open/close cycles",
		mb(start), mb(afterEdits), edits, mb(end), cycles)
	if afterEdits > 2*start {
		t.Errorf("after %d edits the live heap is %.1f MB, over twice the %.1f MB at start", edits, mb(afterEdits), mb(start))
	}
	if end > 2*start {
		t.Errorf("after %d open/close cycles the live heap is %.1f MB, over twice the %.1f MB at start", cycles, mb(end), mb(start))
	}
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }

// liveHeap is the heap in use after a full collection.
func liveHeap() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func (c *pipeClient) change(uri string, version int32, changes ...contentChange) {
	b, err := json.Marshal(didChangeParams{TextDocument: protocol.VersionedTextDocumentIdentifier{
		TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: protocol.DocumentURI(uri)}, Version: version}, ContentChanges: changes})
	if err != nil {
		c.t.Fatal(err)
	}
	c.sendRaw(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":` + string(b) + `}`)
}

// drainUntilPublish reads and drops messages until diagnostics for uri at
// version arrive (version -1: the empty publish of a close), keeping nothing:
// a soak must not measure its own client.
func (c *pipeClient) drainUntilPublish(uri string, version int32) {
	c.t.Helper()
	c.held = nil
	c.wait(fmt.Sprintf("diagnostics for %s v%d", uri, version), func(m message) bool {
		if m.Method != "textDocument/publishDiagnostics" {
			return false
		}
		var q publishParams
		if json.Unmarshal(m.Params, &q) != nil || string(q.URI) != uri {
			return false
		}
		return (version < 0 && q.Version == nil) || (q.Version != nil && *q.Version == version)
	})
	c.held = nil
}
