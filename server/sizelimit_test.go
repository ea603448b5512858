package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/msls-dev/msls/diagnostics"
)

// Issue 16 item 14: a 20 MB Dockerfile took 211 s and 3.46 GB to diagnose,
// and as long again per keystroke. Past maxCheckedBytes a document gets its
// parse errors and a diagnostic saying why nothing else; below it, the same
// text gets the rules. (-short: a 3 MB document; otherwise 20 MB.)
func TestTooLargeDocumentGetsParseErrorsOnly(t *testing.T) {
	src, err := os.ReadFile("../testdata/bench/multistage-198.Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	tail := []byte("EXPOSE\n") // a parse error: EXPOSE needs an argument
	size := 20 << 20
	if testing.Short() {
		size = 3 << 20
	}
	big := append(bytes.Repeat(src, size/len(src)+1), tail...)
	small := append(bytes.Clone(src), tail...)

	c := startPipe(t, `{"capabilities":{}}`)
	c.open("file:///w/small/Dockerfile", string(small), 1)
	codes := codeSet(c.publishFor("file:///w/small/Dockerfile", 1))
	if !codes[diagnostics.ParseErrorCode] || len(codes) < 2 || codes[TooLargeCode] {
		t.Fatalf("a small document should get parse errors and rule findings: %v", codes)
	}

	start := time.Now()
	c.open("file:///w/big/Dockerfile", string(big), 1)
	p := c.publishFor("file:///w/big/Dockerfile", 1)
	took := time.Since(start)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("%d MB document: diagnostics in %v (%d diagnostics); heap in use %d MB, sys %d MB", len(big)>>20, took, len(p.Diagnostics), ms.HeapInuse>>20, ms.Sys>>20)
	codes = codeSet(p)
	if !codes[TooLargeCode] || !codes[diagnostics.ParseErrorCode] || len(codes) != 2 {
		t.Fatalf("a %d MB document should get the too-large notice and its parse errors only: %v", len(big)>>20, codes)
	}
	if d := p.Diagnostics[0]; d.Code != TooLargeCode || d.Range.Start.Line != 0 {
		t.Errorf("the notice should come first, at the top: %+v", d)
	}

	// A keystroke in it is answered too.
	c.sendRaw(fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///w/big/Dockerfile","version":2},"contentChanges":[{"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":0}},"text":"# x\n"}]}}`))
	if codes := codeSet(c.publishFor("file:///w/big/Dockerfile", 2)); !codes[TooLargeCode] {
		t.Errorf("after a change: %v", codes)
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
