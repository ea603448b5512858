package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/msls-dev/msls/bench/benchdata"
	"github.com/msls-dev/msls/dockerfile"
)

// benchTypingPosition is where the benchmarks type: the end of the last line, so
// every size sees the same kind of edit.
func benchTypingPosition(text []byte) protocol.Position {
	lines := dockerfile.NewLineIndex(text)
	p := lines.Position(len(bytes.TrimRight(text, "\n")))
	return protocol.Position{Line: uint32(p.Line), Character: uint32(p.Character)}
}

// BenchmarkDidChangeCycle is one keystroke without the pipe: apply an
// incremental edit, make the snapshot, parse, check, convert to protocol
// diagnostics and encode the publishDiagnostics notification.
func BenchmarkDidChangeCycle(b *testing.B) {
	s := New(Options{})
	uri := protocol.DocumentURI("file:///bench/Dockerfile")
	for _, size := range benchdata.MustAll(b) {
		b.Run(size.Name, func(b *testing.B) {
			text := bytes.Clone(size.Text)
			// A comment line to type into keeps the diagnostics stable.
			text = append(text, "# typing: "...)
			pos := benchTypingPosition(text)
			pos.Character = uint32(len("# typing: "))
			version := int32(1)
			// Versions follow each other as didChange makes them: each
			// parses from the one before.
			snap := s.openSnapshot(uri, version, text)
			snap.File()
			b.ReportAllocs()
			for b.Loop() {
				text = applyChanges(text, []contentChange{{Range: &protocol.Range{Start: pos, End: pos}, Text: "x"}})
				pos.Character++
				version++
				snap = s.nextSnapshot(snap, version, text)
				diags := Diagnostics(snap)
				v := snap.Version
				if _, err := json.Marshal(publishParams{URI: uri, Version: &v, Diagnostics: diags}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(size.Lines()), "ns/line")
		})
	}
}

// benchPipe drives a Server through its public Run over in-memory pipes.
// openSnapshot is the first version of a document as didOpen makes it: the
// engine keeps state for it from then on (BuildKit's last results, bklint's
// stage memo), as for a document the client opened.
func (s *Server) openSnapshot(uri protocol.DocumentURI, version int32, text []byte) *Snapshot {
	s.engine.Open(string(uri))
	return s.newSnapshot(uri, version, "dockerfile", text)
}

type benchPipe struct {
	in  *io.PipeWriter
	out *bufio.Reader
	id  int
}

func startBenchPipe(tb testing.TB) *benchPipe {
	tb.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	s := New(Options{})
	go func() {
		s.Run(inR, outW)
		outW.Close()
	}()
	p := &benchPipe{in: inW, out: bufio.NewReaderSize(outR, 1<<16)}
	tb.Cleanup(func() { inW.Close() })
	p.request(tb, "initialize", map[string]any{"capabilities": map[string]any{}})
	p.notify(tb, "initialized", map[string]any{})
	return p
}

func (p *benchPipe) send(tb testing.TB, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := fmt.Fprintf(p.in, "Content-Length: %d\r\n\r\n%s", len(body), body); err != nil {
		tb.Fatal(err)
	}
}

func (p *benchPipe) notify(tb testing.TB, method string, params any) {
	p.send(tb, map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

func (p *benchPipe) request(tb testing.TB, method string, params any) json.RawMessage {
	p.id++
	id := p.id
	p.send(tb, map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	for {
		var m struct {
			ID     *int            `json:"id"`
			Method string          `json:"method"`
			Result json.RawMessage `json:"result"`
		}
		if err := json.Unmarshal(p.read(tb), &m); err != nil {
			tb.Fatal(err)
		}
		if m.Method == "" && m.ID != nil && *m.ID == id {
			return m.Result
		}
	}
}

func (p *benchPipe) read(tb testing.TB) []byte {
	n := -1
	for {
		line, err := p.out.ReadString('\n')
		if err != nil {
			tb.Fatal(err)
		}
		line = strings.TrimSpace(line)
		if line == "" {
			break
		}
		if v, ok := strings.CutPrefix(line, "Content-Length:"); ok {
			n, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(p.out, body); err != nil {
		tb.Fatal(err)
	}
	return body
}

// waitPublish reads until diagnostics for uri at version (or newer) arrive.
func (p *benchPipe) waitPublish(tb testing.TB, uri string, version int) {
	for {
		var m struct {
			Method string `json:"method"`
			Params struct {
				URI     string `json:"uri"`
				Version *int   `json:"version"`
			} `json:"params"`
		}
		if err := json.Unmarshal(p.read(tb), &m); err != nil {
			tb.Fatal(err)
		}
		if m.Method == "textDocument/publishDiagnostics" && m.Params.URI == uri && (m.Params.Version == nil || *m.Params.Version >= version) {
			return
		}
	}
}

// BenchmarkDidChangeInProcess is the keystroke as a client sees it, minus
// the process boundary: didChange in, publishDiagnostics out, through the
// server's real framing, dispatch and publishing goroutine.
func BenchmarkDidChangeInProcess(b *testing.B) {
	for _, size := range benchdata.MustAll(b) {
		b.Run(size.Name, func(b *testing.B) {
			p := startBenchPipe(b)
			uri := "file:///bench/" + size.Name + "/Dockerfile"
			text := string(size.Text) + "# typing: "
			p.notify(b, "textDocument/didOpen", map[string]any{"textDocument": map[string]any{
				"uri": uri, "languageId": "dockerfile", "version": 1, "text": text}})
			p.waitPublish(b, uri, 1)
			pos := benchTypingPosition([]byte(text))
			pos.Character = uint32(len("# typing: "))
			version := 1
			b.ReportAllocs()
			for b.Loop() {
				version++
				p.notify(b, "textDocument/didChange", map[string]any{
					"textDocument":   map[string]any{"uri": uri, "version": version},
					"contentChanges": []any{map[string]any{"range": protocol.Range{Start: pos, End: pos}, "text": "x"}},
				})
				pos.Character++
				p.waitPublish(b, uri, version)
			}
		})
	}
}

// BenchmarkOpenDocuments opens 100 copies of the medium file and reports
// the heap they keep (after GC) per document: the issue's "100 open
// documents < 50 MB" is about this plus the runtime's fixed cost.
func BenchmarkOpenDocuments(b *testing.B) {
	text := string(benchdata.MustAll(b)[1].Text)
	const docs = 100
	for b.Loop() {
		b.StopTimer()
		p := startBenchPipe(b)
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		b.StartTimer()
		for i := 0; i < docs; i++ {
			uri := fmt.Sprintf("file:///bench/%d/Dockerfile", i)
			p.notify(b, "textDocument/didOpen", map[string]any{"textDocument": map[string]any{
				"uri": uri, "languageId": "dockerfile", "version": 1, "text": text}})
			p.waitPublish(b, uri, 1)
		}
		b.StopTimer()
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/docs, "heapB/doc")
		p.in.Close()
		b.StartTimer()
	}
}

// typed numbers the texts BenchmarkDidChangeCycleInstruction types.
var typed int

// BenchmarkDidChangeCycleInstruction is BenchmarkDidChangeCycle typing into an
// instruction instead of a comment: the last character of the first WORKDIR
// line (an early stage), so the instruction and its stage's BuildKit checks
// are new, and every instruction after it has moved.
func BenchmarkDidChangeCycleInstruction(b *testing.B) {
	s := New(Options{})
	uri := protocol.DocumentURI("file:///bench/Dockerfile")
	for _, size := range benchdata.MustAll(b) {
		text := bytes.Clone(size.Text)
		at := bytes.Index(text, []byte("\nWORKDIR "))
		if at < 0 {
			continue
		}
		end := at + 1 + bytes.IndexByte(text[at+1:], '\n')
		lines := dockerfile.NewLineIndex(text)
		p := lines.Position(end)
		pos := protocol.Position{Line: uint32(p.Line), Character: uint32(p.Character)}
		// the line's last six characters are retyped as a counter kept for
		// the whole process: every version is new text (nothing cached), of
		// the same length
		start := pos
		start.Character -= 6
		b.Run(size.Name, func(b *testing.B) {
			version := int32(1)
			snap := s.openSnapshot(uri, version, text)
			snap.File()
			b.ReportAllocs()
			for b.Loop() {
				text = applyChanges(text, []contentChange{{Range: &protocol.Range{Start: start, End: pos}, Text: fmt.Sprintf("%06d", typed)}})
				typed++
				if typed > 999999 {
					b.Fatal("the benchmark would repeat texts: use fewer iterations")
				}
				version++
				snap = s.nextSnapshot(snap, version, text)
				diags := Diagnostics(snap)
				v := snap.Version
				if _, err := json.Marshal(publishParams{URI: uri, Version: &v, Diagnostics: diags}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
