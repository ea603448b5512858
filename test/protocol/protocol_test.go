// Package protocol_test drives the real msls binary over pipes with the input
// a buggy client, a half-typed buffer or a hostile peer can produce. After
// every case the server must still answer, and every case gets a clear LSP
// error or a diagnostic, never a crash or a hang.
package protocol_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

const docURI = "file:///ws/Dockerfile"

func TestMalformedBodies(t *testing.T) {
	c := startInitialized(t)
	for _, body := range []string{
		`{"jsonrpc":"2.0","id":1,"method":`,
		`not json at all`,
		`{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{}}}`,
		"\x00\x01\x02",
		"\xff\xfe{}",
	} {
		c.raw(frame([]byte(body)))
		m := c.orphan(fmt.Sprintf("body %q", body))
		if m.Error == nil || m.Error.Code != -32700 && m.Error.Code != -32600 {
			t.Errorf("body %q: reply %+v, want a ParseError or InvalidRequest", body, m)
		}
		if string(m.ID) != "null" {
			t.Errorf("body %q: error reply id %s, want null", body, m.ID)
		}
		c.alive(fmt.Sprintf("body %q", body))
	}
}

func TestBodyNotAnObject(t *testing.T) {
	c := startInitialized(t)
	for _, body := range []string{`[]`, `[{"jsonrpc":"2.0","id":1,"method":"shutdown"}]`, `42`, `"initialize"`, `null`, `true`, `{}`,
		`{"jsonrpc":"2.0","id":{"a":1},"method":"textDocument/hover"}`, `{"jsonrpc":"2.0","id":1,"method":42}`} {
		c.raw(frame([]byte(body)))
		m := c.orphan(fmt.Sprintf("body %s", body))
		if m.Error == nil || m.Error.Code != -32700 && m.Error.Code != -32600 {
			t.Errorf("body %s: reply %+v, want a ParseError or InvalidRequest", body, m)
		}
		c.alive("body " + body)
	}
}

// Framing errors lose the frame, but the server must find the next frame and
// carry on: one bad header must not cost the rest of the session.
func TestBadContentLength(t *testing.T) {
	ping := []byte(`{"jsonrpc":"2.0","id":"p","method":"msls/no-such-method"}`)
	cases := map[string][]byte{
		"missing":      append([]byte("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n"), ping...),
		"not a number": append([]byte("Content-Length: twelve\r\n\r\n"), ping...),
		"negative":     append([]byte("Content-Length: -5\r\n\r\n"), ping...),
		"too short":    append([]byte(fmt.Sprintf("Content-Length: %d\r\n\r\n", len(ping)-10)), ping...),
		"too long":     append([]byte(fmt.Sprintf("Content-Length: %d\r\n\r\n", len(ping)+40)), ping...),
		"huge":         append([]byte("Content-Length: 99999999999999999999\r\n\r\n"), ping...),
		"no colon":     append([]byte("Content-Length 12\r\n\r\n"), ping...),
		"bare LF":      append([]byte(fmt.Sprintf("Content-Length: %d\n\n", len(ping))), ping...),
	}
	for name, bad := range cases {
		t.Run(name, func(t *testing.T) {
			c := startInitialized(t)
			c.raw(bad)
			c.resync(name)
		})
	}
}

// resync sends pings until one is answered: a damaged frame may swallow a
// bounded number of the frames after it, never all of them.
func (c *client) resync(what string) {
	c.t.Helper()
	for attempt := 0; attempt < 8; attempt++ {
		m, _, err := c.lc.CallRaw(func(id string) []byte {
			return []byte(`{"jsonrpc":"2.0","id":` + id + `,"method":"msls/no-such-method"}`)
		}, 2*time.Second)
		if err == nil {
			if m.Error == nil || m.Error.Code != -32601 {
				c.t.Fatalf("%s: ping answered %+v", what, m)
			}
			return
		}
		if c.exited() {
			c.t.Fatalf("%s: msls exited (%v)", what, c.lc.WaitErr())
		}
	}
	c.t.Fatalf("%s: the server never answered again: the stream stayed out of sync", what)
}

