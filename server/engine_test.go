package server

import (
	"bufio"
	"fmt"
	"io"
	"testing"

	"github.com/msls-dev/msls/bench/benchdata"
)

// TestClosedDocumentsLeaveNoLintResults: the engine's lint results of a
// document go when it closes, so opening and closing many documents does not
// accumulate them (issue 16: caches bounded in bytes, dropped with their
// documents).
func TestClosedDocumentsLeaveNoLintResults(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	s := New(Options{})
	done := make(chan struct{})
	go func() {
		s.Run(inR, outW)
		outW.Close()
		close(done)
	}()
	p := &benchPipe{in: inW, out: bufio.NewReaderSize(outR, 1<<16)}
	defer func() {
		inW.Close()
		go io.Copy(io.Discard, outR)
		<-done
	}()
	p.request(t, "initialize", map[string]any{"capabilities": map[string]any{}})
	p.notify(t, "initialized", map[string]any{})
	text := string(benchdata.MustAll(t)[1].Text)
	for i := range 20 {
		uri := fmt.Sprintf("file:///engine/%d/Dockerfile", i)
		p.notify(t, "textDocument/didOpen", map[string]any{"textDocument": map[string]any{
			"uri": uri, "languageId": "dockerfile", "version": 1, "text": text + fmt.Sprintf("ENV N=%d\n", i)}})
		p.waitPublish(t, uri, 1)
		if s.engine.Docs() == 0 {
			t.Fatalf("document %d checked, no state kept", i)
		}
		p.notify(t, "textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": uri}})
		p.waitPublish(t, uri, 0) // the empty diagnostics of the closed document
	}
	if n := s.engine.Docs(); n != 0 {
		t.Errorf("20 documents opened and closed, the engine still keeps state for %d", n)
	}
}
