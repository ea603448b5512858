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
	"time"
)

// message is any JSON-RPC 2.0 message; which fields are set says what it is.
type message struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method,omitempty"`
	Params  json.RawMessage `json:"params,omitempty"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *rpcError       `json:"error,omitempty"`
}

type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *rpcError) Error() string { return fmt.Sprintf("rpc error %d: %s", e.Code, e.Message) }

// response is a reply to one of our requests, stamped when its last byte was
// read so that the latency excludes our own decoding and bookkeeping.
type response struct {
	msg message
	at  time.Time
}

// publish is one textDocument/publishDiagnostics notification.
type publish struct {
	URI     string
	Version *int // nil when the server sends no version
	Count   int
	At      time.Time
}

// client is a minimal stdio LSP client: enough to drive any server through
// the lifecycle, document sync, completion and diagnostics, and nothing that
// depends on msls.
type client struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	started time.Time

	wmu sync.Mutex // serialises writes: replies to server requests come from the reader goroutine

	mu      sync.Mutex
	nextID  int
	pending map[string]chan response

	diags chan publish
	done  chan struct{} // closed when the read loop ends
	rerr  error         // why the read loop ended (set before done is closed)

	stderr *tailBuffer
}

// start spawns argv and begins reading its stdout. The clock for initialize
// starts here: a server's own start-up is part of what a user waits for.
func start(argv []string, env []string) (*client, error) {
	if len(argv) == 0 {
		return nil, errors.New("empty server command")
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	tail := &tailBuffer{max: 8 << 10}
	cmd.Stderr = tail
	c := &client{
		cmd:     cmd,
		stdin:   stdin,
		pending: map[string]chan response{},
		diags:   make(chan publish, 1024),
		done:    make(chan struct{}),
		stderr:  tail,
	}
	c.started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", argv[0], err)
	}
	go c.readLoop(bufio.NewReaderSize(stdout, 64<<10))
	return c, nil
}

func (c *client) pid() int { return c.cmd.Process.Pid }

func (c *client) readLoop(r *bufio.Reader) {
	defer close(c.done)
	for {
		body, err := readFrame(r)
		if err != nil {
			c.rerr = err
			return
		}
		at := time.Now()
		var m message
		if err := json.Unmarshal(body, &m); err != nil {
			continue // not ours to judge; a broken frame only loses that message
		}
		switch {
		case m.Method != "" && len(m.ID) > 0:
			c.answer(m)
		case m.Method == "textDocument/publishDiagnostics":
			var p struct {
				URI         string            `json:"uri"`
				Version     *int              `json:"version"`
				Diagnostics []json.RawMessage `json:"diagnostics"`
			}
			if json.Unmarshal(m.Params, &p) == nil {
				select {
				case c.diags <- publish{URI: p.URI, Version: p.Version, Count: len(p.Diagnostics), At: at}:
				default: // nobody is waiting and the buffer is full: drop, the waiter drains anyway
				}
			}
		case m.Method == "":
			c.mu.Lock()
			ch := c.pending[string(m.ID)]
			delete(c.pending, string(m.ID))
			c.mu.Unlock()
			if ch != nil {
				ch <- response{msg: m, at: at}
			}
		}
	}
}

// answer replies to a request from the server. Servers may ask for
// configuration, capability registration or progress tokens; an answer that
// says "nothing" keeps every server we know going without extra features.
func (c *client) answer(m message) {
	var result any
	if m.Method == "workspace/configuration" {
		var p struct {
			Items []json.RawMessage `json:"items"`
		}
		_ = json.Unmarshal(m.Params, &p)
		result = make([]any, len(p.Items))
	}
	_ = c.write(map[string]any{"jsonrpc": "2.0", "id": m.ID, "result": result})
}

func readFrame(r *bufio.Reader) ([]byte, error) {
	length := -1
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			if length < 0 {
				continue // tolerate stray blank lines between frames
			}
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil || n < 0 {
				return nil, fmt.Errorf("bad Content-Length %q", value)
			}
			length = n
		}
	}
	body := make([]byte, length)
	_, err := io.ReadFull(r, body)
	return body, err
}

func (c *client) write(v any) error {
	frame, err := encodeFrame(v)
	if err != nil {
		return err
	}
	return c.writeFrame(frame)
}

// encodeFrame encodes a message with its header, ready for writeFrame: the
// timed sends encode first, so the client's own JSON encoding (a full
// document for didOpen and full-text changes) is not counted as the
// server's latency.
func encodeFrame(v any) ([]byte, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(body))
	b.Write(body)
	return b.Bytes(), nil
}

func (c *client) writeFrame(frame []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, err := c.stdin.Write(frame)
	return err
}

// notifyFrame encodes a notification for writeFrame.
func notifyFrame(method string, params any) ([]byte, error) {
	return encodeFrame(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

// call sends a request and waits for its response. It returns the moment the
// request was written and the moment the response was read.
func (c *client) call(method string, params any, timeout time.Duration) (json.RawMessage, time.Time, time.Time, error) {
	c.mu.Lock()
	c.nextID++
	id := strconv.Itoa(c.nextID)
	ch := make(chan response, 1)
	c.pending[id] = ch
	c.mu.Unlock()
	sent := time.Now()
	if err := c.write(map[string]any{"jsonrpc": "2.0", "id": json.RawMessage(id), "method": method, "params": params}); err != nil {
		return nil, sent, time.Time{}, err
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r := <-ch:
		if r.msg.Error != nil {
			return nil, sent, r.at, r.msg.Error
		}
		return r.msg.Result, sent, r.at, nil
	case <-c.done:
		return nil, sent, time.Time{}, fmt.Errorf("%s: server closed the connection (%v)%s", method, c.rerr, c.stderrTail())
	case <-timer.C:
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
		return nil, sent, time.Time{}, fmt.Errorf("%s: no response within %v", method, timeout)
	}
}

func (c *client) notify(method string, params any) error {
	return c.write(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

// drainDiagnostics forgets publishes already received, so that the next wait
// matches only a publish that follows the next change.
func (c *client) drainDiagnostics() {
	for {
		select {
		case <-c.diags:
		default:
			return
		}
	}
}

// waitDiagnostics waits for a publish for uri that belongs to version: one
// carrying that version, or, from a server that sends no version, the first
// publish for the uri. Publishes for older versions are stale and skipped.
func (c *client) waitDiagnostics(uri string, version int, timeout time.Duration) (publish, error) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		select {
		case p := <-c.diags:
			if p.URI != uri {
				continue
			}
			if p.Version != nil && *p.Version < version {
				continue
			}
			return p, nil
		case <-c.done:
			return publish{}, fmt.Errorf("publishDiagnostics: server closed the connection (%v)%s", c.rerr, c.stderrTail())
		case <-timer.C:
			return publish{}, fmt.Errorf("no publishDiagnostics for %s version %d within %v", uri, version, timeout)
		}
	}
}

// waitLastPublish waits for the publish of version (a versioned server's)
// and returns the time since first and how many publishes for uri arrived
// on the way: a server that drops stale work publishes fewer than the edits.
func (c *client) waitLastPublish(uri string, version int, first time.Time, timeout time.Duration) (time.Duration, int, error) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	n := 0
	for {
		select {
		case p := <-c.diags:
			if p.URI != uri {
				continue
			}
			n++
			if p.Version == nil || *p.Version >= version {
				return p.At.Sub(first), n, nil
			}
		case <-c.done:
			return 0, n, fmt.Errorf("server closed the connection (%v)%s", c.rerr, c.stderrTail())
		case <-timer.C:
			return 0, n, fmt.Errorf("no publishDiagnostics for %s version %d within %v", uri, version, timeout)
		}
	}
}

// stop runs shutdown/exit and reaps the process, killing it if it lingers.
func (c *client) stop(timeout time.Duration) {
	select {
	case <-c.done:
	default:
		if _, _, _, err := c.call("shutdown", nil, timeout); err == nil {
			_ = c.notify("exit", nil)
		}
	}
	_ = c.stdin.Close()
	waited := make(chan struct{})
	go func() { _ = c.cmd.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(timeout):
		_ = c.cmd.Process.Kill()
		<-waited
	}
}

func (c *client) stderrTail() string {
	s := strings.TrimSpace(c.stderr.String())
	if s == "" {
		return ""
	}
	return "; server stderr: " + s
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
