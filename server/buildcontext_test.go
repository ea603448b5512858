package server

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"
)

func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func hasCode(p publishParams, code string) bool {
	for _, d := range p.Diagnostics {
		if fmt.Sprint(d.Code) == code {
			return true
		}
	}
	return false
}

// With file watchers the build context and .msls.yaml are cached: a file
// created on disk is not seen on the next keystroke (nothing is re-read per
// edit) but is after the client's didChangeWatchedFiles, which re-checks
// the open documents.
func TestBuildContextWatchedFiles(t *testing.T) {
	ws := t.TempDir()
	writeFiles(t, ws, map[string]string{"Dockerfile": "", "src/main.go": ""})
	uri := "file://" + filepath.ToSlash(filepath.Join(ws, "Dockerfile"))
	c := startPipe(t, `{"capabilities":{"workspace":{"didChangeWatchedFiles":{"dynamicRegistration":true}}},"rootUri":"file://`+filepath.ToSlash(ws)+`"}`)
	reg := c.wait("client/registerCapability", func(m message) bool { return m.Method == "client/registerCapability" })
	var rp protocol.RegistrationParams
	if err := json.Unmarshal(reg.Params, &rp); err != nil || len(rp.Registrations) != 1 || rp.Registrations[0].Method != "workspace/didChangeWatchedFiles" {
		t.Fatalf("registration: %s", reg.Params)
	}
	if !strings.Contains(string(reg.Params), `.dockerignore`) || !strings.Contains(string(reg.Params), `.msls.yaml`) {
		t.Errorf("watchers miss ignore or config files: %s", reg.Params)
	}
	c.sendRaw(fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"result":null}`, reg.ID))
	bs := c.srv.buildState()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		bs.mu.Lock()
		w := bs.watching
		bs.mu.Unlock()
		if w {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("watchers never took effect")
		}
	}

	text := "FROM golang:1.23\nCOPY go.mod ./\nCOPY src ./src\n"
	c.open(uri, text, 1)
	if p := c.publishFor(uri, 1); !hasCode(p, "CopySourceNotFound") {
		t.Fatalf("go.mod is missing: %+v", p.Diagnostics)
	}
	writeFiles(t, ws, map[string]string{"go.mod": "module x\n", ".msls.yaml": "rules:\n  RootFinalStage: off\n"})
	c.sendRaw(fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":%q,"version":2},"contentChanges":[{"text":%q}]}}`, uri, text+"USER nobody\n"))
	if p := c.publishFor(uri, 2); !hasCode(p, "CopySourceNotFound") {
		t.Errorf("the context was re-read on a keystroke without a file event")
	}
	// events below folders msls never lists change nothing
	c.sendRaw(`{"jsonrpc":"2.0","method":"workspace/didChangeWatchedFiles","params":{"changes":[{"uri":"file://` + filepath.ToSlash(filepath.Join(ws, "node_modules", "x", "a.js")) + `","type":1}]}}`)
	c.sendRaw(fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":%q,"version":3},"contentChanges":[{"text":%q}]}}`, uri, text+"USER nobody\n\n"))
	if p := c.publishFor(uri, 3); !hasCode(p, "CopySourceNotFound") {
		t.Errorf("an event below node_modules refreshed the context")
	}
	c.sendRaw(`{"jsonrpc":"2.0","method":"workspace/didChangeWatchedFiles","params":{"changes":[{"uri":"file://` + filepath.ToSlash(filepath.Join(ws, "go.mod")) + `","type":1}]}}`)
	if p := c.publishFor(uri, 3); hasCode(p, "CopySourceNotFound") {
		t.Errorf("go.mod created, the event did not refresh the context: %+v", p.Diagnostics)
	}
}

