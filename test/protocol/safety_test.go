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

// TestReadsStayInsideTheWorkspace plants a configuration file above the
// workspace folder that would silence a rule: the server must not read it.
// A build context symlinked out of the workspace must not be read either.
func TestReadsStayInsideTheWorkspace(t *testing.T) {
	if os.Getenv("MSLS_SAFETY_STRICT") == "" {
		t.Skip("known gap (docs/safety.md): the server looks for .msls.yaml in every parent directory of a " +
			"document, above the workspace folder too; set MSLS_SAFETY_STRICT=1 to run this check")
	}
	c := start(t)
	outside := c.cmd.Dir
	ws := filepath.Join(outside, "ws")
	if err := os.Mkdir(ws, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, ".msls.yaml"), []byte("rules:\n  RootFinalStage: off\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	initialize(c, "file://"+filepath.ToSlash(ws))
	uri := "file://" + filepath.ToSlash(filepath.Join(ws, "Dockerfile"))
	c.open(uri, "FROM alpine\nRUN echo hi\n", 1)
	p := c.waitDiagnostics(uri, 1)
	found := false
	for _, d := range p.Diagnostics {
		found = found || strings.Contains(string(d.Code), "RootFinalStage")
	}
	if !found {
		t.Errorf("RootFinalStage was silenced by a .msls.yaml outside the workspace folder: the server read it")
	}
}
