package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/msls-dev/msls/internal/lspclient"
)

// The test binary doubles as a fake LSP server, so the tool is tested over a
// real pipe without depending on msls being built.
const fakeEnv = "MSLS_BENCH_FAKE_SERVER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(fakeEnv); mode != "" {
		fakeServer(mode, os.Getenv("MSLS_BENCH_FAKE_OUT"))
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// fakeServer modes: "versioned" (incremental sync, publishes carry versions)
// or "plain" (full sync, no versions, like some servers). It asks the client
// for configuration and publishes nothing until answered, and on exit writes
// every document's final text to out so the test can check the edits.
func fakeServer(mode, out string) {
	r := bufio.NewReader(os.Stdin)
	w := os.Stdout
	send := func(v any) {
		b, _ := json.Marshal(v)
		w.Write([]byte("Content-Length: " + strconv.Itoa(len(b)) + "\r\n\r\n"))
		w.Write(b)
	}
	docs := map[string]string{}
	configured := false
	var queued []func()
	publish := func(uri string, version int) {
		p := map[string]any{"uri": uri, "diagnostics": []any{map[string]any{"message": "x"}}}
		if mode == "versioned" {
			p["version"] = version
		}
		f := func() {
			send(map[string]any{"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": p})
		}
		if configured {
			f()
		} else {
			queued = append(queued, f)
		}
	}
	for {
		body, err := lspclient.ReadFrame(r)
		if err != nil {
			return
		}
		var m lspclient.Message
		if json.Unmarshal(body, &m) != nil {
			continue
		}
		switch m.Method {
		case "initialize":
			sync := 2
			if mode != "versioned" {
				sync = 1
			}
			send(map[string]any{"jsonrpc": "2.0", "id": m.ID, "result": map[string]any{
				"capabilities": map[string]any{"textDocumentSync": map[string]any{"openClose": true, "change": sync}}}})
		case "initialized":
			send(map[string]any{"jsonrpc": "2.0", "id": "cfg-1", "method": "workspace/configuration",
				"params": map[string]any{"items": []any{map[string]any{"section": "x"}}}})
		case "":
			if string(m.ID) == `"cfg-1"` {
				configured = true
				for _, f := range queued {
					f()
				}
				queued = nil
			}
		case "textDocument/didOpen":
			var p struct {
				TextDocument struct {
					URI     string `json:"uri"`
					Version int    `json:"version"`
					Text    string `json:"text"`
				} `json:"textDocument"`
			}
			json.Unmarshal(m.Params, &p)
			docs[p.TextDocument.URI] = p.TextDocument.Text
			publish(p.TextDocument.URI, p.TextDocument.Version)
		case "textDocument/didChange":
			var p struct {
				TextDocument struct {
					URI     string `json:"uri"`
					Version int    `json:"version"`
				} `json:"textDocument"`
				ContentChanges []struct {
					Range *struct{ Start, End position } `json:"range"`
					Text  string                         `json:"text"`
				} `json:"contentChanges"`
			}
			json.Unmarshal(m.Params, &p)
			for _, c := range p.ContentChanges {
				if c.Range == nil {
					docs[p.TextDocument.URI] = c.Text
				} else {
					// The tool only inserts; an insertion is an empty range.
					docs[p.TextDocument.URI] = insertAt(docs[p.TextDocument.URI], c.Range.Start, c.Text)
				}
			}
			publish(p.TextDocument.URI, p.TextDocument.Version)
		case "textDocument/completion":
			send(map[string]any{"jsonrpc": "2.0", "id": m.ID, "result": map[string]any{
				"isIncomplete": false, "items": []any{map[string]any{"label": "RUN"}, map[string]any{"label": "USER"}}}})
		case "shutdown":
			send(map[string]any{"jsonrpc": "2.0", "id": m.ID, "result": nil})
		case "exit":
			if out != "" {
				b, _ := json.Marshal(docs)
				os.WriteFile(out, b, 0o644)
			}
			return
		}
	}
}

