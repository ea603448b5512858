package server

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

// TestCodeActionSplitAndFixes drives textDocument/codeAction over the wire on
// a file:// document whose directory, inside the workspace folder, holds the
// build context: the split refactor, the CacheBustingCopy quick fix
// (attached to its diagnostic) and the ignore actions come back with edits
// on the document. The same build context beside a document outside the
// workspace is not read.
func TestCodeActionSplitAndFixes(t *testing.T) {
	tmp := t.TempDir()
	dir, outside := filepath.Join(tmp, "ws"), filepath.Join(tmp, "outside")
	text := "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\nRUN npm run build\nCMD [\"node\", \"dist/server.js\"]\n"
	for _, d := range []string{dir, outside} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, body := range map[string]string{"Dockerfile": text, "package.json": `{"scripts":{"build":"tsc"}}`, "package-lock.json": "{}"} {
			if err := os.WriteFile(filepath.Join(d, name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	uri := "file://" + filepath.ToSlash(filepath.Join(dir, "Dockerfile"))
	c := startNavRoot(t, `{"textDocument":{"codeAction":{"codeActionLiteralSupport":{"codeActionKind":{"valueSet":["quickfix","refactor","source"]}}}}}`,
		"file://"+filepath.ToSlash(dir))
	c.openURI(uri, text)

	var acts []protocol.CodeAction
	params := map[string]any{
		"textDocument": map[string]string{"uri": uri},
		"range":        protocol.Range{Start: protocol.Position{Line: 2}, End: protocol.Position{Line: 2, Character: 3}},
		"context":      map[string]any{"diagnostics": []any{}},
	}
	if e := c.call("textDocument/codeAction", params, &acts); e != nil {
		t.Fatalf("codeAction: %v", e)
	}
	byTitle := map[string]protocol.CodeAction{}
	for _, a := range acts {
		byTitle[a.Title] = a
	}
	split, ok := byTitle["Split into multi-stage build (deps → builder → runner)"]
	if !ok || split.Kind != "refactor.rewrite" {
		t.Fatalf("no split refactor among %v", titles(acts))
	}
	edits := split.Edit.Changes[protocol.DocumentURI(uri)]
	if len(edits) != 1 || !strings.Contains(edits[0].NewText, "COPY package.json package-lock.json ./") {
		t.Fatalf("split edit does not use the context's lockfile: %+v", edits)
	}
	fix, ok := byTitle["Copy dependency manifests first"]
	if !ok || fix.Kind != protocol.QuickFix || !fix.IsPreferred || len(fix.Diagnostics) != 1 || fix.Diagnostics[0].Code != "CacheBustingCopy" {
		t.Fatalf("no preferred CacheBustingCopy quick fix among %v", titles(acts))
	}
	if _, ok := byTitle["Ignore CacheBustingCopy for this instruction"]; !ok {
		t.Fatalf("no ignore action among %v", titles(acts))
	}

	// Outside the workspace the context is unknown: the split goes by the
	// Dockerfile alone (package*.json), without the lockfile beside it.
	outURI := "file://" + filepath.ToSlash(filepath.Join(outside, "Dockerfile"))
	c.openURI(outURI, text)
	outParams := map[string]any{"textDocument": map[string]string{"uri": outURI}, "range": params["range"],
		"context": map[string]any{"diagnostics": []any{}, "only": []string{"refactor"}}}
	var outActs []protocol.CodeAction
	if e := c.call("textDocument/codeAction", outParams, &outActs); e != nil {
		t.Fatalf("codeAction outside: %v", e)
	}
	if len(outActs) != 1 || !strings.Contains(outActs[0].Edit.Changes[protocol.DocumentURI(outURI)][0].NewText, "COPY package*.json ./") {
		t.Fatalf("outside the workspace, the split should ignore the files beside the document: %+v", outActs)
	}

	// Only source.fixAll: one action, the safe fixes only.
	params["context"] = map[string]any{"diagnostics": []any{}, "only": []string{"source.fixAll"}}
	acts = nil
	if e := c.call("textDocument/codeAction", params, &acts); e != nil {
		t.Fatalf("codeAction fixAll: %v", e)
	}
	if len(acts) != 1 || !strings.HasPrefix(string(acts[0].Kind), "source.fixAll") {
		t.Fatalf("fixAll: got %v", titles(acts))
	}

	// Bad params answer InvalidParams and the server stays up.
	if e := c.call("textDocument/codeAction", json.RawMessage(`{"textDocument":5}`), nil); e == nil || e.Code != -32602 {
		t.Fatalf("bad params: %v", e)
	}
}

func titles(acts []protocol.CodeAction) []string {
	var out []string
	for _, a := range acts {
		out = append(out, a.Title)
	}
	return out
}

// Issue 16 item 1 through the server: requirements including
// a/requirements.txt and b/requirements.txt, with a -> . and b -> ., made
// the split's include walk run for ever (one spinning goroutine per
// request). The walk now goes by file identity; the answer comes back
// with each named include copied once.
func TestCodeActionIncludeLoop(t *testing.T) {
	dir := t.TempDir()
	text := "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD python app.py\n"
	os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(text), 0o644)
	os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte("-r a/requirements.txt\n-r b/requirements.txt\nflask\n"), 0o644)
	if err := os.Symlink(".", filepath.Join(dir, "a")); err != nil {
		t.Skip(err)
	}
	os.Symlink(".", filepath.Join(dir, "b"))
	uri := "file://" + filepath.ToSlash(filepath.Join(dir, "Dockerfile"))
	c := startNavRoot(t, `{"textDocument":{"codeAction":{"codeActionLiteralSupport":{"codeActionKind":{"valueSet":["refactor"]}}}}}`,
		"file://"+filepath.ToSlash(dir))
	c.openURI(uri, text)
	var acts []protocol.CodeAction
	params := map[string]any{"textDocument": map[string]string{"uri": uri}, "range": protocol.Range{},
		"context": map[string]any{"diagnostics": []any{}, "only": []string{"refactor"}}}
	if e := c.call("textDocument/codeAction", params, &acts); e != nil {
		t.Fatalf("codeAction: %v", e)
	}
	if len(acts) != 1 {
		t.Fatalf("want the split, got %v", titles(acts))
	}
	nt := acts[0].Edit.Changes[protocol.DocumentURI(uri)][0].NewText
	if !strings.Contains(nt, "COPY a/requirements.txt a/requirements.txt\n") || strings.Contains(nt, "a/a/") {
		t.Fatalf("split text:\n%s", nt)
	}
}
