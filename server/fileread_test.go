package server

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// Issue 16 item 7: .msls.yaml had no size limit (a 4 GiB file killed the
// server). Past safefs.MaxConfig it is refused with a message saying so,
// and the document still gets its diagnostics.
func TestConfigFileTooLarge(t *testing.T) {
	ws := t.TempDir()
	p := filepath.Join(ws, ".msls.yaml")
	if err := os.WriteFile(p, []byte("rules:\n  RootFinalStage: off\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(p, 64<<20); err != nil { // sparse: costs no disk
		t.Fatal(err)
	}
	wsURI := "file://" + filepath.ToSlash(ws)
	uri := wsURI + "/Dockerfile"
	c := startPipe(t, fmt.Sprintf(`{"capabilities":{},"workspaceFolders":[{"uri":%q,"name":"ws"}]}`, wsURI))
	c.open(uri, rootDockerfile, 1)
	m := c.wait("showMessage", func(m message) bool { return m.Method == "window/showMessage" })
	var sm struct {
		Message string `json:"message"`
	}
	json.Unmarshal(m.Params, &sm)
	if !strings.Contains(sm.Message, "over the 1048576-byte limit") {
		t.Errorf("showMessage %q does not say the file is too large", sm.Message)
	}
	c.waitRootFinal(uri, 2) // the defaults apply
}

// Issue 16 item 4: the symbolic-link check happened before the open, so a
// .msls.yaml swapped for a link to a file outside the workspace in between
// was read (101 times in 300). Reads now go through os.Root on the
// workspace folder: the outside file (which would make RootFinalStage an
// error) must never apply.
func TestConfigFileSwapRace(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 60
	}
	outside := filepath.Join(t.TempDir(), "evil.yaml")
	if err := os.WriteFile(outside, []byte("rules:\n  RootFinalStage: error\n# "+strings.Repeat("x", 100)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ws := t.TempDir()
	cfg := filepath.Join(ws, ".msls.yaml")
	inside := []byte("rules:\n  RootFinalStage: info\n")
	if err := os.WriteFile(cfg, inside, 0o644); err != nil {
		t.Fatal(err)
	}
	wsURI := "file://" + filepath.ToSlash(ws)
	uri := wsURI + "/Dockerfile"
	c := startPipe(t, fmt.Sprintf(`{"capabilities":{},"workspaceFolders":[{"uri":%q,"name":"ws"}]}`, wsURI))

	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tmpLink, tmpFile := cfg+".l", cfg+".f"
		for !stop.Load() {
			os.Remove(tmpLink)
			os.Symlink(outside, tmpLink)
			os.Rename(tmpLink, cfg) // now a link leaving the workspace
			os.WriteFile(tmpFile, inside, 0o644)
			os.Rename(tmpFile, cfg) // a regular file again
		}
	}()
	defer func() { stop.Store(true); wg.Wait() }()

	c.open(uri, rootDockerfile, 1)
	for v := 1; v <= n; v++ {
		if v > 1 {
			text, _ := json.Marshal(rootDockerfile + strings.Repeat("\n", v%2))
			c.sendRaw(fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":%q,"version":%d},"contentChanges":[{"text":%s}]}}`, uri, v, text))
		}
		for _, d := range c.publishFor(uri, int32(v)).Diagnostics {
			if fmt.Sprint(d.Code) == "RootFinalStage" && d.Severity == 1 {
				t.Fatalf("version %d: the configuration outside the workspace was read", v)
			}
		}
	}
}
