package protocol_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/lspclient"
)

// mslsBin is the server binary under test, built once by TestMain, with
// the race detector when the tests run with -race. plainBin is built without
// it, for the cases about scale, where -race's slowdown would only measure
// the detector.
var mslsBin, plainBin string

// mslsEnv is added to the environment of the servers start launches.
var mslsEnv []string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "msls-protocol-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	mslsBin = filepath.Join(dir, "msls")
	plainBin = mslsBin
	builds := [][]string{{"build", "-o", mslsBin}}
	if raceEnabled {
		plainBin = filepath.Join(dir, "msls-plain")
		builds = [][]string{{"build", "-race", "-o", mslsBin}, {"build", "-o", plainBin}}
	}
	for _, args := range builds {
		build := exec.Command(goTool(), append(args, "github.com/msls-dev/msls/cmd/msls")...)
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "building msls:", err)
			os.RemoveAll(dir)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// answerTimeout bounds every wait for the server. It is a hang detector, not
// a performance assertion: generous enough for -race on a loaded CI machine.
const answerTimeout = 60 * time.Second

type rpcError = lspclient.Error

type inMsg = lspclient.Message

type publish struct {
	URI         string `json:"uri"`
	Version     *int32 `json:"version"`
	Diagnostics []struct {
		Range struct {
			Start struct{ Line, Character int } `json:"start"`
			End   struct{ Line, Character int } `json:"end"`
		} `json:"range"`
		Severity int             `json:"severity"`
		Code     json.RawMessage `json:"code"`
		Source   string          `json:"source"`
		Message  string          `json:"message"`
	} `json:"diagnostics"`
}

// client drives one msls process over its stdin/stdout, as an editor does
// (through the shared internal/lspclient), and keeps what this suite checks:
// every publish per document, and the text of every version it sent.
type client struct {
	t   *testing.T
	lc  *lspclient.Client
	cmd *exec.Cmd

	mu     sync.Mutex
	pubs   map[string][]publish
	texts  map[string]map[int32]string // uri -> version -> text the client sent
	latest map[string]string           // uri -> the text after the last change sent
}

// start launches msls with test hooks on; it does not initialize.
func start(t *testing.T) *client {
	t.Helper()
	return startBin(t, mslsBin)
}