func fakeCommand(t *testing.T, mode, out string) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return "env " + fakeEnv + "=" + mode + " MSLS_BENCH_FAKE_OUT=" + out + " " + exe
}

func TestRunAgainstFakeServers(t *testing.T) {
	dir := t.TempDir()
	doc := filepath.Join(dir, "Dockerfile")
	text := "# syntax=docker/dockerfile:1\nFROM alpine AS base\n# tools\nRUN apk add curl\nFROM base\nCMD [\"sh\"]\n"
	if err := os.WriteFile(doc, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	outA, outB := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	jsonPath := filepath.Join(dir, "report.json")
	var stdout, stderr bytes.Buffer
	code := run([]string{
		"-file", doc, "-rounds", "2", "-warmup", "1", "-edits", "3", "-burst", "4", "-completions", "2", "-docs", "3",
		"-timeout", "20s", "-json", jsonPath,
		"-server", "a=" + fakeCommand(t, "versioned", outA),
		"-server", "b=" + fakeCommand(t, "plain", outB),
	}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	var rep report
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Servers) != 2 || rep.Servers[0].Name != "a" || rep.Servers[1].Name != "b" {
		t.Fatalf("servers = %+v", rep.Servers)
	}
	wantN := map[string]int{mInitialize: 2, mDidOpen: 2, mChangeFull: 6, mChangeIncr: 6, mBurst: 2, mCompletion: 4, mEditCPU: 2, mPeakRSS: 2, mPeakRSSDocs: 2}
	a := rep.Servers[0]
	for m, n := range wantN {
		st, ok := a.Metrics[m]
		if !ok {
			t.Errorf("server a: metric %s missing", m)
			continue
		}
		if st.N != n || len(st.Samples) != n {
			t.Errorf("server a: %s has %d samples, want %d", m, st.N, n)
		}
		// CPU can round to zero where only clock ticks are available.
		if (st.Median <= 0 && m != mEditCPU) || st.Min > st.Median || st.Median > st.Max || st.P90 > st.Max {
			t.Errorf("server a: %s stats inconsistent: %+v", m, st)
		}
	}
	if !a.Incremental || !a.Versioned || a.CompletionItems != 2 || len(a.Errors) != 0 {
		t.Errorf("server a: %+v", a)
	}
	// 4 edits in a burst, each answered: the fake does not coalesce.
	if a.BurstPublishes != 4 {
		t.Errorf("server a: burst publishes = %v, want 4", a.BurstPublishes)
	}
	bs := rep.Servers[1]
	if bs.Incremental || bs.Versioned || len(bs.Errors) != 0 {
		t.Errorf("server b: %+v", bs)
	}
	// A full-sync server gets both halves of the alternating edits as full text.
	if n := bs.Metrics[mChangeFull].N; n != 12 {
		t.Errorf("server b: %d full-text samples, want 12", n)
	}
	for _, m := range []string{mChangeIncr, mBurst} {
		if _, ok := bs.Metrics[m]; ok {
			t.Errorf("server b: %s measured for a full-sync, unversioned server", m)
		}
	}
	if len(rep.Ratios) != 1 || rep.Ratios[0].Reference != "a" || rep.Ratios[0].Peer != "b" {
		t.Fatalf("ratios = %+v", rep.Ratios)
	}
	if _, ok := rep.Ratios[0].Ratios[mChangeFull]; !ok {
		t.Errorf("no didChange ratio: %+v", rep.Ratios[0])
	}
	if rep.Lines != 6 || rep.EditLine != 2 {
		t.Errorf("lines %d, edit line %d; want 6 and 2 (the comment after the first FROM)", rep.Lines, rep.EditLine)
	}
	for _, col := range []string{"initialize", "didChange full", "a/b"} {
		if !strings.Contains(stdout.String(), col) {
			t.Errorf("table lacks %q:\n%s", col, stdout.String())
		}
	}

	// Both servers must end with the same text, whatever their sync kind:
	// the comparison is only fair if they were given the same document.
	final := func(path string) map[string]string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var docs map[string]string
		if err := json.Unmarshal(b, &docs); err != nil {
			t.Fatal(err)
		}
		return docs
	}
	da, db := final(outA), final(outB)
	uri := fileURI(doc)
	if da[uri] != db[uri] {
		t.Errorf("final texts differ:\nincremental: %q\nfull: %q", da[uri], db[uri])
	}
	typed := (typing + typing)[:3+3+4]
	want := strings.Replace(text, "# tools", "# tools"+typed, 1)
	if da[uri] != want {
		t.Errorf("final text = %q, want %q", da[uri], want)
	}
	if len(da) != 3 {
		t.Errorf("%d documents open at exit, want 3 (-docs 3)", len(da))
	}
}

