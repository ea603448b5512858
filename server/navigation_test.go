package server

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/protocol"
)

// navClient is a minimal in-process LSP client for the completion and
// navigation tests: it frames requests, matches replies by id, and drops
// notifications (diagnostics) and answers server requests with null.
type navClient struct {
	t       *testing.T
	w       *io.PipeWriter
	mu      sync.Mutex
	nextID  int
	pending map[string]chan rpcReply
	done    chan int
}

type rpcReply struct {
	Result json.RawMessage
	Error  *Error
}

func startNav(t *testing.T, caps string) *navClient {
	t.Helper()
	return startNavRoot(t, caps, "")
}

// startNavRoot is startNav with a rootUri (the single workspace folder).
func startNavRoot(t *testing.T, caps, rootURI string) *navClient {
	t.Helper()
	cr, cw := io.Pipe() // client -> server
	sr, sw := io.Pipe() // server -> client
	c := &navClient{t: t, w: cw, pending: map[string]chan rpcReply{}, done: make(chan int, 1)}
	srv := New(Options{})
	go func() { c.done <- srv.Run(cr, sw); sw.Close() }()
	go c.readLoop(sr)
	t.Cleanup(func() {
		c.call("shutdown", nil, nil)
		c.notify("exit", nil)
		select {
		case <-c.done:
		case <-time.After(10 * time.Second):
			t.Error("server did not exit")
		}
		cw.Close()
	})
	root := "null"
	if rootURI != "" {
		root = strconv.Quote(rootURI)
	}
	var res json.RawMessage
	if e := c.call("initialize", json.RawMessage(`{"processId":null,"rootUri":`+root+`,"capabilities":`+caps+`,"clientInfo":{"name":"test"}}`), &res); e != nil {
		t.Fatalf("initialize: %v", e)
	}
	c.notify("initialized", struct{}{})
	return c
}

func (c *navClient) readLoop(r io.Reader) {
	br := bufio.NewReader(r)
	tp := textproto.NewReader(br)
	for {
		hdr, err := tp.ReadMIMEHeader()
		if err != nil {
			return
		}
		n, _ := strconv.Atoi(hdr.Get("Content-Length"))
		body := make([]byte, n)
		if _, err := io.ReadFull(br, body); err != nil {
			return
		}
		var m message
		if json.Unmarshal(body, &m) != nil {
			continue
		}
		switch {
		case m.isRequest():
			c.send(map[string]any{"jsonrpc": "2.0", "id": m.ID, "result": nil})
		case m.Method == "":
			c.mu.Lock()
			ch := c.pending[string(m.ID)]
			delete(c.pending, string(m.ID))
			c.mu.Unlock()
			if ch != nil {
				ch <- rpcReply{Result: m.Result, Error: m.Error}
			}
		}
	}
}

func (c *navClient) send(v any) {
	body, _ := json.Marshal(v)
	fmt.Fprintf(c.w, "Content-Length: %d\r\n\r\n%s", len(body), body)
}

func (c *navClient) notify(method string, params any) {
	c.send(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

// call sends a request and decodes its result into out; it returns the
// error reply, if any.
func (c *navClient) call(method string, params, out any) *Error {
	c.mu.Lock()
	c.nextID++
	id := strconv.Itoa(c.nextID)
	ch := make(chan rpcReply, 1)
	c.pending[id] = ch
	c.mu.Unlock()
	msg := map[string]any{"jsonrpc": "2.0", "id": c.nextID, "method": method}
	if params != nil {
		msg["params"] = params
	}
	c.send(msg)
	select {
	case r := <-ch:
		if r.Error != nil {
			return r.Error
		}
		if out != nil {
			if err := json.Unmarshal(r.Result, out); err != nil {
				c.t.Fatalf("%s: decoding %s: %v", method, r.Result, err)
			}
		}
		return nil
	case <-time.After(10 * time.Second):
		c.t.Fatalf("%s: no reply", method)
		return nil
	}
}

const navURI = "file:///work/Dockerfile"

func (c *navClient) open(text string) { c.openURI(navURI, text) }

func (c *navClient) openURI(uri, text string) {
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "dockerfile", "version": 1, "text": text}})
}

