package protocol_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuildContextStaysInsideTheWorkspace: the build context (listing,
// ignore files, `context:` of .msls.yaml) is read only inside the workspace
// folder, through the real server. Planted: a .dockerignore that is a link
// to a file outside (it would exclude everything), a folder linked in from
// outside holding the file a COPY names, a source file that is a link out,
// and a `context: ../..` that climbs out of the folder. A control Dockerfile
// proves the context rules are on.
func TestBuildContextStaysInsideTheWorkspace(t *testing.T) {
	c := start(t)
	tmp := c.cmd.Dir
	files := map[string]string{
		"outside/ignore":        "*\n",
		"outside/data.txt":      "",
		"outside/secret.txt":    "",
		"outside/present.txt":   "",
		"ws/Dockerfile":         "",
		"ws/real.txt":           "",
		"ws/sub/.msls.yaml":     "context: ../..\n",
		"ws/sub/Dockerfile":     "",
		"ws/control/Dockerfile": "",
		"ws/control/here.txt":   "",
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
	for link, target := range map[string]string{"ws/.dockerignore": "outside/ignore", "ws/linked": "outside", "ws/secret.txt": "outside/secret.txt"} {
		if err := os.Symlink(filepath.Join(tmp, filepath.FromSlash(target)), filepath.Join(tmp, filepath.FromSlash(link))); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	fileURI := func(rel string) string {
		return "file://" + filepath.ToSlash(filepath.Join(tmp, filepath.FromSlash(rel)))
	}
	if _, e := c.request("initialize", map[string]any{"processId": nil, "capabilities": map[string]any{},
		"workspaceFolders": []map[string]string{{"uri": fileURI("ws"), "name": "ws"}}}); e != nil {
		t.Fatalf("initialize: %+v", e)
	}
	c.notify("initialized", map[string]any{})
	codes := func(uri string) string {
		var out []string
		for _, d := range c.waitDiagnostics(uri, 1).Diagnostics {
			out = append(out, strings.Trim(string(d.Code), `"`)+" "+d.Message)
		}
		return strings.Join(out, "\n")
	}

	control := fileURI("ws/control/Dockerfile")
	// (here.txt shows the folder is the control's context: a missing
	// source is reported only then)
	c.open(control, "FROM alpine\nCOPY here.txt /\nCOPY absent.txt /\n", 1)
	if got := codes(control); !strings.Contains(got, "CopySourceNotFound") {
		t.Fatalf("control: the context rules are off:\n%s", got)
	}

	main := fileURI("ws/Dockerfile")
	text := "FROM alpine\nCOPY real.txt /\nCOPY linked/absent.txt /\nCOPY secret.txt /\n"
	c.open(main, text, 1)
	got := codes(main)
	if strings.Contains(got, "CopyIgnoredFile") {
		t.Errorf("the .dockerignore linked from outside was read:\n%s", got)
	}
	if strings.Contains(got, "CopySourceNotFound") {
		t.Errorf("the folder linked from outside was listed (absent.txt judged missing):\n%s", got)
	}
	links, e := c.request("textDocument/documentLink", map[string]any{"textDocument": map[string]string{"uri": main}})
	if e != nil {
		t.Fatal(e)
	}
	if strings.Contains(string(links), "secret.txt") || strings.Contains(string(links), "outside") || !strings.Contains(string(links), "real.txt") {
		t.Errorf("links: %s", links)
	}

	sub := fileURI("ws/sub/Dockerfile")
	c.open(sub, "FROM alpine\nCOPY present.txt /\nCOPY absent.txt /\n", 1)
	if got := codes(sub); strings.Contains(got, "CopySourceNotFound") || strings.Contains(got, "CopyIgnoredFile") {
		t.Errorf("`context: ../..` leaving the workspace was read:\n%s", got)
	}
}