func startBin(t *testing.T, bin string) *client {
	t.Helper()
	cmd := exec.Command(bin, "--log-level=debug")
	cmd.Env = append(append(os.Environ(), "MSLS_TEST_HOOKS=1"), mslsEnv...)
	cmd.Dir = t.TempDir()
	lc, err := lspclient.Start(cmd, lspclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := &client{t: t, lc: lc, cmd: cmd, pubs: map[string][]publish{}, texts: map[string]map[int32]string{}, latest: map[string]string{}}
	t.Cleanup(func() {
		lc.CloseInput()
		select {
		case <-lc.Exited():
		case <-time.After(answerTimeout):
			lc.Kill()
			t.Errorf("msls did not exit after its input closed")
		}
		if err := lc.BadOutput(); err != nil {
			t.Errorf("server output: %v", err)
		}
		if t.Failed() {
			t.Logf("server stderr (tail):\n%s", lc.Stderr())
		}
		if s := lc.Stderr(); strings.Contains(s, "DATA RACE") || strings.Contains(s, "panic:") && !strings.Contains(s, "test hook panic") {
			t.Errorf("server stderr reports a race or an unrecovered panic:\n%s", tail(s, 8000))
		}
	})
	return c
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// startInitialized launches msls and completes the initialize handshake.
func startInitialized(t *testing.T) *client {
	return startInitializedBin(t, mslsBin)
}

func startInitializedBin(t *testing.T, bin string) *client {
	c := startBin(t, bin)
	root := "file://" + filepath.ToSlash(c.cmd.Dir)
	res, e := c.request("initialize", map[string]any{
		"processId": nil, "rootUri": root,
		"capabilities":     map[string]any{"textDocument": map[string]any{"publishDiagnostics": map[string]any{"versionSupport": true}}},
		"workspaceFolders": []map[string]string{{"uri": root, "name": "ws"}},
	})
	if e != nil || len(res) == 0 {
		t.Fatalf("initialize failed: %+v", e)
	}
	c.notify("initialized", map[string]any{})
	return c
}

func clipS(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// raw writes bytes to the server as they are.
func (c *client) raw(b []byte) {
	c.t.Helper()
	if err := c.lc.WriteRaw(b); err != nil {
		c.t.Fatalf("writing to msls: %v (exited: %v)", err, c.exited())
	}
}

func frame(body []byte) []byte { return lspclient.Frame(body) }

func (c *client) send(v any) {
	c.t.Helper()
	if err := c.lc.Send(v); err != nil {
		c.t.Fatalf("writing to msls: %v (exited: %v)", err, c.exited())
	}
}

func (c *client) notify(method string, params any) {
	c.t.Helper()
	c.send(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

// call sends a request whose body is built by the caller around the id it is
// given, and waits for the response to that id.
func (c *client) call(body func(id string) []byte) inMsg {
	c.t.Helper()
	m, _, err := c.lc.CallRaw(body, answerTimeout)
	if err != nil {
		c.t.Fatalf("%v (exited: %v)", err, c.exited())
	}
	return m
}

// request sends a well-formed request and returns its result or error.
func (c *client) request(method string, params any) (json.RawMessage, *rpcError) {
	c.t.Helper()
	p, err := json.Marshal(params)
	if err != nil {
		c.t.Fatal(err)
	}
	m := c.call(func(id string) []byte {
		return []byte(`{"jsonrpc":"2.0","id":` + id + `,"method":` + strconv.Quote(method) + `,"params":` + string(p) + `}`)
	})
	return m.Result, m.Error
}

// requestRawParams sends a request whose params are given as raw JSON.
func (c *client) requestRawParams(method, params string) inMsg {
	c.t.Helper()
	return c.call(func(id string) []byte {
		b := `{"jsonrpc":"2.0","id":` + id + `,"method":` + strconv.Quote(method)
		if params != "" {
			b += `,"params":` + params
		}
		return []byte(b + "}")
	})
}

// orphan waits for a response that no request of ours is waiting for (the
// server's answer to a message whose id it could not read).
func (c *client) orphan(what string) inMsg {
	c.t.Helper()
	m, err := c.lc.WaitFor(func(m inMsg) bool { return m.Method == "" }, answerTimeout)
	if err != nil {
		c.t.Fatalf("%s: no error reply: %v", what, err)
	}
	return m
}

// alive checks that the server still answers a request.
func (c *client) alive(after string) {
	c.t.Helper()
	m := c.requestRawParams("msls/no-such-method", `{}`)
	if m.Error == nil || m.Error.Code != -32601 {
		c.t.Fatalf("after %s: unknown method answered %+v, want MethodNotFound", after, m)
	}
}

func (c *client) exited() bool {
	select {
	case <-c.lc.Exited():
		return true
	default:
		return false
	}
}

func (c *client) open(uri, text string, version int32) {
	c.remember(uri, version, text)
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": uri, "languageId": "dockerfile", "version": version, "text": text}})
}

func (c *client) remember(uri string, version int32, text string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.texts[uri] == nil {
		c.texts[uri] = map[int32]string{}
	}
	c.texts[uri][version] = text
	c.latest[uri] = text
}

func (c *client) textOf(uri string, version int32) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.texts[uri][version]
	return s, ok
}

type rng struct{ sl, sc, el, ec int }

// change sends one didChange; a nil range replaces the whole text. The
// client keeps its own copy of the text, edited as LSP says, to check the
// ranges the server publishes.
func (c *client) change(uri string, version int32, r *rng, text string) {
	prev := c.latestText(uri)
	ev := map[string]any{"text": text}
	next := text
	if r != nil {
		ev["range"] = map[string]any{"start": map[string]int{"line": r.sl, "character": r.sc}, "end": map[string]int{"line": r.el, "character": r.ec}}
		lines := dockerfile.NewLineIndex([]byte(prev))
		s, _ := lines.Offset(dockerfile.Position{Line: r.sl, Character: r.sc})
		e, _ := lines.Offset(dockerfile.Position{Line: r.el, Character: r.ec})
		if e < s {
			s, e = e, s
		}
		next = prev[:s] + text + prev[e:]
	}
	c.remember(uri, version, next)
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": version},
		"contentChanges": []any{ev}})
}

func (c *client) latestText(uri string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.latest[uri]
}

func isPublish(m inMsg) bool { return m.Method == "textDocument/publishDiagnostics" }

// collect moves the publishes received so far into c.pubs.
func (c *client) collect() {
	for _, m := range c.lc.Take(isPublish) {
		c.keep(m)
	}
	// window/logMessage, the server's own requests (answered already); not
	// a publish that arrived since the Take above, which would be lost
	c.lc.Take(func(m inMsg) bool { return m.Method != "" && !isPublish(m) })
}

func (c *client) keep(m inMsg) {
	var p publish
	if err := json.Unmarshal(m.Params, &p); err != nil {
		c.t.Errorf("bad publishDiagnostics: %v", err)
		return
	}
	c.mu.Lock()
	c.pubs[p.URI] = append(c.pubs[p.URI], p)
	c.mu.Unlock()
}

// waitDiagnostics waits for a publishDiagnostics of uri at version and
// returns it.
func (c *client) waitDiagnostics(uri string, version int32) publish {
	c.t.Helper()
	deadline := time.Now().Add(answerTimeout)
	for {
		c.collect()
		c.mu.Lock()
		for _, p := range c.pubs[uri] {
			if p.Version != nil && *p.Version == version {
				c.mu.Unlock()
				c.checkRanges(p)
				return p
			}
		}
		c.mu.Unlock()
		m, err := c.lc.WaitFor(isPublish, time.Until(deadline))
		if err != nil {
			c.t.Fatalf("no diagnostics for %s version %d: %v (exited: %v)", uri, version, err, c.exited())
		}
		c.keep(m)
	}
}

func (c *client) published(uri string) []publish {
	c.collect()
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]publish(nil), c.pubs[uri]...)
}

