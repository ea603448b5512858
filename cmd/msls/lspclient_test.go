package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// waitLimit only keeps a broken server from hanging the test run; no test
// asserts on how long anything takes.
const waitLimit = 30 * time.Second

// wireMsg is any message the server sent.
type wireMsg struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int64  `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// lspClient drives the real msls binary over pipes.
type lspClient struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr *bytes.Buffer
	in     chan wireMsg
	held   []wireMsg // read but not yet consumed
	all    []wireMsg // everything received, in order
	badOut error     // set if stdout carried anything but well-formed frames
	mu     sync.Mutex
	exited chan struct{}
	status int
}

func startServer(t *testing.T, args ...string) *lspClient {
	t.Helper()
	return startServerEnv(t, nil, args...)
}

func startServerEnv(t *testing.T, env []string, args ...string) *lspClient {
	t.Helper()
	cmd := exec.Command(mslsBin, args...)
	cmd.Env = append(append(os.Environ(), "MSLS_TEST_HOOKS=1", "MSLS_LOG_LEVEL="), env...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c := &lspClient{t: t, cmd: cmd, stdin: stdin, stderr: &bytes.Buffer{}, in: make(chan wireMsg, 1024), exited: make(chan struct{})}
	cmd.Stderr = &lockedWriter{w: c.stderr, mu: &c.mu}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go c.readLoop(stdout)
	go func() {
		err := cmd.Wait()
		c.status = 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			c.status = ee.ExitCode()
		} else if err != nil {
			c.status = -1
		}
		close(c.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-c.exited:
		default:
			_ = cmd.Process.Kill()
			<-c.exited
		}
		if t.Failed() {
			t.Logf("server stderr:\n%s", c.stderrText())
		}
	})
	return c
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (c *lspClient) stderrText() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stderr.String()
}

func (c *lspClient) readLoop(r io.Reader) {
	defer close(c.in)
	br := bufio.NewReader(r)
	for {
		length := -1
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				if line != "" || length >= 0 {
					c.setBad(fmt.Errorf("truncated header %q", line))
				}
				return
			}
			line = strings.TrimRight(line, "\r\n")
			if line == "" {
				break
			}
			name, value, ok := strings.Cut(line, ":")
			if !ok || !strings.EqualFold(name, "Content-Length") {
				c.setBad(fmt.Errorf("unexpected output line %q", line))
				continue
			}
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil {
				c.setBad(fmt.Errorf("bad Content-Length %q", value))
			}
			length = n
		}
		body := make([]byte, length)
		if _, err := io.ReadFull(br, body); err != nil {
			c.setBad(fmt.Errorf("truncated body: %v", err))
			return
		}
		var m wireMsg
		if err := json.Unmarshal(body, &m); err != nil {
			c.setBad(fmt.Errorf("server sent invalid JSON %q: %v", body, err))
			continue
		}
		c.in <- m
	}
}

func (c *lspClient) setBad(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.badOut == nil {
		c.badOut = err
	}
}

func (c *lspClient) sendRaw(b []byte) {
	c.t.Helper()
	if _, err := c.stdin.Write(b); err != nil {
		c.t.Fatalf("writing to server: %v", err)
	}
}

func frame(body []byte) []byte {
	return append([]byte(fmt.Sprintf("Content-Length: %d\r\n\r\n", len(body))), body...)
}

func (c *lspClient) send(msg map[string]any) {
	c.t.Helper()
	msg["jsonrpc"] = "2.0"
	b, err := json.Marshal(msg)
	if err != nil {
		c.t.Fatal(err)
	}
	c.sendRaw(frame(b))
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
		return m.Method == "" && bytes.Equal(bytes.TrimSpace(m.ID), want)
	})
}

// waitFor returns (and consumes) the first message, held or new, that
// matches.
func (c *lspClient) waitFor(what string, match func(wireMsg) bool) wireMsg {
	c.t.Helper()
	for i, m := range c.held {
		if match(m) {
			c.held = append(c.held[:i:i], c.held[i+1:]...)
			return m
		}
	}
	timeout := time.After(waitLimit)
	for {
		select {
		case m, ok := <-c.in:
			if !ok {
				c.t.Fatalf("server closed its output while waiting for %s (bad output: %v)", what, c.badOut)
			}
			c.all = append(c.all, m)
			if match(m) {
				return m
			}
			c.held = append(c.held, m)
		case <-timeout:
			c.t.Fatalf("no %s from the server", what)
		}
	}
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
	case <-c.exited:
		return c.status
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
