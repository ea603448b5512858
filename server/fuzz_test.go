package server

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// FuzzServerInput feeds arbitrary bytes to an initialized server: whatever
// arrives, Run must return (at the end of input) without crashing.
func FuzzServerInput(f *testing.F) {
	frame := func(body string) string { return fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body) }
	f.Add([]byte(frame(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a","version":1,"text":"FROM a\nRUN b\n"}}}`) +
		frame(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///a","version":2},"contentChanges":[{"range":{"start":{"line":9,"character":4},"end":{"line":0,"character":1}},"text":"x"}]}}`)))
	f.Add([]byte("Content-Length: 3\r\n\r\n[1]Content-Length: -1\r\n\r\n"))
	f.Add([]byte(frame(`{"jsonrpc":"2.0","id":{},"method":"shutdown"}`) + frame(`{"jsonrpc":"2.0","id":1,"result":null}`)))
	f.Add([]byte(frame(`{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":[]}}`) + frame(`{"jsonrpc":"2.0","id":1,"method":"exit"}`)))
	init := frame(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"capabilities":{}}}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		s := New(Options{})
		in := io.MultiReader(bytes.NewReader([]byte(init)), bytes.NewReader(data))
		if code := s.Run(in, io.Discard); code != 0 && code != 1 {
			t.Fatalf("exit status %d", code)
		}
	})
}
