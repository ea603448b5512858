package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf16"
)

// Metric names, shared by the samples, the summary and the JSON output.
const (
	mInitialize  = "initialize_ms"
	mDidOpen     = "didopen_ms"
	mChangeFull  = "didchange_full_ms"
	mChangeIncr  = "didchange_incremental_ms"
	mBurst       = "burst_ms"
	mCompletion  = "completion_ms"
	mPeakRSS     = "peak_rss_mb"
	mPeakRSSDocs = "peak_rss_docs_mb"
	mEditCPU     = "edit_cpu_ms"
)

// metricOrder is the order of columns in the table.
var metricOrder = []string{mInitialize, mDidOpen, mChangeFull, mChangeIncr, mBurst, mCompletion, mEditCPU, mPeakRSS, mPeakRSSDocs}

// plan is what every round does to every server; it is computed once so that
// all servers see exactly the same bytes.
type plan struct {
	Path       string
	URI        string
	Text       string
	Edits      int      // didChange edits per mode
	Burst      int      // edits sent back to back
	Completion position // where completion is asked
	Completes  int      // completion requests per round
	Docs       int      // documents open for the memory reading
	EditLine   int      // the line typed into
	EditCol    int      // UTF-16 column where typing starts
	typed      string   // characters typed, one per edit
	Timeout    time.Duration
}

type position struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

// sample is one round of one server.
type sample struct {
	Values          map[string][]float64
	CompletionItems int
	Incremental     bool // the server asked for incremental sync
	Versioned       bool // the server's publishes carry versions
	BurstPublishes  int  // publishes seen during the burst (fewer = coalesced)
	Err             error
}

const typing = "the quick brown fox jumps over the lazy dog; "

func newPlan(path, text string, edits, burst, completes, docs int, completion *position, editLine int, timeout time.Duration) (*plan, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	p := &plan{Path: abs, URI: fileURI(abs), Text: text, Edits: edits, Burst: burst, Completes: completes, Docs: docs, Timeout: timeout}
	lines := strings.Split(text, "\n")
	if editLine < 0 {
		editLine = commentLineToType(lines)
	}
	if editLine < 0 || editLine >= len(lines) {
		// No comment to type into: give the file one at the end. Every server
		// gets the same text, so the comparison stays fair.
		if !strings.HasSuffix(p.Text, "\n") && p.Text != "" {
			p.Text += "\n"
		}
		p.Text += "# msls-bench\n"
		lines = strings.Split(p.Text, "\n")
		editLine = len(lines) - 2
	}
	p.EditLine = editLine
	p.EditCol = utf16Len(strings.TrimRight(lines[editLine], "\r"))
	n := 2*edits + burst
	for len(p.typed) < n {
		p.typed += typing
	}
	p.typed = p.typed[:n]
	if completion != nil {
		p.Completion = *completion
	} else {
		p.Completion = defaultCompletion(lines)
	}
	return p, nil
}

// commentLineToType picks the last comment line after the first instruction:
// typing there changes the text on every edit but not the diagnostics, so
// every server has the same work each time, and parser directives at the top
// are left alone.
func commentLineToType(lines []string) int {
	seenInstruction := false
	last := -1
	for i, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case t == "":
		case strings.HasPrefix(t, "#"):
			if seenInstruction {
				last = i
			}
		default:
			seenInstruction = true
		}
	}
	return last
}

// defaultCompletion asks for completion right after "RU" of the first RUN:
// every Dockerfile server completes instruction keywords there.
func defaultCompletion(lines []string) position {
	for i, l := range lines {
		t := strings.TrimLeft(l, " \t")
		if len(t) > 3 && strings.EqualFold(t[:4], "RUN ") {
			return position{Line: i, Character: utf16Len(l[:len(l)-len(t)]) + 2}
		}
	}
	return position{}
}

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

func fileURI(abs string) string {
	return "file://" + filepath.ToSlash(abs)
}

// insertAt inserts s at a UTF-16 position of text.
func insertAt(text string, pos position, s string) string {
	off := 0
	for line := 0; line < pos.Line; line++ {
		i := strings.IndexByte(text[off:], '\n')
		if i < 0 {
			off = len(text)
			break
		}
		off += i + 1
	}
	units := 0
	for i, r := range text[off:] {
		if units >= pos.Character || r == '\n' || r == '\r' {
			off += i
			return text[:off] + s + text[off:]
		}
		units += len(utf16.Encode([]rune{r}))
	}
	return text + s
}