// at returns the position of the n-th (0-based) occurrence of needle plus
// delta UTF-16 units, computed independently of the server's line index.
func at(t *testing.T, text, needle string, n, delta int) protocol.Position {
	t.Helper()
	off := -1
	for i := 0; i <= n; i++ {
		j := strings.Index(text[off+1:], needle)
		if j < 0 {
			t.Fatalf("%q: occurrence %d not found", needle, n)
		}
		off += 1 + j
	}
	line := strings.Count(text[:off], "\n")
	col := 0
	for _, r := range text[strings.LastIndex(text[:off], "\n")+1 : off] {
		col++
		if r >= 0x10000 {
			col++
		}
	}
	return protocol.Position{Line: uint32(line), Character: uint32(col + delta)}
}

func tdp(p protocol.Position) map[string]any {
	return map[string]any{"textDocument": map[string]any{"uri": navURI}, "position": p}
}

const navDoc = "# syntax=docker/dockerfile:1\n" +
	"ARG GO_VERSION=1.22\n" +
	"FROM golang:${GO_VERSION} AS build\n" +
	"ENV CGO_ENABLED=0\n" +
	"RUN echo \"😀\" $CGO_ENABLED && go build -o /out/app\n" +
	"FROM build AS test\n" +
	"RUN go test ./...\n" +
	"FROM alpine:3.20 AS runtime\n" +
	"COPY --link --from=build /out/app /app\n" +
	"RUN --mount=type=bind,from=build,target=/src \\\n" +
	"    ls /src\n" +
	"USER nobody\n"

func TestServerDefinitionReferencesHighlight(t *testing.T) {
	c := startNav(t, `{}`)
	c.open(navDoc)
	var locs []protocol.Location
	if e := c.call("textDocument/definition", tdp(at(t, navDoc, "build", 2, 2)), &locs); e != nil {
		t.Fatal(e)
	}
	want := at(t, navDoc, "build", 0, 0)
	if len(locs) != 1 || locs[0].Range.Start != want || locs[0].URI != navURI {
		t.Fatalf("definition of --from=build: got %+v, want start %+v", locs, want)
	}
	// $CGO_ENABLED after an emoji (a surrogate pair in UTF-16).
	if e := c.call("textDocument/definition", tdp(at(t, navDoc, "$CGO_ENABLED", 0, 3)), &locs); e != nil {
		t.Fatal(e)
	}
	if len(locs) != 1 || locs[0].Range.Start != at(t, navDoc, "CGO_ENABLED", 0, 0) {
		t.Fatalf("definition of $CGO_ENABLED: got %+v", locs)
	}
	var refs []protocol.Location
	params := tdp(at(t, navDoc, "build", 0, 1))
	params["context"] = map[string]any{"includeDeclaration": true}
	if e := c.call("textDocument/references", params, &refs); e != nil {
		t.Fatal(e)
	}
	if len(refs) != 4 {
		t.Fatalf("references of build (decl, FROM, COPY, mount): got %d: %+v", len(refs), refs)
	}
	params["context"] = map[string]any{"includeDeclaration": false}
	c.call("textDocument/references", params, &refs)
	if len(refs) != 3 {
		t.Fatalf("references without declaration: got %d", len(refs))
	}
	var hl []protocol.DocumentHighlight
	c.call("textDocument/documentHighlight", tdp(at(t, navDoc, "GO_VERSION", 1, 0)), &hl)
	if len(hl) != 2 || hl[0].Kind != protocol.DocumentHighlightKindWrite || hl[1].Kind != protocol.DocumentHighlightKindRead {
		t.Fatalf("highlights of GO_VERSION: %+v", hl)
	}
}

func TestServerRename(t *testing.T) {
	c := startNav(t, `{"textDocument":{"rename":{"prepareSupport":true}}}`)
	c.open(navDoc)
	var prep struct {
		Range       protocol.Range `json:"range"`
		Placeholder string         `json:"placeholder"`
	}
	if e := c.call("textDocument/prepareRename", tdp(at(t, navDoc, "build", 3, 0)), &prep); e != nil {
		t.Fatal(e)
	}
	if prep.Placeholder != "build" || prep.Range.Start != at(t, navDoc, "build", 3, 0) {
		t.Fatalf("prepareRename: %+v", prep)
	}
	var we protocol.WorkspaceEdit
	params := tdp(at(t, navDoc, "build", 3, 0))
	params["newName"] = "compile"
	if e := c.call("textDocument/rename", params, &we); e != nil {
		t.Fatal(e)
	}
	if edits := we.Changes[navURI]; len(edits) != 4 {
		t.Fatalf("rename edits: %+v", we)
	}
	for _, bad := range []struct{ name, msg string }{{"runtime", "already used"}, {"9lives", "invalid stage name"}} {
		params["newName"] = bad.name
		e := c.call("textDocument/rename", params, &we)
		if e == nil || e.Code != CodeRequestFailed || !strings.Contains(e.Message, bad.msg) {
			t.Errorf("rename to %s: want a RequestFailed error containing %q, got %v", bad.name, bad.msg, e)
		}
	}
	// Renaming an image is refused before the user types a name.
	if e := c.call("textDocument/prepareRename", tdp(at(t, navDoc, "alpine", 0, 1)), &prep); e == nil {
		t.Errorf("prepareRename on an image: want an error")
	}
}