// Editor features on COPY sources: links, definition, hover, completion
// (ignored files left out) and the quick fix that writes .dockerignore.
func TestBuildContextEditorFeatures(t *testing.T) {
	ws := t.TempDir()
	writeFiles(t, ws, map[string]string{
		"app/Dockerfile":              "",
		"app/package.json":            "{}",
		"app/package-lock.json":       "{}",
		"app/secret.env":              "",
		"app/src/index.js":            "",
		"app/src/util.js":             "",
		"app/node_modules/x/index.js": "",
	})
	uri := "file://" + filepath.ToSlash(filepath.Join(ws, "app", "Dockerfile"))
	text := "FROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nCOPY src/*.js /x/\nCOPY s\n"
	c := startNavRoot(t, `{"workspace":{"workspaceEdit":{"documentChanges":true,"resourceOperations":["create"]}}}`, "file://"+filepath.ToSlash(ws))
	c.openURI(uri, text)
	doc := map[string]string{"uri": uri}

	var links []protocol.DocumentLink
	if e := c.call("textDocument/documentLink", map[string]any{"textDocument": doc}, &links); e != nil {
		t.Fatal(e)
	}
	if len(links) != 2 || !strings.HasSuffix(string(links[0].Target), "/app/package.json") || !strings.HasSuffix(string(links[1].Target), "/app/package-lock.json") {
		t.Fatalf("links: %+v", links)
	}

	var locs []protocol.Location
	if e := c.call("textDocument/definition", map[string]any{"textDocument": doc, "position": at(t, text, "package-lock.json", 0, 2)}, &locs); e != nil {
		t.Fatal(e)
	}
	if len(locs) != 1 || !strings.HasSuffix(string(locs[0].URI), "/app/package-lock.json") {
		t.Errorf("definition: %+v", locs)
	}

	var h protocol.Hover
	if e := c.call("textDocument/hover", map[string]any{"textDocument": doc, "position": at(t, text, "src/*.js", 0, 3)}, &h); e != nil {
		t.Fatal(e)
	}
	if !strings.Contains(h.Contents.Value, "Matches 2 files") || !strings.Contains(h.Contents.Value, "`src/index.js`") {
		t.Errorf("hover: %q", h.Contents.Value)
	}

	// .dockerignore excludes secret.env: completion leaves it out
	writeFiles(t, ws, map[string]string{"app/.dockerignore": "*.env\n"})
	c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []map[string]any{{"uri": "file://" + filepath.ToSlash(filepath.Join(ws, "app", ".dockerignore")), "type": 1}}})
	var list protocol.CompletionList
	if e := c.call("textDocument/completion", map[string]any{"textDocument": doc, "position": at(t, text, "COPY s\n", 0, 6)}, &list); e != nil {
		t.Fatal(e)
	}
	var labels []string
	for _, it := range list.Items {
		if it.Detail == "build context" {
			labels = append(labels, it.Label)
		}
	}
	if strings.Join(labels, " ") != "src/" {
		t.Errorf("completion of `COPY s`: %v", labels)
	}

	// MissingDockerignore's fix appends node_modules to the ignore file in force
	var acts []json.RawMessage
	params := map[string]any{"textDocument": doc, "range": protocol.Range{Start: protocol.Position{Line: 4}, End: protocol.Position{Line: 4, Character: 3}}, "context": map[string]any{"diagnostics": []any{}}}
	var found bool
	for deadline := time.Now().Add(10 * time.Second); !found && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		acts = nil
		if e := c.call("textDocument/codeAction", params, &acts); e != nil {
			t.Fatal(e)
		}
		for _, a := range acts {
			if strings.Contains(string(a), "Add node_modules to .dockerignore") {
				found = true
				if !strings.Contains(string(a), `"newText":"node_modules\n"`) || !strings.Contains(string(a), "/app/.dockerignore") {
					t.Errorf("fix: %s", a)
				}
			}
		}
	}
	if !found {
		t.Errorf("no .dockerignore fix among %d actions", len(acts))
	}
}

