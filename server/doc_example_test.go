package server

import (
	"context"
	"encoding/json"
	"fmt"
	"go/format"
	"os"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

// The handler example of the package documentation (doc.go), compiled here:
// TestDocExample checks that doc.go shows exactly this code and that it
// answers like a handler should.

// doc example start

func init() {
	registerRequest("msls/instructionAt", instructionAt)
}

// instructionAt answers which instruction is at a position: its keyword and
// its range (a custom request; a standard feature would also call
// registerCapability to announce itself in the initialize result).
func instructionAt(ctx context.Context, s *Server, raw json.RawMessage) (any, error) {
	var p protocol.TextDocumentPositionParams
	snap, err := s.openDocument(ctx, raw, &p, func() protocol.DocumentURI { return p.TextDocument.URI })
	if snap == nil {
		return nil, err // bad params (InvalidParams), or not open: null
	}
	f := snap.File()                       // parsed once per version, shared
	off := PositionToOffset(f, p.Position) // UTF-16 position -> byte offset
	in := f.InstructionAt(off)
	if in == nil {
		return nil, nil // JSON null
	}
	rng := SpanToRange(f, in.Span) // byte offsets -> UTF-16 range
	return &protocol.Hover{Range: &rng, Contents: protocol.MarkupContent{Kind: protocol.PlainText, Value: in.Keyword}}, nil
}

// doc example end

// docBlock is the code block of doc.go's "# Adding a feature" section,
// without its comment markers, gofmt'ed.
func docBlock(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	in := false
	for _, l := range strings.Split(string(src), "\n") {
		switch {
		case strings.HasPrefix(l, "// # Adding a feature"):
			in = true
		case in && strings.HasPrefix(l, "//\t"):
			b.WriteString(strings.TrimPrefix(l, "//\t") + "\n")
		case in && l == "//" && b.Len() > 0:
			b.WriteString("\n")
		case in && b.Len() > 0 && strings.HasPrefix(l, "// "):
			return gofmtPart(t, b.String())
		}
	}
	t.Fatal("no code block under # Adding a feature in doc.go")
	return ""
}

func gofmtPart(t *testing.T, s string) string {
	t.Helper()
	out, err := format.Source([]byte("package server\n\n" + strings.TrimSpace(s) + "\n"))
	if err != nil {
		t.Fatalf("doc example does not parse: %v\n%s", err, s)
	}
	return string(out)
}

func TestDocExample(t *testing.T) {
	src, err := os.ReadFile("doc_example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(src), "// doc example start\n")
	compiled, _, _ := strings.Cut(rest, "// doc example end\n")
	if got, want := docBlock(t), gofmtPart(t, compiled); got != want {
		t.Errorf("doc.go's handler example differs from the compiled one in doc_example_test.go\n--- doc.go\n%s--- compiled\n%s", got, want)
	}

	c := startPipe(t, `{"capabilities":{}}`)
	const uri = "file:///x/Dockerfile"
	c.open(uri, "FROM alpine:3.20\nRUN echo é && true\n", 1)
	c.publishFor(uri, 1)
	c.sendRaw(fmt.Sprintf(`{"jsonrpc":"2.0","id":1,"method":"msls/instructionAt","params":{"textDocument":{"uri":%q},"position":{"line":1,"character":12}}}`, uri))
	m := c.wait("answer", func(m message) bool { return idKey(m.ID) == "1" })
	var h protocol.Hover
	// the range is in UTF-16 units: é is one unit (two bytes)
	if m.Error != nil || json.Unmarshal(m.Result, &h) != nil || h.Contents.Value != "RUN" || h.Range.Start.Line != 1 || h.Range.End.Character != 18 {
		t.Errorf("instructionAt: %s %v", m.Result, m.Error)
	}
	c.sendRaw(`{"jsonrpc":"2.0","id":2,"method":"msls/instructionAt","params":{"textDocument":{"uri":"file:///not/open"},"position":{"line":0,"character":0}}}`)
	if m := c.wait("null", func(m message) bool { return idKey(m.ID) == "2" }); m.Error != nil || string(m.Result) != "null" {
		t.Errorf("document not open: %s %v", m.Result, m.Error)
	}
	c.sendRaw(`{"jsonrpc":"2.0","id":3,"method":"msls/instructionAt","params":{"position":"x"}}`)
	if m := c.wait("error", func(m message) bool { return idKey(m.ID) == "3" }); m.Error == nil || m.Error.Code != CodeInvalidParams {
		t.Errorf("bad params: %+v", m.Error)
	}
}
