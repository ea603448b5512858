package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/msls-dev/msls/internal/lspclient"
)

// waitLimit only keeps a broken server from hanging the test run; no test
// asserts on how long anything takes.
const waitLimit = 30 * time.Second

// wireMsg is any message the server sent.
type wireMsg = lspclient.Message

// lspClient drives the real msls binary over pipes, through the shared
// internal/lspclient; every message goes through its queue (request waits
// for a response by id), so Received has the whole session.
type lspClient struct {
	t  *testing.T
	lc *lspclient.Client
}

func startServer(t *testing.T, args ...string) *lspClient {
	t.Helper()
	return startServerEnv(t, nil, args...)
}

func startServerEnv(t *testing.T, env []string, args ...string) *lspClient {
	t.Helper()
	cmd := exec.Command(mslsBin, args...)
	cmd.Env = append(append(os.Environ(), "MSLS_TEST_HOOKS=1", "MSLS_LOG_LEVEL="), env...)
	lc, err := lspclient.Start(cmd, lspclient.Options{Record: true})
	if err != nil {
		t.Fatal(err)
	}
	c := &lspClient{t: t, lc: lc}
	t.Cleanup(func() {
		select {
		case <-lc.Exited():
		default:
			lc.Kill()
		}
		if t.Failed() {
			t.Logf("server stderr:\n%s", c.stderrText())
		}
	})
	return c
}

func (c *lspClient) stderrText() string { return c.lc.Stderr() }

func (c *lspClient) sendRaw(b []byte) {
	c.t.Helper()
	if err := c.lc.WriteRaw(b); err != nil {
		c.t.Fatalf("writing to server: %v", err)
	}
}

func frame(body []byte) []byte { return lspclient.Frame(body) }

func (c *lspClient) send(msg map[string]any) {
	c.t.Helper()
	msg["jsonrpc"] = "2.0"
	if err := c.lc.Send(msg); err != nil {
		c.t.Fatalf("writing to server: %v", err)
	}
}

func (c *lspClient) notify(method string, params any) {
	c.t.Helper()
	c.send(map[string]any{"method": method, "params": params})
}

// request sends a request and waits for its response.
func (c *lspClient) request(id any, method string, params any) wireMsg {
	c.t.Helper()
	m := map[string]any{"id": id, "method": method}
	if params != nil {
		m["params"] = params
	}
	c.send(m)
	return c.response(id)
}

func (c *lspClient) response(id any) wireMsg {
	c.t.Helper()
	want, _ := json.Marshal(id)
	return c.waitFor(fmt.Sprintf("response to %s", want), func(m wireMsg) bool {
		return m.Method == "" && m.IDKey() == string(want)
	})
}

// waitFor returns (and consumes) the first message, held or new, that
// matches.
func (c *lspClient) waitFor(what string, match func(wireMsg) bool) wireMsg {
	c.t.Helper()
	m, err := c.lc.WaitFor(match, waitLimit)
	if err != nil {
		c.t.Fatalf("no %s from the server: %v (bad output: %v)", what, err, c.lc.BadOutput())
	}
	return m
}

type diagParams struct {
	URI         string          `json:"uri"`
	Version     *int32          `json:"version"`
	Diagnostics []diagnosticOut `json:"diagnostics"`
}

type diagnosticOut struct {
	Range struct {
		Start struct{ Line, Character int }
		End   struct{ Line, Character int }
	} `json:"range"`
	Severity        int    `json:"severity"`
	Code            string `json:"code"`
	Source          string `json:"source"`
	Message         string `json:"message"`
	CodeDescription *struct {
		Href string `json:"href"`
	} `json:"codeDescription"`
}

// diagnosticsFor waits for publishDiagnostics of uri satisfying match.
func (c *lspClient) diagnosticsFor(uri string, what string, match func(diagParams) bool) diagParams {
	c.t.Helper()
	var out diagParams
	c.waitFor("publishDiagnostics "+what, func(m wireMsg) bool {
		if m.Method != "textDocument/publishDiagnostics" {
			return false
		}
		var p diagParams
		if err := json.Unmarshal(m.Params, &p); err != nil {
			c.t.Fatalf("bad publishDiagnostics params %s: %v", m.Params, err)
		}
		if p.URI != uri || !match(p) {
			return false
		}
		out = p
		return true
	})
	return out
}

func versionIs(v int32) func(diagParams) bool {
	return func(p diagParams) bool { return p.Version != nil && *p.Version == v }
}

// exitStatus waits for the process to end.
func (c *lspClient) exitStatus() int {
	c.t.Helper()
	select {
	case <-c.lc.Exited():
		return c.lc.ExitCode()
	case <-time.After(waitLimit):
		c.t.Fatal("server did not exit")
	}
	return -1
}

func (c *lspClient) initialize() wireMsg {
	c.t.Helper()
	resp := c.request(1, "initialize", map[string]any{
		"processId":    nil,
		"rootUri":      "file:///work",
		"capabilities": map[string]any{},
		"clientInfo":   map[string]any{"name": "msls-test"},
	})
	if resp.Error != nil {
		c.t.Fatalf("initialize failed: %+v", resp.Error)
	}
	c.notify("initialized", map[string]any{})
	return resp
}

func codes(p diagParams) []string {
	var out []string
	for _, d := range p.Diagnostics {
		out = append(out, d.Code)
	}
	return out
}

func findCode(p diagParams, code string) (diagnosticOut, bool) {
	for _, d := range p.Diagnostics {
		if d.Code == code {
			return d, true
		}
	}
	return diagnosticOut{}, false
}
