package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/msls-dev/msls/diagnostics"
)

// Issue 16 item 14: a 20 MB Dockerfile took 211 s and 3.46 GB to diagnose,
// and as long again per keystroke. Past maxCheckedBytes a document gets its
// parse errors and a notice saying why nothing else; past maxParsedBytes only
// the notice; below them, the same text gets the rules.
func TestTooLargeDocument(t *testing.T) {
	src, err := os.ReadFile("../testdata/bench/multistage-198.Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	tail := []byte("EXPOSE\n") // a parse error: EXPOSE needs an argument
	c := startPipe(t, `{"capabilities":{}}`)
	small := append(bytes.Clone(src), tail...)
	c.open("file:///w/small/Dockerfile", string(small), 1)
	codes := codeSet(c.publishFor("file:///w/small/Dockerfile", 1))
	if !codes[diagnostics.ParseErrorCode] || len(codes) < 2 || codes[TooLargeCode] {
		t.Fatalf("a small document should get parse errors and rule findings: %v", codes)
	}

	sizes := []int{3 << 20, 20 << 20}
	if testing.Short() || raceEnabled {
		sizes = sizes[:1]
	}
	for _, size := range sizes {
		uri := fmt.Sprintf("file:///w/big-%d/Dockerfile", size>>20)
		// Past maxParsedBytes: the Dockerfile over and over, as in the
		// issue (211 s). Parsed but not checked: the Dockerfile, then
		// comment lines up to the size, cheap to parse (no BuildKit
		// instruction parse), so that case is quick even under -race,
		// while the rules would still report the Dockerfile.
		big := append(bytes.Repeat(src, size/len(src)+1), tail...)
		if size <= maxParsedBytes {
			big = append(bytes.Clone(src), tail...)
			pad := []byte("# padding padding padding padding padding padding padding padding\n")
			big = append(big, bytes.Repeat(pad, (size-len(big))/len(pad)+1)...)
		}
		start := time.Now()
		c.open(uri, string(big), 1)
		p := c.publishFor(uri, 1)
		took := time.Since(start)
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		t.Logf("%d MB document: diagnostics in %v (%d diagnostics); heap in use %d MB, sys %d MB", len(big)>>20, took, len(p.Diagnostics), ms.HeapInuse>>20, ms.Sys>>20)
		codes = codeSet(p)
		want := map[string]bool{TooLargeCode: true, diagnostics.ParseErrorCode: true}
		if len(big) > maxParsedBytes {
			want = map[string]bool{TooLargeCode: true}
		}
		if !maps.Equal(codes, want) {
			t.Fatalf("a %d MB document should get %v: %v", len(big)>>20, want, codes)
		}
		if d := p.Diagnostics[0]; d.Code != TooLargeCode || d.Range.Start.Line != 0 || !strings.Contains(d.Message, "limit") {
			t.Errorf("the notice should come first, at the top: %+v", d)
		}
		// A keystroke in it is answered too, and so is a hover.
		c.sendRaw(fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":%q,"version":2},"contentChanges":[{"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":0}},"text":"# x\n"}]}}`, uri))
		if codes := codeSet(c.publishFor(uri, 2)); !codes[TooLargeCode] {
			t.Errorf("after a change: %v", codes)
		}
		c.sendRaw(fmt.Sprintf(`{"jsonrpc":"2.0","id":"hover-%d","method":"textDocument/hover","params":{"textDocument":{"uri":%q},"position":{"line":1,"character":1}}}`, size, uri))
		if m := c.wait("hover", func(m message) bool { return idKey(m.ID) == fmt.Sprintf(`"hover-%d"`, size) }); m.Error != nil {
			t.Errorf("hover: %v", m.Error)
		}
	}
}

func codeSet(p publishParams) map[string]bool {
	m := map[string]bool{}
	for _, d := range p.Diagnostics {
		var code string
		b, _ := json.Marshal(d.Code)
		json.Unmarshal(b, &code)
		m[code] = true
	}
	return m
}
