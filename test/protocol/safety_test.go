package protocol_test

import (
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestNoExecNoNetwork drives every feature of the server over a Dockerfile
// full of things a build would fetch or run (a syntax directive, registry
// images, ADD of URLs and git repositories) with PATH full of decoy
// programs and every proxy variable pointing at a listener: nothing may be
// executed and no connection may be made.
func TestNoExecNoNetwork(t *testing.T) {
	tmp := t.TempDir()
	decoys := filepath.Join(tmp, "bin")
	marker := filepath.Join(tmp, "executed")
	if err := os.Mkdir(decoys, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"docker", "buildctl", "buildkitd", "git", "sh", "bash", "curl", "wget", "npm", "node", "go", "pip", "python3", "ssh", "powershell", "cmd"} {
		script := "#!/bin/sh\necho " + name + " \"$@\" >> " + marker + "\n"
		if err := os.WriteFile(filepath.Join(decoys, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var conns atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			c.Close()
		}
	}()
	proxy := "http://" + ln.Addr().String()

	c := startWithEnv(t, []string{
		"PATH=" + decoys, "SHELL=" + filepath.Join(decoys, "sh"),
		"HTTP_PROXY=" + proxy, "HTTPS_PROXY=" + proxy, "ALL_PROXY=" + proxy, "NO_PROXY=",
		"http_proxy=" + proxy, "https_proxy=" + proxy, "all_proxy=" + proxy,
		"DOCKER_HOST=tcp://" + ln.Addr().String(), "BUILDKIT_HOST=tcp://" + ln.Addr().String(),
	})
	initialize(c, "file://"+filepath.ToSlash(c.cmd.Dir))
	ws := c.cmd.Dir
	for name, content := range map[string]string{
		"package.json": `{"name":"x","scripts":{"build":"tsc"}}`, "package-lock.json": "{}", ".dockerignore": "node_modules\n",
	} {
		if err := os.WriteFile(filepath.Join(ws, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	uri := "file://" + filepath.ToSlash(filepath.Join(ws, "Dockerfile"))
	text := "# syntax=docker/dockerfile:1.7\n# check=error=true\n" +
		"FROM --platform=$BUILDPLATFORM registry.example.com:5000/team/node:20 AS deps\n" +
		"ADD https://example.com/archive.tar.gz /tmp/\n" +
		"ADD git@github.com:moby/buildkit.git#v0.34.2 /src\n" +
		"ADD --checksum=sha256:0000000000000000000000000000000000000000000000000000000000000000 https://example.com/x /x\n" +
		"RUN --mount=type=ssh --mount=type=secret,id=npmrc curl -fsSL https://example.com | sh\n" +
		"COPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n" +
		"FROM docker.io/library/node:20-alpine\nCOPY --from=deps /app /app\nCOPY --from=ghcr.io/example/tool:1 /tool /tool\n" +
		"ONBUILD RUN git clone https://example.com/repo\nHEALTHCHECK CMD wget -q http://localhost/\nCMD [\"node\", \"/app\"]\n"
	c.open(uri, text, 1)
	c.waitDiagnostics(uri, 1)
	whole := `{"start":{"line":0,"character":0},"end":{"line":30,"character":0}}`
	for _, req := range []struct{ method, params string }{
		{"textDocument/codeAction", `{"textDocument":{"uri":"` + uri + `"},"range":` + whole + `,"context":{"diagnostics":[]}}`},
		{"textDocument/codeAction", `{"textDocument":{"uri":"` + uri + `"},"range":` + whole + `,"context":{"diagnostics":[],"only":["source.fixAll"]}}`},
		{"textDocument/codeAction", `{"textDocument":{"uri":"` + uri + `"},"range":` + whole + `,"context":{"diagnostics":[],"only":["refactor"]}}`},
		{"textDocument/formatting", `{"textDocument":{"uri":"` + uri + `"},"options":{"tabSize":4,"insertSpaces":true}}`},
		{"textDocument/documentSymbol", `{"textDocument":{"uri":"` + uri + `"}}`},
		{"textDocument/foldingRange", `{"textDocument":{"uri":"` + uri + `"}}`},
		{"textDocument/semanticTokens/full", `{"textDocument":{"uri":"` + uri + `"}}`},
		{"textDocument/inlayHint", `{"textDocument":{"uri":"` + uri + `"},"range":` + whole + `}`},
	} {
		c.requestRawParams(req.method, req.params)
	}
	for line := 0; line < 18; line++ {
		for _, ch := range []int{0, 5, 12, 30} {
			for _, method := range []string{"textDocument/hover", "textDocument/completion", "textDocument/definition", "textDocument/references"} {
				c.requestRawParams(method, `{"textDocument":{"uri":"`+uri+`"},"position":{"line":`+itoa(line)+`,"character":`+itoa(ch)+`},"context":{"includeDeclaration":true}}`)
			}
		}
	}
	c.notify("textDocument/didSave", map[string]any{"textDocument": map[string]any{"uri": uri}})
	c.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"msls": map[string]any{}}})
	c.alive("every feature")
	time.Sleep(200 * time.Millisecond)
	if b, err := os.ReadFile(marker); err == nil {
		t.Errorf("msls executed programs:\n%s", b)
	}
	if n := conns.Load(); n > 0 {
		t.Errorf("msls opened %d network connection(s) through the proxy/daemon variables", n)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// startWithEnv is start with extra environment variables (later ones win).
func startWithEnv(t *testing.T, env []string) *client {
	t.Helper()
	old := mslsEnv
	mslsEnv = env
	defer func() { mslsEnv = old }()
	return start(t)
}

// initialize completes the handshake with one workspace folder.
func initialize(c *client, root string) {
	c.t.Helper()
	res, e := c.request("initialize", map[string]any{
		"processId": nil, "rootUri": root, "capabilities": map[string]any{},
		"workspaceFolders": []map[string]string{{"uri": root, "name": "ws"}},
	})
	if e != nil || len(res) == 0 {
		c.t.Fatalf("initialize failed: %+v", e)
	}
	c.notify("initialized", map[string]any{})
}

// TestStaticNoExecNoNetwork checks at the source level that msls's own
// packages (the server binary's, not the benchmark tool's) import nothing
// that runs programs or opens connections. BuildKit's front end links such
// packages, but msls only calls its parser and linter, with an offline image
// resolver (diagnostics/buildkit.go).
func TestStaticNoExecNoNetwork(t *testing.T) {
	out, err := exec.Command(goTool(), "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}} {{join .Imports \" \"}}{{end}}", "github.com/msls-dev/msls/cmd/msls").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	forbidden := map[string]bool{"os/exec": true, "net": true, "net/http": true, "net/rpc": true, "plugin": true, "crypto/tls": true}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || !strings.HasPrefix(fields[0], "github.com/msls-dev/msls/") {
			continue
		}
		checked++
		for _, imp := range fields[1:] {
			if forbidden[imp] {
				t.Errorf("%s imports %s", fields[0], imp)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no msls package found in the dependencies of cmd/msls")
	}
}

// TestReadsStayInsideTheWorkspace holds the server to docs/safety.md: it
// reads configuration and build-context files only inside the workspace
// folders. Planted outside them: a configuration file above a folder, one
// a folder's .msls.yaml links to, one beside a document opened from outside
// every folder, one behind a directory symlinked into a folder; each would
// silence RootFinalStage if read. A package.json with workspaces beside the
// outside documents would make the split refuse if it were read as their
// build context. A configuration file inside a folder, one level above the
// document, must still be honoured.
func TestReadsStayInsideTheWorkspace(t *testing.T) {
	c := start(t)
	tmp := c.cmd.Dir
	silence := []byte("rules:\n  RootFinalStage: off\n")
	files := map[string]string{
		".msls.yaml":           string(silence), // above ws1
		"ws1/Dockerfile":       "",
		"ws2/Dockerfile":       "",
		"ws3/.msls.yaml":       "rules:\n  RootFinalStage: error\n",
		"ws3/sub/Dockerfile":   "",
		"outside/.msls.yaml":   string(silence),
		"outside/evil.yaml":    string(silence),
		"outside/package.json": `{"name":"x","workspaces":["packages/*"],"scripts":{"build":"tsc"}}`,
		"outside/Dockerfile":   "",
	}
	for name, content := range files {
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(tmp, "outside", "evil.yaml"), filepath.Join(tmp, "ws2", ".msls.yaml")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	if err := os.Symlink(filepath.Join(tmp, "outside"), filepath.Join(tmp, "ws1", "linked")); err != nil {
		t.Fatal(err)
	}
	fileURI := func(rel string) string {
		return "file://" + filepath.ToSlash(filepath.Join(tmp, filepath.FromSlash(rel)))
	}
	var folders []map[string]string
	for _, ws := range []string{"ws1", "ws2", "ws3"} {
		folders = append(folders, map[string]string{"uri": fileURI(ws), "name": ws})
	}
	if _, e := c.request("initialize", map[string]any{"processId": nil, "capabilities": map[string]any{}, "workspaceFolders": folders}); e != nil {
		t.Fatalf("initialize: %+v", e)
	}
	c.notify("initialized", map[string]any{})

	const root = "FROM alpine\nRUN echo hi\n"
	const node = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\nRUN npm run build\nCMD [\"node\", \"dist/server.js\"]\n"
	rootFinal := func(uri string) (found bool, severity int) {
		for _, d := range c.waitDiagnostics(uri, 1).Diagnostics {
			if strings.Contains(string(d.Code), "RootFinalStage") {
				return true, d.Severity
			}
		}
		return false, 0
	}
	splitOffered := func(uri string) bool {
		m := c.requestRawParams("textDocument/codeAction", `{"textDocument":{"uri":"`+uri+`"},"range":{"start":{"line":0,"character":0},"end":{"line":6,"character":0}},"context":{"diagnostics":[],"only":["refactor"]}}`)
		return strings.Contains(string(m.Result), "multi-stage")
	}
	for _, tc := range []struct{ rel, text, what string }{
		{"ws1/Dockerfile", root, "a .msls.yaml above the workspace folder"},
		{"ws2/Dockerfile", root, "a .msls.yaml symlinked to a file outside the workspace"},
		{"outside/Dockerfile", node, "a .msls.yaml beside a document outside every workspace folder"},
		{"ws1/linked/Dockerfile", node, "a .msls.yaml in a directory symlinked into the workspace from outside"},
	} {
		uri := fileURI(tc.rel)
		c.open(uri, tc.text, 1)
		if found, _ := rootFinal(uri); !found {
			t.Errorf("%s: RootFinalStage was silenced by %s: the server read it", tc.rel, tc.what)
		}
		if tc.text == node && !splitOffered(uri) {
			t.Errorf("%s: the split was not offered: the server read outside/package.json as the build context", tc.rel)
		}
	}
	uri := fileURI("ws3/sub/Dockerfile")
	c.open(uri, root, 1)
	if found, severity := rootFinal(uri); !found || severity != 1 {
		t.Errorf("ws3/sub/Dockerfile: RootFinalStage found=%v severity=%d, want an error from ws3/.msls.yaml", found, severity)
	}
}