// Issue 16 items 5 and 6, against the real binary. A Content-Length too
// large to skip (2^62) closes the stream with a logged error and an error
// reply, where the server used to stay up answering nothing; a header line
// with no line break is read in bounded memory and the session goes on.
func TestUnskippableFrameClosesTheStream(t *testing.T) {
	c := startInitialized(t)
	c.raw([]byte("Content-Length: 4611686018427387904\r\n\r\n"))
	c.raw(frame([]byte(`{"jsonrpc":"2.0","id":"after","method":"msls/no-such-method"}`)))
	m := c.orphan("2^62 Content-Length")
	if m.Error == nil || m.Error.Code != -32700 || !strings.Contains(m.Error.Message, "closing") {
		t.Errorf("reply %+v, want a ParseError saying the stream closes", m)
	}
	select {
	case <-c.lc.Exited():
	case <-time.After(answerTimeout):
		t.Fatal("the server is still running after a frame it cannot skip")
	}
	if code := c.lc.ExitCode(); code != 1 {
		t.Errorf("exit status %d, want 1 (no shutdown)", code)
	}
	if !strings.Contains(c.lc.Stderr(), "closing the stream") {
		t.Errorf("the close was not logged")
	}
}

func TestLongHeaderLine(t *testing.T) {
	c := startInitialized(t)
	c.raw(bytes.Repeat([]byte("x"), 8<<20))
	c.raw([]byte("\r\n\r\n"))
	c.orphan("an 8 MiB header line") // the frame is dropped with a ParseError
	c.alive("an 8 MiB header line")
}

func TestNotificationWithIDAndRequestWithout(t *testing.T) {
	c := startInitialized(t)
	// didOpen sent as a request: an id means the sender waits for a reply.
	m := c.requestRawParams("textDocument/didOpen", `{"textDocument":{"uri":"`+docURI+`","languageId":"dockerfile","version":1,"text":"FROM alpine\n"}}`)
	if m.Error == nil {
		t.Errorf("didOpen with an id: reply %+v, want an error", m)
	}
	// hover sent as a notification: no reply is possible, nothing may break.
	c.raw(frame([]byte(`{"jsonrpc":"2.0","method":"textDocument/hover","params":{"textDocument":{"uri":"` + docURI + `"},"position":{"line":0,"character":0}}}`)))
	c.raw(frame([]byte(`{"jsonrpc":"2.0","method":"shutdown"}`)))
	c.alive("a request without an id")
	// A response nobody asked for.
	c.raw(frame([]byte(`{"jsonrpc":"2.0","id":987654,"result":{"x":1}}`)))
	c.raw(frame([]byte(`{"jsonrpc":"2.0","id":987655,"error":{"code":-1,"message":"no"}}`)))
	c.alive("an unsolicited response")
}

func TestUnknownMethods(t *testing.T) {
	c := startInitialized(t)
	for _, method := range []string{"foo", "textDocument/unknown", "$/unknown", ""} {
		m := c.requestRawParams(method, `{}`)
		if m.Error == nil || (method != "" && m.Error.Code != -32601) {
			t.Errorf("request %q: reply %+v, want MethodNotFound", method, m)
		}
		c.notify(method, map[string]any{})
		c.alive("unknown notification " + method)
	}
	// $/ notifications the server does not know are ignored silently.
	c.notify("$/setTrace", map[string]any{"value": "verbose"})
	c.notify("$/cancelRequest", map[string]any{"id": 424242})
	c.notify("$/cancelRequest", "nonsense")
	c.alive("$/ notifications")
}

var featureMethods = []string{
	"textDocument/hover", "textDocument/completion", "textDocument/definition", "textDocument/references",
	"textDocument/documentHighlight", "textDocument/prepareRename", "textDocument/rename",
	"textDocument/documentSymbol", "textDocument/foldingRange", "textDocument/codeAction",
	"textDocument/formatting", "textDocument/rangeFormatting", "textDocument/semanticTokens/full",
	"textDocument/signatureHelp", "textDocument/documentLink", "textDocument/inlayHint", "codeAction/resolve",
	"completionItem/resolve", "workspace/symbol", "workspace/executeCommand",
}