func TestServerThatNeverPublishesFailsTheRun(t *testing.T) {
	dir := t.TempDir()
	doc := filepath.Join(dir, "Dockerfile")
	os.WriteFile(doc, []byte("FROM alpine\n"), 0o644)
	var stdout, stderr bytes.Buffer
	// `cat` echoes our own messages back: no initialize result ever comes.
	code := run([]string{"-file", doc, "-rounds", "1", "-warmup", "0", "-timeout", "300ms", "-q", "-server", "mute=cat"}, &stdout, &stderr)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "failed rounds") {
		t.Errorf("the failure is not reported:\n%s", stdout.String())
	}
}

func TestMissingCommandIsAnError(t *testing.T) {
	dir := t.TempDir()
	doc := filepath.Join(dir, "Dockerfile")
	os.WriteFile(doc, []byte("FROM alpine\n"), 0o644)
	var stdout, stderr bytes.Buffer
	code := run([]string{"-file", doc, "-rounds", "1", "-warmup", "0", "-q", "-server", "x=/nonexistent/lsp"}, &stdout, &stderr)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"-server", "noequals"},
		{"-server", "a=cmd", "-completion", "x"},
		{"-server", "a=cmd", "-rounds", "0"},
		{"-server", "a='unterminated"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 2 {
			t.Errorf("run(%q) = %d, want 2", args, code)
		}
	}
}

