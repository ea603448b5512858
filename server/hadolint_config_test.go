package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// With no .msls.yaml in the workspace, the server reads .hadolint.yaml the
// same way (its ids, its override turning on a rule that is off by
// default); a .msls.yaml, once there, wins.
func TestHadolintConfigInWorkspace(t *testing.T) {
	ws := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(ws, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(".hadolint.yaml", "ignored: [DL3002]\noverride:\n  warning: [DL3057]\n")
	uri := "file://" + filepath.ToSlash(filepath.Join(ws, "Dockerfile"))
	init := `{"capabilities":{},"rootUri":"file://` + filepath.ToSlash(ws) + `"}`
	c := startPipe(t, init)
	c.open(uri, rootDockerfile, 1)
	got := codesOf(c.publishFor(uri, 1))
	if strings.Contains(got, "RootFinalStage") || !strings.Contains(got, "NoHealthcheck") {
		t.Errorf(".hadolint.yaml not applied: %s", got)
	}

	write(".msls.yaml", "rules: {}\n")
	c2 := startPipe(t, init)
	c2.open(uri, rootDockerfile, 1)
	got = codesOf(c2.publishFor(uri, 1))
	if !strings.Contains(got, "RootFinalStage") || strings.Contains(got, "NoHealthcheck") {
		t.Errorf(".msls.yaml does not win over .hadolint.yaml: %s", got)
	}
}