func TestParamsOfTheWrongType(t *testing.T) {
	c := startInitialized(t)
	c.open(docURI, "FROM alpine AS base\nRUN echo hi\n", 1)
	for _, method := range featureMethods {
		for _, params := range []string{`"x"`, `[1,2]`, `42`, `null`, `{"textDocument":5}`, `{"textDocument":{"uri":7}}`,
			`{"textDocument":{"uri":"` + docURI + `"},"position":{"line":"a","character":0}}`,
			`{"textDocument":{"uri":"` + docURI + `"},"position":[0,0]}`,
			`{"textDocument":{"uri":"` + docURI + `"},"range":{"start":1,"end":2},"context":"x"}`} {
			m := c.requestRawParams(method, params)
			if m.Error == nil && !isNullish(m.Result) {
				// Lenient decoding is fine as long as the answer is sane; a
				// result for garbage params is worth a look, not a failure.
				t.Logf("%s %s: answered with a result %s", method, params, clipS(string(m.Result), 120))
			}
			if m.Error != nil && m.Error.Message == "" {
				t.Errorf("%s %s: error without a message", method, params)
			}
		}
		// Params that cannot possibly describe a request for this method must
		// be refused, not answered.
		m := c.requestRawParams(method, `{"textDocument":{"uri":"`+docURI+`"},"position":{"line":"a","character":0}}`)
		if m.Error == nil && (method == "textDocument/hover" || method == "textDocument/completion" || method == "textDocument/definition") {
			t.Errorf("%s with a string line: reply %+v, want InvalidParams", method, m)
		}
	}
	c.alive("params of the wrong type")
	// The document is still served.
	c.change(docURI, 2, nil, "FROM alpine AS base\nRUN echo hi\nFROM base\n")
	c.waitDiagnostics(docURI, 2)
}

func isNullish(r json.RawMessage) bool {
	s := strings.TrimSpace(string(r))
	return s == "" || s == "null" || s == "[]" || s == "{}"
}

func TestPositionsOutOfRange(t *testing.T) {
	c := startInitialized(t)
	text := "FROM alpine AS base\r\nRUN echo \"\xf0\x9f\x90\xb3\"\r\nCOPY --from=base / /\r\n"
	c.open(docURI, text, 1)
	c.waitDiagnostics(docURI, 1)
	positions := []string{
		`{"line":0,"character":0}`, `{"line":0,"character":100000}`, `{"line":100000,"character":0}`,
		`{"line":1,"character":11}`, // inside the emoji's surrogate pair
		`{"line":3,"character":0}`, `{"line":4294967295,"character":4294967295}`,
		`{"line":-1,"character":0}`, `{"line":0,"character":-1}`, `{"line":1e3,"character":0.5}`,
		`{"line":99999999999999999999,"character":0}`,
	}
	for _, method := range featureMethods {
		for _, pos := range positions {
			params := `{"textDocument":{"uri":"` + docURI + `"},"position":` + pos +
				`,"range":{"start":` + pos + `,"end":` + pos + `},"context":{"diagnostics":[],"includeDeclaration":true},"newName":"x","options":{"tabSize":4,"insertSpaces":true}}`
			m := c.requestRawParams(method, params)
			if m.Error != nil && m.Error.Message == "" {
				t.Errorf("%s at %s: error without a message", method, pos)
			}
			if strings.HasPrefix(pos, `{"line":-1`) && m.Error == nil && !isNullish(m.Result) {
				t.Logf("%s at negative position answered %s", method, clipS(string(m.Result), 120))
			}
		}
	}
	c.alive("positions out of range")
}

func TestDocumentsNeverOpened(t *testing.T) {
	c := startInitialized(t)
	for _, method := range featureMethods {
		for _, uri := range []string{"file:///never/opened", "", "not a uri", "untitled:Untitled-1", "file:///%zz"} {
			params := `{"textDocument":{"uri":` + fmt.Sprintf("%q", uri) + `},"position":{"line":0,"character":0},"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":0}},"context":{"diagnostics":[]},"newName":"x","options":{"tabSize":4,"insertSpaces":true}}`
			m := c.requestRawParams(method, params)
			if m.Error == nil && !isNullish(m.Result) {
				t.Errorf("%s on %q (never opened): result %s, want null/empty or an error", method, uri, clipS(string(m.Result), 120))
			}
		}
	}
	// Changes and closes of unknown documents are dropped.
	c.change("file:///never/opened", 5, &rng{0, 0, 0, 0}, "FROM x\n")
	c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": "file:///never/opened/either"}})
	c.notify("textDocument/didSave", map[string]any{"textDocument": map[string]any{"uri": "file:///never/opened/either"}})
	c.alive("requests for documents never opened")
}

