package codeactions

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/msls-dev/msls/dockerfile"
)

const pythonApp = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD python app.py\n"

// Two links back to the folder itself made the include walk follow
// a/requirements.txt, a/a/requirements.txt, a/b/requirements.txt, ... for
// ever (the names never repeat, the file always does).
func TestSplitIncludeLinksToItself(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte("-r a/requirements.txt\n-r b/requirements.txt\n-c base.txt\nflask\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "base.txt"), []byte("--requirement requirements.txt\nclick\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "app.py"), []byte("print(1)\n"), 0o644)
	os.Symlink(".", filepath.Join(dir, "a"))
	os.Symlink(".", filepath.Join(dir, "b"))
	c := NewDirContext(dir)
	if c == nil {
		t.Fatal("no context")
	}
	defer CloseContext(c)

	type result struct {
		ed dockerfile.Edit
		ok bool
	}
	done := make(chan result, 1)
	go func() {
		ed, ok := Split(dockerfile.Parse([]byte(pythonApp)), c)
		done <- result{ed, ok}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(2 * time.Minute): // a hang guard, not a speed assertion
		t.Fatal("the split did not return")
	}
	if !r.ok {
		t.Fatalf("split refused: %s", SplitRefusal(dockerfile.Parse([]byte(pythonApp)), c))
	}
	// Every file is read once; each include named is copied once.
	text := r.ed.NewText
	for _, want := range []string{"COPY requirements.txt base.txt ./\n", "COPY a/requirements.txt a/requirements.txt\n", "COPY b/requirements.txt b/requirements.txt\n"} {
		if strings.Count(text, want) != 1 {
			t.Errorf("want %q once in\n%s", want, text)
		}
	}
	if strings.Contains(text, "a/a/") || strings.Contains(text, "a/b/") || strings.Contains(text, "b/a/") {
		t.Errorf("the walk followed names of the same file:\n%s", text)
	}
}

func TestActionsHonourCancellation(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte("flask\n"), 0o644)
	c := NewDirContext(dir)
	defer CloseContext(c)
	f := dockerfile.Parse([]byte(pythonApp))
	req := Request{File: f, Context: c, Only: []Kind{KindRefactorRewrite}}
	if acts := Actions(req); len(acts) != 1 {
		t.Fatalf("not cancelled: %d actions, want the split", len(acts))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req.Ctx = ctx
	if acts := Actions(req); len(acts) != 0 {
		t.Fatalf("cancelled request still computed %d actions", len(acts))
	}
}

func TestDirContextStaysInside(t *testing.T) {
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "package.json"), []byte(`{}`), 0o644)
	dir := t.TempDir()
	os.Symlink(filepath.Join(outside, "package.json"), filepath.Join(dir, "package.json"))
	os.Symlink(outside, filepath.Join(dir, "up"))
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module x\n"), 0o644)
	c := NewDirContext(dir)
	defer CloseContext(c)
	for _, rel := range []string{"package.json", "up/package.json", "../" + filepath.Base(outside) + "/package.json"} {
		if c.Exists(rel) {
			t.Errorf("%s exists outside", rel)
		}
		if b, err := c.ReadFile(rel); err == nil {
			t.Errorf("%s read from outside: %q", rel, b)
		}
	}
	if b, err := c.ReadFile("go.mod"); err != nil || string(b) != "module x\n" {
		t.Errorf("go.mod: %q %v", b, err)
	}
	if !c.Exists(".") || !c.Exists("go.mod") {
		t.Error("the folder and go.mod should exist")
	}
}
