package server

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// rootFinalSeverity waits for diagnostics of uri in which RootFinalStage
// has severity want (0: absent).
func (c *pipeClient) waitRootFinal(uri string, want int) {
	c.t.Helper()
	c.wait(fmt.Sprintf("RootFinalStage at severity %d", want), func(m message) bool {
		if m.Method != "textDocument/publishDiagnostics" {
			return false
		}
		var q publishParams
		if json.Unmarshal(m.Params, &q) != nil || string(q.URI) != uri {
			return false
		}
		got := 0
		for _, d := range q.Diagnostics {
			if fmt.Sprint(d.Code) == "RootFinalStage" {
				got = int(d.Severity)
			}
		}
		return got == want
	})
}

// answerConfig waits for the server's workspace/configuration request and
// answers it with section.
func (c *pipeClient) answerConfig(section string) {
	c.t.Helper()
	req := c.wait("workspace/configuration request", func(m message) bool { return m.Method == "workspace/configuration" })
	c.sendRaw(fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"result":[%s]}`, req.ID, section))
}

// Issue 16 item 16. Precedence, lowest first: defaults <
// initializationOptions < workspace settings (an empty answer sets nothing)
// < .msls.yaml. A client answering workspace/configuration with {} used to
// wipe out the initializationOptions.
func TestSettingsPrecedence(t *testing.T) {
	ws := t.TempDir()
	wsURI := "file://" + filepath.ToSlash(ws)
	uri := wsURI + "/Dockerfile"
	c := startPipe(t, fmt.Sprintf(`{"capabilities":{"workspace":{"configuration":true}},"workspaceFolders":[{"uri":%q,"name":"ws"}],"initializationOptions":{"rules":{"RootFinalStage":"off"}}}`, wsURI))
	c.answerConfig(`{}`)
	c.open(uri, rootDockerfile, 1)
	c.waitRootFinal(uri, 0) // initializationOptions: off

	// a non-empty answer overrides initializationOptions
	c.sendRaw(`{"jsonrpc":"2.0","method":"workspace/didChangeConfiguration","params":{"settings":null}}`)
	c.answerConfig(`{"rules":{"RootFinalStage":"error"}}`)
	c.waitRootFinal(uri, 1)

	// null, then {}: the workspace layer is empty again, initializationOptions rule
	c.sendRaw(`{"jsonrpc":"2.0","method":"workspace/didChangeConfiguration","params":{"settings":null}}`)
	c.answerConfig(`{}`)
	c.waitRootFinal(uri, 0)

	// .msls.yaml wins over both
	if err := os.WriteFile(filepath.Join(ws, ".msls.yaml"), []byte("rules:\n  RootFinalStage: info\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c.sendRaw(`{"jsonrpc":"2.0","method":"workspace/didChangeConfiguration","params":{"settings":null}}`)
	c.answerConfig(`{"rules":{"RootFinalStage":"error"}}`)
	c.waitRootFinal(uri, 3)
}

// Without workspace/configuration, didChangeConfiguration settings sit
// above initializationOptions in the same way.
func TestSettingsPrecedencePush(t *testing.T) {
	c := startPipe(t, `{"capabilities":{},"initializationOptions":{"msls":{"rules":{"RootFinalStage":"off","JSONArgsRecommended":"error"}}}}`)
	c.open("untitled:p", rootDockerfile, 1)
	c.waitRootFinal("untitled:p", 0)
	c.sendRaw(`{"jsonrpc":"2.0","method":"workspace/didChangeConfiguration","params":{"settings":{"msls":{"rules":{"RootFinalStage":"hint"}}}}}`)
	c.waitRootFinal("untitled:p", 4)
	c.sendRaw(`{"jsonrpc":"2.0","method":"workspace/didChangeConfiguration","params":{"settings":{"msls":{}}}}`)
	c.waitRootFinal("untitled:p", 0)
}