func TestDidChangeGapsAndRanges(t *testing.T) {
	c := startInitialized(t)
	c.open(docURI, "FROM alpine\nRUN echo one\n", 1)
	c.waitDiagnostics(docURI, 1)
	// A gap in versions: the change still applies, under its own version.
	c.change(docURI, 7, &rng{1, 9, 1, 12}, "two")
	c.waitDiagnostics(docURI, 7)
	// A version going backwards is still the latest the client sent.
	c.change(docURI, 3, &rng{0, 0, 0, 0}, "# comment\n")
	c.waitDiagnostics(docURI, 3)
	// Ranges outside the document clamp to it.
	c.change(docURI, 8, &rng{500, 0, 900, 4}, "RUN echo appended\n")
	c.waitDiagnostics(docURI, 8)
	c.change(docURI, 9, &rng{0, 9999, 0, 99999}, " AS x")
	c.waitDiagnostics(docURI, 9)
	c.change(docURI, 10, &rng{2, 5, 0, 1}, "") // reversed
	c.waitDiagnostics(docURI, 10)
	// A range with negative numbers does not decode: the change is dropped,
	// the document keeps its text, and the server carries on.
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": docURI, "version": 11},
		"contentChanges": []any{map[string]any{"range": map[string]any{"start": map[string]int{"line": -1, "character": -1}, "end": map[string]int{"line": 0, "character": 0}}, "text": "X"}}})
	c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": docURI, "version": 12}, "contentChanges": "nope"})
	c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": docURI, "version": 13}})
	c.alive("malformed didChange")
	c.change(docURI, 20, nil, "FROM alpine\n")
	c.waitDiagnostics(docURI, 20)
}

func TestHugeAndHostileDocuments(t *testing.T) {
	c := startInitialized(t)
	docs := map[string]string{
		"longline":   "FROM alpine\nRUN echo " + strings.Repeat("x", 200<<10) + "\n",
		"longline2":  "FROM alpine\nRUN echo " + strings.Repeat("\xe4\xb8\xad", 70<<10) + " \\\n && true\n",
		"nul":        "FROM alpine\x00\nRUN echo \x00\x00 $\x00{A}\n\x00",
		"invalid":    "FROM alpine\nRUN echo \xff\xfe\xc3\x28 \xed\xa0\x80\nLABEL a=\xf0\x28\x8c\xbc\n",
		"bomcrlf":    "\ufeffFROM alpine AS b\r\nRUN echo \"\xf0\x9f\x90\xb3\" \\\r\n  && true\r\nFROM b\r\n",
		"cr only":    "FROM alpine\rRUN x\r",
		"heredoc":    "FROM alpine\nRUN <<EOF\necho $HOME\n",
		"heredoc2":   "FROM alpine\nCOPY <<A <<B /x/\na\nA\n",
		"empty":      "",
		"only junk":  "}{][\"\\`'$${{<<<<--==\n\t\n",
		"continuity": "FROM alpine\nRUN \\\n\\\n\\\n",
	}
	for name, text := range docs {
		t.Run(name, func(t *testing.T) {
			uri := "file:///ws/" + strings.ReplaceAll(name, " ", "_") + ".Dockerfile"
			c.t = t
			c.open(uri, text, 1)
			p := c.waitDiagnostics(uri, 1)
			switch name {
			case "longline", "heredoc":
				if len(p.Diagnostics) == 0 {
					t.Errorf("no diagnostic for %s", name)
				}
			}
			for _, method := range []string{"textDocument/documentSymbol", "textDocument/foldingRange"} {
				c.requestRawParams(method, `{"textDocument":{"uri":"`+uri+`"}}`)
			}
			for _, pos := range [][2]int{{0, 0}, {1, 4}, {1, 100000}, {2, 0}} {
				for _, method := range []string{"textDocument/completion", "textDocument/hover", "textDocument/definition"} {
					c.requestRawParams(method, fmt.Sprintf(`{"textDocument":{"uri":%q},"position":{"line":%d,"character":%d}}`, uri, pos[0], pos[1]))
				}
			}
			// Typing into it still works.
			c.change(uri, 2, &rng{1, 0, 1, 0}, "#")
			c.waitDiagnostics(uri, 2)
			c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": uri}})
			c.alive(name)
		})
	}
	c.t = t
}