func TestServerHoverSymbolsFolding(t *testing.T) {
	c := startNav(t, `{"textDocument":{"documentSymbol":{"hierarchicalDocumentSymbolSupport":true}}}`)
	c.open(navDoc)
	var h protocol.Hover
	if e := c.call("textDocument/hover", tdp(at(t, navDoc, "build", 2, 1)), &h); e != nil {
		t.Fatal(e)
	}
	raw, _ := json.Marshal(h.Contents)
	if !strings.Contains(string(raw), "FROM golang:${GO_VERSION} AS build") || !strings.Contains(string(raw), "--target build") {
		t.Errorf("hover on a stage reference: %s", raw)
	}
	c.call("textDocument/hover", tdp(at(t, navDoc, "RUN --mount", 0, 1)), &h)
	raw, _ = json.Marshal(h.Contents)
	if !strings.Contains(string(raw), "**RUN**") {
		t.Errorf("hover on RUN: %s", raw)
	}
	var syms []protocol.DocumentSymbol
	if e := c.call("textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": navURI}}, &syms); e != nil {
		t.Fatal(e)
	}
	var names []string
	for _, s := range syms {
		names = append(names, s.Name+"/"+s.Detail)
	}
	if got := strings.Join(names, " "); got != "GO_VERSION/ARG = 1.22 build/golang:${GO_VERSION} test/build runtime/alpine:3.20" {
		t.Errorf("symbols: %s", got)
	}
	if len(syms) == 4 && len(syms[3].Children) != 3 {
		t.Errorf("runtime stage children: %+v", syms[3].Children)
	}
	var folds []protocol.FoldingRange
	c.call("textDocument/foldingRange", map[string]any{"textDocument": map[string]any{"uri": navURI}}, &folds)
	if len(folds) == 0 {
		t.Error("no folding ranges")
	}
}

func TestServerCompletion(t *testing.T) {
	c := startNav(t, `{"textDocument":{"completion":{"completionItem":{"snippetSupport":true}}}}`)
	text := "FROM golang:1.22 AS build\nFROM alpine AS runtime\nCOPY --chown=日本 --from=bu\n"
	c.open(text)
	var list protocol.CompletionList
	pos := at(t, text, "--from=bu", 0, len("--from=bu"))
	if e := c.call("textDocument/completion", tdp(pos), &list); e != nil {
		t.Fatal(e)
	}
	if len(list.Items) != 1 || list.Items[0].Label != "build" || list.Items[0].TextEdit == nil {
		t.Fatalf("completion: %+v", list.Items)
	}
	te := list.Items[0].TextEdit
	if te.NewText != "build" || te.Range.End != pos || te.Range.Start.Character != pos.Character-2 {
		t.Errorf("text edit %+v at cursor %+v", te, pos)
	}
	// Snippets only when the client supports them.
	const emptyURI = "file:///work/empty.Dockerfile"
	c.openURI(emptyURI, "")
	c.call("textDocument/completion", map[string]any{"textDocument": map[string]any{"uri": emptyURI}, "position": protocol.Position{}}, &list)
	if len(list.Items) == 0 || list.Items[0].Label != "FROM" || list.Items[0].InsertTextFormat != protocol.InsertTextFormatSnippet {
		t.Errorf("empty file: %+v", list.Items)
	}
	plain := startNav(t, `{}`)
	plain.open("")
	plain.call("textDocument/completion", tdp(protocol.Position{}), &list)
	if len(list.Items) == 0 || list.Items[0].InsertTextFormat == protocol.InsertTextFormatSnippet || strings.Contains(list.Items[0].TextEdit.NewText, "$") {
		t.Errorf("plain client got a snippet: %+v", list.Items)
	}
}