// checkRanges asserts that every published range lies inside the text of
// the version it was published for, in UTF-16 units.
func (c *client) checkRanges(p publish) {
	c.t.Helper()
	if p.Version == nil {
		return
	}
	text, ok := c.textOf(p.URI, *p.Version)
	if !ok {
		c.t.Errorf("diagnostics for %s version %d, a version the client never sent", p.URI, *p.Version)
		return
	}
	lines := dockerfile.NewLineIndex([]byte(text))
	for _, d := range p.Diagnostics {
		for _, pos := range []struct{ Line, Character int }{d.Range.Start, d.Range.End} {
			if pos.Line < 0 || pos.Line >= lines.LineCount() {
				c.t.Errorf("diagnostic %q: line %d outside the document (%d lines)", d.Message, pos.Line, lines.LineCount())
				continue
			}
			end := lines.Position(lines.LineEnd(pos.Line))
			if pos.Character < 0 || pos.Character > end.Character {
				c.t.Errorf("diagnostic %q: character %d outside line %d (length %d)", d.Message, pos.Character, pos.Line, end.Character)
			}
		}
		if d.Range.Start.Line > d.Range.End.Line || d.Range.Start.Line == d.Range.End.Line && d.Range.Start.Character > d.Range.End.Character {
			c.t.Errorf("diagnostic %q: reversed range %+v", d.Message, d.Range)
		}
		if strings.TrimSpace(d.Message) == "" {
			c.t.Errorf("diagnostic without a message: %+v", d)
		}
	}
}