// BenchmarkDidChangeWithContext is the keystroke (didChange in, diagnostics
// out) on the 198-line fixture in a workspace folder whose context holds
// the files it copies plus 2,000 sources: "outside" is a document in no
// folder (no context, no config lookup), "nowatch" a client without file
// watchers (config looked up per check, listing reused up to contextTTL),
// "watch" a client with watchers (everything cached).
func BenchmarkDidChangeWithContext(b *testing.B) {
	text, err := os.ReadFile("../testdata/bench/multistage-198.Dockerfile")
	if err != nil {
		b.Fatal(err)
	}
	ws := b.TempDir()
	files := map[string]string{"Dockerfile": string(text), ".msls.yaml": "rules:\n  SingleStageBuild: off\n",
		"web/package.json": "{}", "web/package-lock.json": "{}", "api/go.mod": "module x\n", "api/go.sum": "",
		"worker/pyproject.toml": "", "worker/poetry.lock": ""}
	for i := 0; i < 2000; i++ {
		files[fmt.Sprintf("api/pkg%02d/file%04d.go", i%40, i)] = ""
	}
	writeFiles(b, ws, files)
	for _, mode := range []string{"outside", "nowatch", "watch"} {
		b.Run(mode, func(b *testing.B) {
			inR, inW := io.Pipe()
			outR, outW := io.Pipe()
			s := New(Options{})
			go func() { s.Run(inR, outW); outW.Close() }()
			p := &benchPipe{in: inW, out: bufio.NewReaderSize(outR, 1<<16)}
			b.Cleanup(func() { inW.Close() })
			caps := map[string]any{}
			if mode == "watch" {
				caps = map[string]any{"workspace": map[string]any{"didChangeWatchedFiles": map[string]any{"dynamicRegistration": true}}}
			}
			uri := "file://" + filepath.ToSlash(filepath.Join(ws, "Dockerfile"))
			init := map[string]any{"capabilities": caps, "rootUri": "file://" + filepath.ToSlash(ws)}
			if mode == "outside" {
				delete(init, "rootUri")
			}
			p.request(b, "initialize", init)
			p.notify(b, "initialized", map[string]any{})
			if mode == "watch" {
				for {
					var m message
					json.Unmarshal(p.read(b), &m)
					if m.Method == "client/registerCapability" {
						p.send(b, map[string]any{"jsonrpc": "2.0", "id": m.ID, "result": nil})
						break
					}
				}
				for !s.buildState().isWatching() {
					time.Sleep(time.Millisecond)
				}
			}
			doc := string(text) + "# typing: "
			p.notify(b, "textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "dockerfile", "version": 1, "text": doc}})
			p.waitPublish(b, uri, 1)
			pos := benchTypingPosition([]byte(doc))
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

// Without an ignore file the MissingDockerignore fix creates one (a
// workspace edit with a create operation), only for clients that accept
// resource operations.
func TestMissingDockerignoreCreatesFile(t *testing.T) {
	ws := t.TempDir()
	writeFiles(t, ws, map[string]string{"Dockerfile": "", ".git/HEAD": "", ".venv/pyvenv.cfg": "", "app.py": ""})
	uri := "file://" + filepath.ToSlash(filepath.Join(ws, "Dockerfile"))
	text := "FROM python:3.12\nCOPY . /app\n"
	params := map[string]any{"textDocument": map[string]string{"uri": uri}, "range": protocol.Range{Start: protocol.Position{Line: 1}, End: protocol.Position{Line: 1, Character: 2}}, "context": map[string]any{"diagnostics": []any{}}}
	for _, tc := range []struct {
		caps string
		want bool
	}{
		{`{"workspace":{"workspaceEdit":{"documentChanges":true,"resourceOperations":["create","rename"]}}}`, true},
		{`{}`, false},
	} {
		c := startNavRoot(t, tc.caps, "file://"+filepath.ToSlash(ws))
		c.openURI(uri, text)
		var got string
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			var acts []json.RawMessage
			if e := c.call("textDocument/codeAction", params, &acts); e != nil {
				t.Fatal(e)
			}
			got = ""
			for _, a := range acts {
				if strings.Contains(string(a), `"title":"Add `) {
					got = string(a)
				}
			}
			if got != "" || !tc.want && len(acts) > 0 {
				break
			}
		}
		if tc.want != (got != "") {
			t.Fatalf("caps %s: fix offered=%v: %s", tc.caps, got != "", got)
		}
		if tc.want && (!strings.Contains(got, `"kind":"create"`) || !strings.Contains(got, `"newText":".git\n.venv\n"`) || !strings.Contains(got, "Add .git, .venv to .dockerignore")) {
			t.Errorf("fix: %s", got)
		}
	}
}

// Without file watchers, a document's folder and its .msls.yaml are looked
// up again once contextTTL has passed (not on every keystroke), and at once
// after workspace/didChangeConfiguration.
func TestDocFolderCachedWithoutWatchers(t *testing.T) {
	ws := t.TempDir()
	writeFiles(t, ws, map[string]string{".msls.yaml": "rules:\n  RootFinalStage: info\n"})
	s := New(Options{})
	s.folders = []protocol.WorkspaceFolder{{URI: "file://" + filepath.ToSlash(ws), Name: "ws"}}
	uri := protocol.DocumentURI("file://" + filepath.ToSlash(filepath.Join(ws, "Dockerfile")))
	rc := s.ruleConfig()
	d := s.docFolder(rc, uri)
	if !d.ok || d.cfg == nil {
		t.Fatalf("folder not resolved: %+v", d)
	}
	if err := os.Remove(filepath.Join(ws, ".msls.yaml")); err != nil {
		t.Fatal(err)
	}
	if d2 := s.docFolder(rc, uri); d2.cfg != d.cfg {
		t.Fatalf("looked up again within contextTTL")
	}
	bs := s.buildState()
	bs.mu.Lock()
	for _, e := range bs.dirs {
		e.at = e.at.Add(-contextTTL)
	}
	bs.mu.Unlock()
	if d3 := s.docFolder(rc, uri); d3.cfg != nil || !d3.ok {
		t.Fatalf("not looked up again after contextTTL: %+v", d3)
	}
	writeFiles(t, ws, map[string]string{".msls.yaml": "rules:\n  RootFinalStage: off\n"})
	didChangeConfiguration(context.Background(), s, json.RawMessage(`{"settings":null}`))
	if d4 := s.docFolder(rc, uri); d4.cfg == nil {
		t.Fatalf("not looked up again after didChangeConfiguration")
	}
}
