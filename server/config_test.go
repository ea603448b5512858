package server

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
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

func TestConfigFileNextToDocument(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ".msls.yaml"), []byte("rules:\n  RootFinalStage: off\n"), 0o644)
	uri := "file://" + filepath.ToSlash(filepath.Join(dir, "Dockerfile"))
	c := startPipe(t, `{"capabilities":{}}`)
	c.open(uri, rootDockerfile, 1)
	if got := codesOf(c.publishFor(uri, 1)); strings.Contains(got, "RootFinalStage") {
		t.Errorf(".msls.yaml ignored: %s", got)
	}
}
