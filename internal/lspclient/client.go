// Package lspclient is the one LSP client msls's tests and benchmark use to
// drive a language server process over stdio: the hostile-protocol suite
// (test/protocol), the CLI tests (cmd/msls) and msls-bench, which drives any
// server, msls or not. It frames and reads messages, matches responses to
// requests, answers the server's own requests, queues everything else in
// order, and keeps the server's stderr. It returns errors rather than failing
// a test, so a non-test program can use it; each suite wraps it in the
// helpers its tests read well with.
package lspclient

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Error is a JSON-RPC error object.
type Error struct {
	Code    int64           `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`
}

func (e *Error) Error() string { return fmt.Sprintf("rpc error %d: %s", e.Code, e.Message) }

// Message is any JSON-RPC 2.0 message; which fields are set says what it is.
type Message struct {
	JSONRPC string          `json:"jsonrpc,omitempty"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method,omitempty"`
	Params  json.RawMessage `json:"params,omitempty"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *Error          `json:"error,omitempty"`
	// At is when the message's last byte was read, so latencies exclude the
	// client's own decoding and bookkeeping.
	At time.Time `json:"-"`
}

// IDKey is the message's id as a map key (a string id "1" and a number id 1
// stay distinct).
func (m Message) IDKey() string { return string(bytes.TrimSpace(m.ID)) }

// Options configure a Client.
type Options struct {
	// Answer returns the result the client replies to a request from the
	// server; nil answers workspace/configuration with one null per item
	// and anything else with null, which keeps every server going without
	// extra features.
	Answer func(Message) any
	// Record keeps every message the server sent other than responses to
	// Call (see Received). Off for long sessions.
	Record bool
}

// Client drives one server process.
type Client struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	opts   Options
	stderr *Output

	wmu sync.Mutex // whole frames: replies to the server come from the read loop

	mu       sync.Mutex
	nextID   int
	pending  map[string]chan Message
	queue    []Message
	wake     chan struct{}
	received []Message
	bad      error

	done chan struct{} // closed when the read loop ends
	rerr error         // why it ended (set before done is closed)

	exited  chan struct{} // closed when the process has exited
	waitErr error
}

// Start starts cmd (Args, Env and Dir set by the caller; its standard
// streams are the client's) and begins reading its output.
func Start(cmd *exec.Cmd, opts Options) (*Client, error) {
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	c := &Client{
		cmd: cmd, stdin: stdin, opts: opts, stderr: &Output{},
		pending: map[string]chan Message{}, wake: make(chan struct{}, 1),
		done: make(chan struct{}), exited: make(chan struct{}),
	}
	cmd.Stderr = c.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	go c.readLoop(bufio.NewReaderSize(stdout, 64<<10))
	go func() {
		c.waitErr = cmd.Wait()
		close(c.exited)
	}()
	return c, nil
}

// Pid is the server's process id.
func (c *Client) Pid() int { return c.cmd.Process.Pid }

// Stderr is what the server wrote to its standard error (complete once it
// has exited).
func (c *Client) Stderr() string { return c.stderr.String() }

// Done is closed when the server's output ends; Err then says why.
func (c *Client) Done() <-chan struct{} { return c.done }

// Err is why the output ended (io.EOF for a clean end).
func (c *Client) Err() error {
	select {
	case <-c.done:
		return c.rerr
	default:
		return nil
	}
}

// Exited is closed when the process has exited.
func (c *Client) Exited() <-chan struct{} { return c.exited }

// ExitCode is the process's exit status (-1 if it did not exit normally);
// call it once Exited is closed.
func (c *Client) ExitCode() int {
	<-c.exited
	var ee *exec.ExitError
	switch {
	case c.waitErr == nil:
		return 0
	case errors.As(c.waitErr, &ee):
		return ee.ExitCode()
	}
	return -1
}

// WaitErr is cmd.Wait's error; call it once Exited is closed.
func (c *Client) WaitErr() error {
	<-c.exited
	return c.waitErr
}

// BadOutput is the first thing on the server's stdout that was not a
// well-formed frame of JSON (nil if none).
func (c *Client) BadOutput() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bad
}

func (c *Client) setBad(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.bad == nil {
		c.bad = err
	}
}

func (c *Client) readLoop(r *bufio.Reader) {
	defer close(c.done)
	for {
		body, err := readFrame(r, c.setBad)
		if err != nil {
			c.rerr = err
			return
		}
		var m Message
		if err := json.Unmarshal(body, &m); err != nil {
			c.setBad(fmt.Errorf("a frame that is not JSON-RPC (%v): %q", err, clip(body, 200)))
			continue
		}
		m.At = time.Now()
		if m.Method != "" && m.ID != nil { // a request from the server
			// answered off the read loop: a write blocked on a server that
			// is itself blocked writing to us must not stop the reading
			go c.answer(m)
			c.push(m)
			continue
		}
		if m.Method == "" {
			c.mu.Lock()
			ch := c.pending[m.IDKey()]
			delete(c.pending, m.IDKey())
			c.mu.Unlock()
			if ch != nil {
				ch <- m
				continue
			}
		}
		c.push(m)
	}
}

func (c *Client) push(m Message) {
	c.mu.Lock()
	c.queue = append(c.queue, m)
	if c.opts.Record {
		c.received = append(c.received, m)
	}
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *Client) answer(m Message) {
	var result any
	if c.opts.Answer != nil {
		result = c.opts.Answer(m)
	} else if m.Method == "workspace/configuration" {
		var p struct {
			Items []json.RawMessage `json:"items"`
		}
		_ = json.Unmarshal(m.Params, &p)
		result = make([]any, len(p.Items))
	}
	_ = c.Send(map[string]any{"jsonrpc": "2.0", "id": m.ID, "result": result})
}

// ReadFrame reads one frame's body (for a fake server in a test).
func ReadFrame(r *bufio.Reader) ([]byte, error) { return readFrame(r, func(error) {}) }

// readFrame reads one frame. Header lines other than Content-Length and
// Content-Type are reported to bad and skipped.
func readFrame(r *bufio.Reader, bad func(error)) ([]byte, error) {
	length := -1
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			if line != "" || length >= 0 {
				return nil, fmt.Errorf("truncated header %q: %w", clip([]byte(line), 80), io.ErrUnexpectedEOF)
			}
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
		switch {
		case ok && strings.EqualFold(strings.TrimSpace(name), "Content-Length"):
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil || n < 0 {
				return nil, fmt.Errorf("bad Content-Length %q", value)
			}
			length = n
		case ok && strings.EqualFold(strings.TrimSpace(name), "Content-Type"):
		default:
			bad(fmt.Errorf("unexpected output line %q", clip([]byte(line), 200)))
		}
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, fmt.Errorf("truncated body: %w", io.ErrUnexpectedEOF)
	}
	return body, nil
}

func clip(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}

// Frame puts the header before a message body.
func Frame(body []byte) []byte {
	return append([]byte("Content-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"), body...)
}

// EncodeFrame encodes a message with its header, for WriteRaw: a timed send
// encodes first, so the client's own encoding (a whole document for didOpen)
// is not counted as the server's latency.
func EncodeFrame(v any) ([]byte, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return Frame(body), nil
}

// NotifyFrame encodes a notification for WriteRaw.
func NotifyFrame(method string, params any) ([]byte, error) {
	return EncodeFrame(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

// WriteRaw writes bytes to the server as they are.
func (c *Client) WriteRaw(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, err := c.stdin.Write(b)
	return err
}

// Send encodes and frames one message.
func (c *Client) Send(v any) error {
	frame, err := EncodeFrame(v)
	if err != nil {
		return err
	}
	return c.WriteRaw(frame)
}

// Notify sends a notification.
func (c *Client) Notify(method string, params any) error {
	return c.Send(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

// Call sends a request with the next numeric id and waits for its response;
// an error reply is in the message, not the error (which is for a request
// that got no answer). sent is when the request was written.
func (c *Client) Call(method string, params any, timeout time.Duration) (resp Message, sent time.Time, err error) {
	var p json.RawMessage
	if params != nil {
		if p, err = json.Marshal(params); err != nil {
			return Message{}, time.Time{}, err
		}
	}
	return c.CallRaw(func(id string) []byte {
		b := `{"jsonrpc":"2.0","id":` + id + `,"method":` + strconv.Quote(method)
		if p != nil {
			b += `,"params":` + string(p)
		}
		return []byte(b + "}")
	}, timeout)
}

// CallRaw sends a request whose body the caller builds around the id it is
// given, and waits for the response to that id.
func (c *Client) CallRaw(body func(id string) []byte, timeout time.Duration) (resp Message, sent time.Time, err error) {
	c.mu.Lock()
	c.nextID++
	id := strconv.Itoa(c.nextID)
	ch := make(chan Message, 1)
	c.pending[id] = ch
	c.mu.Unlock()
	forget := func() {
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
	}
	b := body(id)
	sent = time.Now()
	if err := c.WriteRaw(Frame(b)); err != nil {
		forget()
		return Message{}, sent, fmt.Errorf("writing request %s: %w", clip(b, 200), err)
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case m := <-ch:
		return m, sent, nil
	case <-c.done:
		forget()
		return Message{}, sent, fmt.Errorf("the server closed its output (%v) instead of answering %s%s", c.rerr, clip(b, 200), c.stderrTail())
	case <-timer.C:
		forget()
		return Message{}, sent, fmt.Errorf("no answer to %s within %v", clip(b, 200), timeout)
	}
}

// WaitFor returns and removes the first queued message (a notification, a
// request from the server, or a response no Call waits for) that match
// accepts, waiting for one up to timeout. Messages it passes over stay
// queued.
func (c *Client) WaitFor(match func(Message) bool, timeout time.Duration) (Message, error) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	seen := 0
	for {
		c.mu.Lock()
		for i := seen; i < len(c.queue); i++ {
			if m := c.queue[i]; match(m) {
				c.queue = append(c.queue[:i:i], c.queue[i+1:]...)
				c.mu.Unlock()
				return m, nil
			}
		}
		seen = len(c.queue)
		c.mu.Unlock()
		select {
		case <-c.wake:
		case <-c.done:
			// the last messages may have been queued just before
			c.mu.Lock()
			n := len(c.queue)
			c.mu.Unlock()
			if n > seen {
				continue
			}
			return Message{}, fmt.Errorf("the server closed its output (%v)%s", c.rerr, c.stderrTail())
		case <-timer.C:
			return Message{}, fmt.Errorf("nothing matching within %v", timeout)
		}
	}
}

// Take removes and returns the queued messages match accepts, without
// waiting.
func (c *Client) Take(match func(Message) bool) []Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Message
	kept := c.queue[:0]
	for _, m := range c.queue {
		if match(m) {
			out = append(out, m)
		} else {
			kept = append(kept, m)
		}
	}
	clear(c.queue[len(kept):])
	c.queue = kept
	return out
}

// Drain forgets the queued messages, so a later WaitFor sees only what comes
// after.
func (c *Client) Drain() {
	c.mu.Lock()
	c.queue = nil
	c.mu.Unlock()
}

// Received returns every message queued so far, in order (Options.Record).
func (c *Client) Received() []Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Message(nil), c.received...)
}

// CloseInput closes the server's standard input.
func (c *Client) CloseInput() error { return c.stdin.Close() }

// Kill kills the process and waits for it.
func (c *Client) Kill() {
	_ = c.cmd.Process.Kill()
	<-c.exited
}

// Stop runs shutdown and exit (if the server still talks), closes its input
// and reaps the process, killing it if it lingers past timeout.
func (c *Client) Stop(timeout time.Duration) {
	select {
	case <-c.done:
	default:
		if m, _, err := c.Call("shutdown", nil, timeout); err == nil && m.Error == nil {
			_ = c.Notify("exit", nil)
		}
	}
	_ = c.stdin.Close()
	select {
	case <-c.exited:
	case <-time.After(timeout):
		c.Kill()
	}
}

func (c *Client) stderrTail() string {
	s := strings.TrimSpace(c.stderr.Tail(2000))
	if s == "" {
		return ""
	}
	return "; server stderr: " + s
}

// Output keeps the first 1 MiB and the last 64 KiB written to it: enough to
// find a race report or a panic at the start, and what led to the end.
type Output struct {
	mu   sync.Mutex
	head []byte
	tail []byte
	cut  bool
}

const (
	outputHead = 1 << 20
	outputTail = 64 << 10
)

func (o *Output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := len(p)
	if room := outputHead - len(o.head); room > 0 {
		k := min(room, len(p))
		o.head = append(o.head, p[:k]...)
		p = p[k:]
	}
	if len(p) > 0 {
		o.cut = true
		o.tail = append(o.tail, p...)
		if len(o.tail) > outputTail {
			o.tail = append(o.tail[:0], o.tail[len(o.tail)-outputTail:]...)
		}
	}
	return n, nil
}

// String is everything kept, with a marker where bytes were dropped.
func (o *Output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.cut {
		return string(o.head)
	}
	return string(o.head) + "\n[...]\n" + string(o.tail)
}

// Tail is the last n bytes kept.
func (o *Output) Tail(n int) string {
	s := o.String()
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