// runRound starts the server, measures every phase and stops it.
func runRound(argv []string, p *plan) (s sample) {
	s.Values = map[string][]float64{}
	add := func(m string, d time.Duration) { s.Values[m] = append(s.Values[m], ms(d)) }

	c, err := start(argv, nil)
	if err != nil {
		s.Err = err
		return s
	}
	defer c.stop(2 * time.Second)

	root := filepath.Dir(p.Path)
	initParams := map[string]any{
		"processId": nil,
		"rootUri":   fileURI(root),
		"rootPath":  root,
		"workspaceFolders": []any{
			map[string]any{"uri": fileURI(root), "name": filepath.Base(root)},
		},
		"capabilities": map[string]any{
			"textDocument": map[string]any{
				"synchronization":    map[string]any{"dynamicRegistration": false, "didSave": false},
				"publishDiagnostics": map[string]any{"versionSupport": true, "relatedInformation": true},
				"completion": map[string]any{
					"completionItem": map[string]any{"snippetSupport": true},
				},
			},
			"general": map[string]any{"positionEncodings": []string{"utf-16"}},
		},
	}
	res, _, at, err := c.call("initialize", initParams, p.Timeout)
	if err != nil {
		s.Err = fmt.Errorf("initialize: %w", err)
		return s
	}
	add(mInitialize, at.Sub(c.started))
	s.Incremental = syncKind(res) == 2
	if err := c.notify("initialized", map[string]any{}); err != nil {
		s.Err = err
		return s
	}

	text := p.Text
	version := 1
	c.drainDiagnostics()
	open, err := notifyFrame("textDocument/didOpen", map[string]any{
		"textDocument": map[string]any{"uri": p.URI, "languageId": "dockerfile", "version": version, "text": text},
	})
	if err != nil {
		s.Err = err
		return s
	}
	sent := time.Now()
	if err := c.writeFrame(open); err != nil {
		s.Err = err
		return s
	}
	pub, err := c.waitDiagnostics(p.URI, version, p.Timeout)
	if err != nil {
		s.Err = fmt.Errorf("didOpen: %w", err)
		return s
	}
	add(mDidOpen, pub.At.Sub(sent))
	s.Versioned = pub.Version != nil

	typed := 0
	change := func(incremental bool) (time.Duration, error) {
		pos := position{Line: p.EditLine, Character: p.EditCol + typed}
		ch := p.typed[typed : typed+1]
		text = insertAt(text, pos, ch)
		typed++
		version++
		var cc map[string]any
		if incremental {
			cc = map[string]any{"range": map[string]any{"start": pos, "end": pos}, "text": ch}
		} else {
			cc = map[string]any{"text": text}
		}
		c.drainDiagnostics()
		frame, err := notifyFrame("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": p.URI, "version": version},
			"contentChanges": []any{cc},
		})
		if err != nil {
			return 0, err
		}
		sent := time.Now()
		if err := c.writeFrame(frame); err != nil {
			return 0, err
		}
		pub, err := c.waitDiagnostics(p.URI, version, p.Timeout)
		if err != nil {
			return 0, fmt.Errorf("didChange v%d: %w", version, err)
		}
		return pub.At.Sub(sent), nil
	}
	cpu0, cpuErr := treeCPU(c.pid())
	// Full-text and incremental edits alternate, so a server that warms up
	// (a JIT) during the round is measured alike in both modes. A server
	// that only takes full text gets every edit as full text; its text stays
	// identical to what the others see.
	for i := 0; i < 2*p.Edits; i++ {
		incremental := i%2 == 1 && s.Incremental
		d, err := change(incremental)
		if err != nil {
			s.Err = err
			return s
		}
		if incremental {
			add(mChangeIncr, d)
		} else {
			add(mChangeFull, d)
		}
	}

	if cpu1, err := treeCPU(c.pid()); err == nil && cpuErr == nil && p.Edits > 0 {
		// Server CPU per edit: robust to a busy machine, unlike latency.
		s.Values[mEditCPU] = []float64{(cpu1 - cpu0) / float64(2*p.Edits)}
	}

	// A burst is a user typing faster than the server diagnoses: only the
	// last version's diagnostics matter. Without versions in the publishes
	// there is no telling which version a publish is for, so it is skipped.
	if s.Versioned && p.Burst > 0 {
		c.drainDiagnostics()
		first := time.Now()
		for i := 0; i < p.Burst; i++ {
			pos := position{Line: p.EditLine, Character: p.EditCol + typed}
			ch := p.typed[typed : typed+1]
			text = insertAt(text, pos, ch)
			typed++
			version++
			cc := map[string]any{"text": text}
			if s.Incremental {
				cc = map[string]any{"range": map[string]any{"start": pos, "end": pos}, "text": ch}
			}
			if err := c.notify("textDocument/didChange", map[string]any{
				"textDocument":   map[string]any{"uri": p.URI, "version": version},
				"contentChanges": []any{cc},
			}); err != nil {
				s.Err = err
				return s
			}
		}
		d, n, err := c.waitLastPublish(p.URI, version, first, p.Timeout)
		if err != nil {
			s.Err = fmt.Errorf("burst: %w", err)
			return s
		}
		add(mBurst, d)
		s.BurstPublishes = n
	} else if p.Burst > 0 {
		// Same text as the servers that took the burst, in one change.
		pos := position{Line: p.EditLine, Character: p.EditCol + typed}
		text = insertAt(text, pos, p.typed[typed:typed+p.Burst])
		typed += p.Burst
		version++
		c.drainDiagnostics()
		if err := c.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": p.URI, "version": version},
			"contentChanges": []any{map[string]any{"text": text}},
		}); err != nil {
			s.Err = err
			return s
		}
		if _, err := c.waitDiagnostics(p.URI, version, p.Timeout); err != nil {
			s.Err = err
			return s
		}
	}

	for i := 0; i < p.Completes; i++ {
		res, sent, at, err := c.call("textDocument/completion", map[string]any{
			"textDocument": map[string]any{"uri": p.URI},
			"position":     p.Completion,
			"context":      map[string]any{"triggerKind": 1},
		}, p.Timeout)
		if err != nil {
			s.Err = fmt.Errorf("completion: %w", err)
			return s
		}
		add(mCompletion, at.Sub(sent))
		s.CompletionItems = completionCount(res)
	}

	if kb, err := treeHWM(c.pid()); err == nil {
		s.Values[mPeakRSS] = []float64{float64(kb) / 1024}
	}
	if p.Docs > 1 {
		for i := 1; i < p.Docs; i++ {
			uri := strings.TrimSuffix(p.URI, filepath.Ext(p.URI)) + fmt.Sprintf(".copy%d%s", i, filepath.Ext(p.URI))
			if err := c.notify("textDocument/didOpen", map[string]any{
				"textDocument": map[string]any{"uri": uri, "languageId": "dockerfile", "version": 1, "text": text},
			}); err != nil {
				s.Err = err
				return s
			}
			if _, err := c.waitDiagnostics(uri, 1, p.Timeout); err != nil {
				s.Err = fmt.Errorf("opening document %d: %w", i+1, err)
				return s
			}
		}
		if kb, err := treeHWM(c.pid()); err == nil {
			s.Values[mPeakRSSDocs] = []float64{float64(kb) / 1024}
		}
	}
	return s
}

// syncKind reads textDocumentSync from an initialize result: a number, or an
// object with a change field.
func syncKind(res json.RawMessage) int {
	var r struct {
		Capabilities struct {
			TextDocumentSync json.RawMessage `json:"textDocumentSync"`
		} `json:"capabilities"`
	}
	if json.Unmarshal(res, &r) != nil {
		return 0
	}
	var n int
	if json.Unmarshal(r.Capabilities.TextDocumentSync, &n) == nil {
		return n
	}
	var o struct {
		Change int `json:"change"`
	}
	if json.Unmarshal(r.Capabilities.TextDocumentSync, &o) == nil {
		return o.Change
	}
	return 0
}

// completionCount counts items of a CompletionItem[] or a CompletionList.
func completionCount(res json.RawMessage) int {
	var items []json.RawMessage
	if json.Unmarshal(res, &items) == nil {
		return len(items)
	}
	var list struct {
		Items []json.RawMessage `json:"items"`
	}
	if json.Unmarshal(res, &list) == nil {
		return len(list.Items)
	}
	return 0
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }
