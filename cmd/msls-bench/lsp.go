package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"time"

	"github.com/msls-dev/msls/internal/lspclient"
)

// publish is one textDocument/publishDiagnostics notification.
type publish struct {
	URI     string
	Version *int // nil when the server sends no version
	Count   int
	At      time.Time // when its last byte was read
}

// client drives any stdio server through internal/lspclient: enough for the
// lifecycle, document sync, completion and diagnostics, and nothing that
// depends on msls.
type client struct {
	lc      *lspclient.Client
	started time.Time
}

// start spawns argv and begins reading its stdout. The clock for initialize
// starts here: a server's own start-up is part of what a user waits for.
func start(argv []string, env []string) (*client, error) {
	if len(argv) == 0 {
		return nil, errors.New("empty server command")
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	started := time.Now()
	lc, err := lspclient.Start(cmd, lspclient.Options{})
	if err != nil {
		return nil, err
	}
	return &client{lc: lc, started: started}, nil
}

func (c *client) pid() int { return c.lc.Pid() }

// writeFrame writes a frame encoded beforehand (notifyFrame): the timed
// sends encode first, so the client's own JSON encoding (a full document for
// didOpen and full-text changes) is not counted as the server's latency.
func (c *client) writeFrame(frame []byte) error { return c.lc.WriteRaw(frame) }

// notifyFrame encodes a notification for writeFrame.
func notifyFrame(method string, params any) ([]byte, error) {
	return lspclient.NotifyFrame(method, params)
}

// call sends a request and waits for its response. It returns the moment the
// request was written and the moment the response was read.
func (c *client) call(method string, params any, timeout time.Duration) (json.RawMessage, time.Time, time.Time, error) {
	m, sent, err := c.lc.Call(method, params, timeout)
	if err != nil {
		return nil, sent, time.Time{}, fmt.Errorf("%s: %w", method, err)
	}
	if m.Error != nil {
		return nil, sent, m.At, m.Error
	}
	return m.Result, sent, m.At, nil
}

func (c *client) notify(method string, params any) error { return c.lc.Notify(method, params) }

// drainDiagnostics forgets publishes already received, so that the next wait
// matches only a publish that follows the next change.
func (c *client) drainDiagnostics() { c.lc.Drain() }

// nextPublish waits for the next publish for uri.
func (c *client) nextPublish(uri string, timeout time.Duration) (publish, error) {
	var p struct {
		URI         string            `json:"uri"`
		Version     *int              `json:"version"`
		Diagnostics []json.RawMessage `json:"diagnostics"`
	}
	m, err := c.lc.WaitFor(func(m lspclient.Message) bool {
		if m.Method != "textDocument/publishDiagnostics" {
			return false
		}
		p.URI, p.Version, p.Diagnostics = "", nil, nil
		return json.Unmarshal(m.Params, &p) == nil && p.URI == uri
	}, timeout)
	if err != nil {
		return publish{}, fmt.Errorf("publishDiagnostics for %s: %w", uri, err)
	}
	return publish{URI: p.URI, Version: p.Version, Count: len(p.Diagnostics), At: m.At}, nil
}

// waitDiagnostics waits for a publish for uri that belongs to version: one
// carrying that version, or, from a server that sends no version, the first
// publish for the uri. Publishes for older versions are stale and skipped.
func (c *client) waitDiagnostics(uri string, version int, timeout time.Duration) (publish, error) {
	deadline := time.Now().Add(timeout)
	for {
		p, err := c.nextPublish(uri, time.Until(deadline))
		if err != nil {
			return publish{}, fmt.Errorf("version %d: %w", version, err)
		}
		if p.Version == nil || *p.Version >= version {
			return p, nil
		}
	}
}

// waitLastPublish waits for the publish of version (a versioned server's)
// and returns the time since first and how many publishes for uri arrived
// on the way: a server that drops stale work publishes fewer than the edits.
func (c *client) waitLastPublish(uri string, version int, first time.Time, timeout time.Duration) (time.Duration, int, error) {
	deadline := time.Now().Add(timeout)
	n := 0
	for {
		p, err := c.nextPublish(uri, time.Until(deadline))
		if err != nil {
			return 0, n, fmt.Errorf("version %d: %w", version, err)
		}
		n++
		if p.Version == nil || *p.Version >= version {
			return p.At.Sub(first), n, nil
		}
	}
}

// stop runs shutdown/exit and reaps the process, killing it if it lingers.
func (c *client) stop(timeout time.Duration) { c.lc.Stop(timeout) }