// TestTenThousandStages opens a file of 10,000 stages (20,000 instructions),
// asks for a few features and edits it. It runs on the binary built without
// -race: it is about scale, and every request walks the whole file.
func TestTenThousandStages(t *testing.T) {
	c := startInitializedBin(t, plainBin)
	var stages strings.Builder
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&stages, "FROM alpine AS s%d\nCOPY --from=s%d / /\n", i, max(i-1, 0))
	}
	uri := "file:///ws/stages.Dockerfile"
	c.open(uri, stages.String(), 1)
	c.waitDiagnostics(uri, 1)
	for _, method := range []string{"textDocument/documentSymbol", "textDocument/foldingRange"} {
		c.requestRawParams(method, `{"textDocument":{"uri":"`+uri+`"}}`)
	}
	for _, method := range []string{"textDocument/completion", "textDocument/hover", "textDocument/definition"} {
		c.requestRawParams(method, `{"textDocument":{"uri":"`+uri+`"},"position":{"line":19999,"character":14}}`)
	}
	c.change(uri, 2, &rng{19999, 0, 19999, 0}, "#")
	c.waitDiagnostics(uri, 2)
	c.alive("10,000 stages")
}

// TestEditBurst types 500 edits as fast as the pipe takes them, with
// requests mixed in; the diagnostics published last must be those of the
// last version, and versions must never be published out of order.
func TestEditBurst(t *testing.T) {
	c := startInitialized(t)
	text := "FROM node:20 AS deps\nWORKDIR /app\nCOPY package.json ./\nRUN npm ci\n\nFROM node:20\nCOPY --from=deps /app /app\n"
	c.open(docURI, text, 1)
	typed := "RUN echo \"\xf0\x9f\x90\xb3 typing at speed\" && ls -la /app \\\n  && echo done\nUSER node\nCMD [\"node\", \"server.js\"]\n"
	line, col := 7, 0
	version := int32(1)
	for i := 0; i < 500; i++ {
		version++
		ch := string([]rune(typed)[i%len([]rune(typed))])
		if i > 0 && i%97 == 0 {
			// a deletion now and then
			c.change(docURI, version, &rng{line, 0, line, col}, "")
			col = 0
			continue
		}
		c.change(docURI, version, &rng{line, col, line, col}, ch)
		if ch == "\n" {
			line, col = line+1, 0
		} else {
			col += len(utf16Units(ch))
		}
		if i%50 == 0 {
			c.requestRawParams("textDocument/completion", fmt.Sprintf(`{"textDocument":{"uri":%q},"position":{"line":%d,"character":%d}}`, docURI, line, col))
		}
	}
	last := version
	c.waitDiagnostics(docURI, last)
	// Give a straggler the chance to show up: a ping round trip, then another
	// publish would have to come after it.
	c.alive("the burst")
	time.Sleep(200 * time.Millisecond)
	pubs := c.published(docURI)
	if got := pubs[len(pubs)-1]; got.Version == nil || *got.Version != last {
		t.Fatalf("last diagnostics published are for version %v, want %d", got.Version, last)
	}
	prev := int32(-1)
	for _, p := range pubs {
		if p.Version == nil {
			continue
		}
		if *p.Version < prev {
			t.Errorf("version %d published after version %d", *p.Version, prev)
		}
		prev = *p.Version
		c.checkRanges(p)
	}
	t.Logf("500 edits produced %d publishes", len(pubs))
}

func utf16Units(s string) []uint16 {
	var out []uint16
	for _, r := range s {
		if r >= 0x10000 {
			out = append(out, 0, 0)
		} else {
			out = append(out, 0)
		}
	}
	return out
}
