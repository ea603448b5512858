package server

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func codesOf(p publishParams) string {
	var codes []string
	for _, d := range p.Diagnostics {
		codes = append(codes, fmt.Sprint(d.Code))
	}
	return strings.Join(codes, ",")
}

const rootDockerfile = "FROM alpine:3.20\nCMD [\"sh\"]\n"

func TestConfigFromInitializationOptions(t *testing.T) {
	c := startPipe(t, `{"capabilities":{},"initializationOptions":{"rules":{"RootFinalStage":"off"}}}`)
	c.open("untitled:a", rootDockerfile, 1)
	if got := codesOf(c.publishFor("untitled:a", 1)); strings.Contains(got, "RootFinalStage") {
		t.Errorf("RootFinalStage published although disabled: %s", got)
	}
}

func TestConfigDidChangeAndInvalid(t *testing.T) {
	c := startPipe(t, `{"capabilities":{}}`)
	c.open("untitled:b", rootDockerfile, 1)
	if got := codesOf(c.publishFor("untitled:b", 1)); !strings.Contains(got, "RootFinalStage") {
		t.Fatalf("RootFinalStage missing by default: %s", got)
	}
	c.sendRaw(`{"jsonrpc":"2.0","method":"workspace/didChangeConfiguration","params":{"settings":{"msls":{"rules":{"RootFinalStage":"error"}}}}}`)
	p := c.publishFor("untitled:b", 1)
	found := false
	for _, d := range p.Diagnostics {
		if fmt.Sprint(d.Code) == "RootFinalStage" {
			found = true
			if d.Severity != 1 {
				t.Errorf("severity %v, want error", d.Severity)
			}
		}
	}
	if !found {
		t.Fatalf("RootFinalStage missing after severity override")
	}
	c.sendRaw(`{"jsonrpc":"2.0","method":"workspace/didChangeConfiguration","params":{"settings":{"msls":{"rules":{"RootFinalStag":"off"}}}}}`)
	m := c.wait("showMessage", func(m message) bool { return m.Method == "window/showMessage" })
	var sm struct {
		Type    int    `json:"type"`
		Message string `json:"message"`
	}
	json.Unmarshal(m.Params, &sm)
	if sm.Type != 1 || !strings.Contains(sm.Message, `unknown rule "RootFinalStag"`) {
		t.Errorf("showMessage = %+v", sm)
	}
}

// A .msls.yaml is read from the document's directory up to the workspace
// folder holding it (given as workspaceFolders, rootUri or rootPath), and
// never above it or for a document in no folder.
func TestConfigFileInWorkspace(t *testing.T) {
	tmp := t.TempDir()
	ws := filepath.Join(tmp, "ws")
	if err := os.MkdirAll(filepath.Join(ws, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(p, content string) {
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(tmp, ".msls.yaml"), "rules:\n  RootFinalStage: off\n") // above the workspace
	write(filepath.Join(ws, ".msls.yaml"), "rules:\n  RootFinalStage: error\n")
	wsURI := "file://" + filepath.ToSlash(ws)
	uri := "file://" + filepath.ToSlash(filepath.Join(ws, "sub", "Dockerfile"))
	severity := func(p publishParams) int {
		for _, d := range p.Diagnostics {
			if fmt.Sprint(d.Code) == "RootFinalStage" {
				return int(d.Severity)
			}
		}
		return 0
	}
	for _, tc := range []struct {
		name, init string
		want       int // RootFinalStage's severity; 2 (warning) is the default
	}{
		{"workspaceFolders", `{"capabilities":{},"workspaceFolders":[{"uri":"` + wsURI + `","name":"ws"}]}`, 1},
		{"rootUri", `{"capabilities":{},"rootUri":"` + wsURI + `"}`, 1},
		{"rootPath", `{"capabilities":{},"rootPath":` + strconv.Quote(ws) + `}`, 1},
		{"no workspace", `{"capabilities":{}}`, 2},
		{"another folder", `{"capabilities":{},"workspaceFolders":[{"uri":"file://` + filepath.ToSlash(filepath.Join(tmp, "other")) + `","name":"o"}]}`, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := startPipe(t, tc.init)
			c.open(uri, rootDockerfile, 1)
			if got := severity(c.publishFor(uri, 1)); got != tc.want {
				t.Errorf("RootFinalStage severity %d, want %d", got, tc.want)
			}
		})
	}
}

// Adding a workspace folder makes its configuration apply to open documents.
func TestConfigFollowsWorkspaceFolders(t *testing.T) {
	ws := t.TempDir()
	if err := os.WriteFile(filepath.Join(ws, ".msls.yaml"), []byte("rules:\n  RootFinalStage: off\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	uri := "file://" + filepath.ToSlash(filepath.Join(ws, "Dockerfile"))
	c := startPipe(t, `{"capabilities":{}}`)
	c.open(uri, rootDockerfile, 1)
	if got := codesOf(c.publishFor(uri, 1)); !strings.Contains(got, "RootFinalStage") {
		t.Fatalf("outside every folder, the .msls.yaml was read: %s", got)
	}
	c.sendRaw(`{"jsonrpc":"2.0","method":"workspace/didChangeWorkspaceFolders","params":{"event":{"added":[{"uri":"file://` + filepath.ToSlash(ws) + `","name":"ws"}],"removed":[]}}}`)
	if got := codesOf(c.publishFor(uri, 1)); strings.Contains(got, "RootFinalStage") {
		t.Errorf("after adding the folder, its .msls.yaml is still ignored: %s", got)
	}
}