func TestSplitWords(t *testing.T) {
	for in, want := range map[string][]string{
		`node server.js --stdio`:            {"node", "server.js", "--stdio"},
		`  a   b `:                          {"a", "b"},
		`sh -c 'echo "hi there"'`:           {"sh", "-c", `echo "hi there"`},
		`"a b"c d\ e`:                       {"a bc", "d e"},
		`''`:                                {""},
		`/opt/my\ server/bin/lsp "--x=1 2"`: {"/opt/my server/bin/lsp", "--x=1 2"},
	} {
		got, err := splitWords(in)
		if err != nil || strings.Join(got, "|") != strings.Join(want, "|") || len(got) != len(want) {
			t.Errorf("splitWords(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestInsertAtCountsUTF16(t *testing.T) {
	text := "a\n😀b\r\nc"
	for _, c := range []struct {
		pos  position
		want string
	}{
		{position{0, 0}, "Xa\n😀b\r\nc"},
		{position{1, 2}, "a\n😀Xb\r\nc"}, // the emoji is two UTF-16 units
		{position{1, 3}, "a\n😀bX\r\nc"}, // end of a CRLF line: before the \r
		{position{1, 99}, "a\n😀bX\r\nc"},
		{position{2, 1}, "a\n😀b\r\ncX"},
		{position{7, 0}, "a\n😀b\r\ncX"},
	} {
		if got := insertAt(text, c.pos, "X"); got != c.want {
			t.Errorf("insertAt(%v) = %q, want %q", c.pos, got, c.want)
		}
	}
}

func TestPlanDefaults(t *testing.T) {
	text := "# syntax=docker/dockerfile:1\n# top\nFROM alpine\n  run echo\n# last\nRUN x\n"
	p, err := newPlan("Dockerfile", text, 2, 1, 1, 1, nil, -1, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if p.EditLine != 4 || p.EditCol != 6 {
		t.Errorf("edit at %d:%d, want 4:6 (end of the last comment after FROM)", p.EditLine, p.EditCol)
	}
	if p.Completion != (position{Line: 3, Character: 4}) {
		t.Errorf("completion at %+v, want 3:4 (after the indented \"ru\")", p.Completion)
	}
	if len(p.typed) != 5 {
		t.Errorf("typed %q, want 5 characters", p.typed)
	}
	// Without a comment after the first instruction, one is appended.
	p, _ = newPlan("Dockerfile", "# syntax=x\nFROM alpine", 1, 0, 0, 1, nil, -1, time.Second)
	if !strings.HasSuffix(p.Text, "FROM alpine\n# msls-bench\n") || p.EditLine != 2 || p.EditCol != len("# msls-bench") {
		t.Errorf("appended plan: text %q, edit at %d:%d", p.Text, p.EditLine, p.EditCol)
	}
}

func TestSummaryStats(t *testing.T) {
	s := summarizeValues([]float64{5, 1, 3, 2, 4})
	if s.Median != 3 || s.Min != 1 || s.Max != 5 || s.Mean != 3 || s.P90 != 4.6 {
		t.Errorf("stats = %+v", s)
	}
	if s := summarizeValues([]float64{2, 4}); s.Median != 3 {
		t.Errorf("median of two = %v, want 3", s.Median)
	}
}

func TestSyncKind(t *testing.T) {
	for in, want := range map[string]int{
		`{"capabilities":{"textDocumentSync":2}}`:            2,
		`{"capabilities":{"textDocumentSync":{"change":1}}}`: 1,
		`{"capabilities":{}}`:                                0,
		`null`:                                               0,
	} {
		if got := syncKind(json.RawMessage(in)); got != want {
			t.Errorf("syncKind(%s) = %d, want %d", in, got, want)
		}
	}
}

// TestRunAgainstMsls drives the real server for two rounds when cmd/msls
// builds; the JSON must hold every metric the issue asks for.
func TestRunAgainstMsls(t *testing.T) {
	if testing.Short() {
		t.Skip("builds msls")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "cmd", "msls")); err != nil {
		t.Skip("cmd/msls not present yet")
	}
	bin := filepath.Join(t.TempDir(), "msls")
	build := exec.Command("go", "build", "-o", bin, "./cmd/msls")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Skipf("cmd/msls does not build: %v\n%s", err, out)
	}
	jsonPath := filepath.Join(t.TempDir(), "msls.json")
	var stdout, stderr bytes.Buffer
	code := run([]string{
		"-file", filepath.Join(root, "testdata", "bench", "multistage-198.Dockerfile"),
		"-rounds", "2", "-warmup", "0", "-edits", "5", "-burst", "5", "-completions", "3", "-docs", "5",
		"-timeout", "20s", "-json", jsonPath, "-server", "msls=" + bin,
	}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	var rep report
	b, _ := os.ReadFile(jsonPath)
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	s := rep.Servers[0]
	if len(s.Errors) != 0 {
		t.Fatalf("errors: %v", s.Errors)
	}
	for _, m := range []string{mInitialize, mDidOpen, mChangeFull, mCompletion, mPeakRSS, mPeakRSSDocs} {
		if st, ok := s.Metrics[m]; !ok || st.N == 0 {
			t.Errorf("metric %s missing", m)
		}
	}
	if s.Incremental {
		if _, ok := s.Metrics[mChangeIncr]; !ok {
			t.Errorf("incremental sync announced but not measured")
		}
	}
	if s.Versioned {
		if _, ok := s.Metrics[mBurst]; !ok {
			t.Errorf("versioned publishes but no burst measured")
		}
	}
}
