package server

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/msls-dev/msls/internal/safefs"
)

var updateTargets = flag.Bool("update-targets", false, "rewrite testdata/targets golden files")

// A small repository: one multi-stage Dockerfile built from compose, bake,
// a workflow and a Makefile.
var targetsRepo = map[string]string{
	"Dockerfile":                    "FROM golang:1.23 AS build\nRUN go build -o /app .\n\nFROM build AS test\nRUN go test ./...\n\nFROM gcr.io/distroless/static AS prod\nCOPY --from=build /app /app\n",
	"compose.yaml":                  "services:\n  api:\n    build:\n      context: .\n      target: prod\n  tests:\n    build:\n      context: .\n      target: \"test\"\n  other:\n    build:\n      context: ./other\n      target: prod\n",
	"docker-bake.hcl":               "target \"default\" {\n  target = \"prod\"\n}\n\ntarget \"ci\" {\n  target = \"test\"\n}\n",
	".github/workflows/release.yml": "on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          target: prod\n",
	"Makefile":                      "image:\n\tdocker build --target prod -t app .\n",
	"other/Dockerfile":              "FROM alpine AS prod\n",
	"node_modules/pkg/compose.yaml": "services:\n  x:\n    build:\n      context: ../..\n      target: prod\n",
}

func writeRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	ws := t.TempDir()
	if real, err := filepath.EvalSymlinks(ws); err == nil {
		ws = real
	}
	for name, text := range files {
		p := filepath.Join(ws, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return ws
}

func fileURI(ws, name string) string { return "file://" + filepath.ToSlash(filepath.Join(ws, name)) }

// request sends a request over the wire and decodes its result.
func (c *pipeClient) request(method string, params, out any) *Error {
	c.t.Helper()
	id := fmt.Sprintf("%q", fmt.Sprintf("r%d", time.Now().UnixNano()))
	b, _ := json.Marshal(params)
	c.sendRaw(fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"method":%q,"params":%s}`, id, method, b))
	m := c.wait(method+" reply", func(m message) bool { return string(m.ID) == id })
	if m.Error != nil {
		return m.Error
	}
	if out != nil && len(m.Result) > 0 {
		if err := json.Unmarshal(m.Result, out); err != nil {
			c.t.Fatalf("%s: %v in %s", method, err, m.Result)
		}
	}
	return nil
}

func (c *pipeClient) openAs(uri, lang, text string) {
	b, _ := json.Marshal(text)
	c.sendRaw(fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":%q,"languageId":%q,"version":1,"text":%s}}}`, uri, lang, b))
}

// startTargets starts a session on ws with caps, opens its Dockerfile and
// waits for the build-target index.
func startTargets(t *testing.T, ws, caps string) *pipeClient {
	t.Helper()
	c := startPipe(t, `{"capabilities":`+caps+`,"rootUri":"file://`+filepath.ToSlash(ws)+`"}`)
	c.open(fileURI(ws, "Dockerfile"), targetsRepo["Dockerfile"], 1)
	select {
	case <-c.srv.tindex().built:
	case <-time.After(30 * time.Second): // a hang guard
		t.Fatal("the index was not built")
	}
	return c
}

func pos(line, char int) map[string]any {
	return map[string]any{"line": line, "character": char}
}

func locStrings(ws string, locs []protocol.Location) []string {
	var out []string
	for _, l := range locs {
		out = append(out, fmt.Sprintf("%s:%d:%d-%d", strings.TrimPrefix(string(l.URI), "file://"+filepath.ToSlash(ws)+"/"),
			l.Range.Start.Line+1, l.Range.Start.Character+1, l.Range.End.Character+1))
	}
	sort.Strings(out)
	return out
}

func TestStageReferencesIncludeTargets(t *testing.T) {
	ws := writeRepo(t, targetsRepo)
	c := startTargets(t, ws, `{}`)
	var locs []protocol.Location
	// on `prod` of `FROM gcr.io/distroless/static AS prod` (line 7)
	if e := c.request("textDocument/references", map[string]any{"textDocument": map[string]any{"uri": fileURI(ws, "Dockerfile")},
		"position": pos(6, 35), "context": map[string]any{"includeDeclaration": true}}, &locs); e != nil {
		t.Fatal(e)
	}
	got := strings.Join(locStrings(ws, locs), "\n")
	// not other/compose's target (another Dockerfile), not node_modules
	want := strings.Join([]string{
		".github/workflows/release.yml:8:19-23",
		"Dockerfile:7:34-38",
		"Makefile:2:24-28",
		"compose.yaml:5:15-19",
		"docker-bake.hcl:2:13-17",
	}, "\n")
	if got != want {
		t.Errorf("references:\n%s\nwant:\n%s", got, want)
	}
	var h protocol.Hover
	if e := c.request("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": fileURI(ws, "Dockerfile")}, "position": pos(6, 35)}, &h); e != nil {
		t.Fatal(e)
	}
	for _, s := range []string{"compose: service api", "bake: target default", "make: image", "workflow: image: step 1"} {
		if !strings.Contains(h.Contents.Value, s) {
			t.Errorf("hover does not say %q:\n%s", s, h.Contents.Value)
		}
	}
}

// applyEdits applies LSP edits (single-line ranges, as renames make) to text.
func applyEdits(t *testing.T, text string, edits []protocol.TextEdit) string {
	lines := strings.SplitAfter(text, "\n")
	sort.Slice(edits, func(i, j int) bool {
		a, b := edits[i].Range.Start, edits[j].Range.Start
		return a.Line > b.Line || (a.Line == b.Line && a.Character > b.Character)
	})
	for _, e := range edits {
		if e.Range.Start.Line != e.Range.End.Line {
			t.Fatalf("multi-line edit %v", e)
		}
		l := lines[e.Range.Start.Line]
		lines[e.Range.Start.Line] = l[:e.Range.Start.Character] + e.NewText + l[e.Range.End.Character:]
	}
	return strings.Join(lines, "")
}

// TestRenameStageAcrossFiles renames `prod` with and without documentChanges
// support; both must edit the same places, compared with a golden file of
// the edited files.
func TestRenameStageAcrossFiles(t *testing.T) {
	for _, tc := range []struct {
		name, caps string
		annotated  bool
	}{
		{"changes", `{}`, false},
		{"annotated", `{"workspace":{"workspaceEdit":{"documentChanges":true,"changeAnnotationSupport":{"groupsOnLabel":true}}}}`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws := writeRepo(t, targetsRepo)
			c := startTargets(t, ws, tc.caps)
			var raw json.RawMessage
			if e := c.request("textDocument/rename", map[string]any{"textDocument": map[string]any{"uri": fileURI(ws, "Dockerfile")},
				"position": pos(6, 36), "newName": "runtime"}, &raw); e != nil {
				t.Fatal(e)
			}
			var we struct {
				Changes         map[string][]protocol.TextEdit `json:"changes"`
				DocumentChanges []struct {
					TextDocument struct {
						URI     string `json:"uri"`
						Version *int32 `json:"version"`
					} `json:"textDocument"`
					Edits []struct {
						protocol.TextEdit
						AnnotationID string `json:"annotationId"`
					} `json:"edits"`
				} `json:"documentChanges"`
				ChangeAnnotations map[string]json.RawMessage `json:"changeAnnotations"`
			}
			if err := json.Unmarshal(raw, &we); err != nil {
				t.Fatal(err)
			}
			edits := we.Changes
			if tc.annotated {
				if we.Changes != nil || len(we.ChangeAnnotations) != 1 {
					t.Fatalf("want documentChanges with one annotation, got %s", raw)
				}
				edits = map[string][]protocol.TextEdit{}
				for _, dc := range we.DocumentChanges {
					for _, e := range dc.Edits {
						isDockerfile := dc.TextDocument.URI == fileURI(ws, "Dockerfile")
						if isDockerfile != (e.AnnotationID == "") {
							t.Errorf("%s: annotation %q", dc.TextDocument.URI, e.AnnotationID)
						}
						if isDockerfile && (dc.TextDocument.Version == nil || *dc.TextDocument.Version != 1) {
							t.Errorf("the open Dockerfile's edit has no version")
						}
						edits[dc.TextDocument.URI] = append(edits[dc.TextDocument.URI], e.TextEdit)
					}
				}
			}
			var uris []string
			for u := range edits {
				uris = append(uris, u)
			}
			sort.Strings(uris)
			var b strings.Builder
			for _, u := range uris {
				name := strings.TrimPrefix(u, "file://"+filepath.ToSlash(ws)+"/")
				fmt.Fprintf(&b, "=== %s\n%s", name, applyEdits(t, targetsRepo[name], edits[u]))
			}
			golden := filepath.Join("testdata", "targets", "rename.golden")
			if *updateTargets && !tc.annotated {
				if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if b.String() != string(want) {
				t.Errorf("renamed files:\n%s\nwant:\n%s", b.String(), want)
			}
		})
	}
}

func TestComposeDocument(t *testing.T) {
	ws := writeRepo(t, targetsRepo)
	c := startTargets(t, ws, `{}`)
	uri := fileURI(ws, "compose.yaml")
	text := "services:\n  api:\n    build:\n      context: .\n      target: prd\n  tests:\n    build:\n      target: test\n"
	c.openAs(uri, "dockercompose", text)
	p := c.publishFor(uri, 1)
	if len(p.Diagnostics) != 1 || p.Diagnostics[0].Code != "UnknownBuildTarget" || p.Diagnostics[0].Range.Start.Line != 4 ||
		!strings.Contains(p.Diagnostics[0].Message, `did you mean "prod"`) {
		t.Fatalf("diagnostics: %+v", p.Diagnostics)
	}
	// completion on the value
	var list protocol.CompletionList
	if e := c.request("textDocument/completion", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": pos(4, 16)}, &list); e != nil {
		t.Fatal(e)
	}
	var labels []string
	for _, it := range list.Items {
		labels = append(labels, it.Label)
		if it.TextEdit == nil || it.TextEdit.Range.Start.Character != 14 || it.TextEdit.Range.End.Character != 17 {
			t.Errorf("%s: edit %+v does not replace the value", it.Label, it.TextEdit)
		}
	}
	if strings.Join(labels, ",") != "build,test,prod" {
		t.Errorf("completion: %v", labels)
	}
	// definition of `test` goes to the FROM line
	var locs []protocol.Location
	if e := c.request("textDocument/definition", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": pos(7, 16)}, &locs); e != nil {
		t.Fatal(e)
	}
	if got := strings.Join(locStrings(ws, locs), ","); got != "Dockerfile:4:15-19" {
		t.Errorf("definition: %s", got)
	}
	// Dockerfile features stay away from the compose file
	var h json.RawMessage
	if e := c.request("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": pos(4, 16)}, &h); e != nil || string(h) != "null" {
		t.Errorf("hover on compose: %s %v", h, e)
	}
}

// Other YAML is not taken at all: no diagnostics, no completion.
func TestOtherYAMLIgnored(t *testing.T) {
	ws := writeRepo(t, targetsRepo)
	c := startTargets(t, ws, `{}`)
	uri := fileURI(ws, "values.yaml")
	c.openAs(uri, "yaml", "target: prd\nFROM: x\n")
	var res json.RawMessage
	if e := c.request("textDocument/completion", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": pos(0, 9)}, &res); e != nil || string(res) != "null" {
		t.Errorf("completion on other YAML: %s %v", res, e)
	}
	if _, ok := c.srv.Latest(protocol.DocumentURI(uri)); ok {
		t.Error("other YAML was taken as a document")
	}
	for _, m := range c.held {
		if m.Method == "textDocument/publishDiagnostics" && strings.Contains(string(m.Params), "values.yaml") {
			t.Errorf("diagnostics published for other YAML: %s", m.Params)
		}
	}
}

// A compose file created on disk is indexed after the client's
// didChangeWatchedFiles.
func TestWatchedComposeFile(t *testing.T) {
	ws := writeRepo(t, targetsRepo)
	c := startTargets(t, ws, `{}`)
	name := filepath.Join(ws, "deploy", "docker-compose.prod.yml")
	os.MkdirAll(filepath.Dir(name), 0o755)
	os.WriteFile(name, []byte("services:\n  web:\n    build:\n      context: ..\n      target: test\n"), 0o644)
	c.sendRaw(`{"jsonrpc":"2.0","method":"workspace/didChangeWatchedFiles","params":{"changes":[{"uri":"file://` + filepath.ToSlash(name) + `","type":1}]}}`)
	deadline := time.Now().Add(30 * time.Second) // a hang guard
	for {
		var locs []protocol.Location
		c.request("textDocument/references", map[string]any{"textDocument": map[string]any{"uri": fileURI(ws, "Dockerfile")},
			"position": pos(3, 16), "context": map[string]any{"includeDeclaration": false}}, &locs)
		if strings.Contains(strings.Join(locStrings(ws, locs), ","), "deploy/docker-compose.prod.yml:5:15-19") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the new compose file is not in the references: %v", locStrings(ws, locs))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Edits to a Dockerfile never touch the index: no file is read again, and
// a stage's references still come from the one walk.
func TestDidChangeLeavesIndexAlone(t *testing.T) {
	ws := writeRepo(t, targetsRepo)
	c := startTargets(t, ws, `{}`)
	x := c.srv.tindex()
	before := x.reads.Load()
	if before == 0 {
		t.Fatal("the walk read no file")
	}
	uri := fileURI(ws, "Dockerfile")
	for v := 2; v <= 30; v++ {
		c.sendRaw(fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":%q,"version":%d},"contentChanges":[{"range":{"start":{"line":1,"character":0},"end":{"line":1,"character":0}},"text":"#\n"}]}}`, uri, v))
	}
	c.publishFor(uri, 30)
	if got := x.reads.Load(); got != before {
		t.Errorf("didChange on a Dockerfile read %d target files", got-before)
	}
}

// In a bake file, completion inside an empty `target = ""` offers the stages
// of the Dockerfile the target builds (through inherits).
func TestBakeCompletion(t *testing.T) {
	ws := writeRepo(t, targetsRepo)
	c := startTargets(t, ws, `{}`)
	uri := fileURI(ws, "docker-bake.hcl")
	c.openAs(uri, "hcl", "target \"_base\" {\n  context = \".\"\n}\n\ntarget \"app\" {\n  inherits = [\"_base\"]\n  target = \"\"\n}\n")
	var list protocol.CompletionList
	if e := c.request("textDocument/completion", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": pos(6, 12)}, &list); e != nil {
		t.Fatal(e)
	}
	var labels []string
	for _, it := range list.Items {
		labels = append(labels, it.Label)
		if it.TextEdit == nil || it.TextEdit.Range.Start.Character != 12 || it.TextEdit.Range.End.Character != 12 {
			t.Errorf("%s: edit %+v is not an insertion at the cursor", it.Label, it.TextEdit)
		}
	}
	if strings.Join(labels, ",") != "build,test,prod" {
		t.Errorf("completion: %v", labels)
	}
	// not on another line
	var none json.RawMessage
	if e := c.request("textDocument/completion", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": pos(1, 5)}, &none); e != nil || string(none) != "null" {
		t.Errorf("completion off the target line: %s %v", none, e)
	}
}

// A target file edited on disk without a watcher event: the rename reads
// it again, so its edit lands on the value where it is now.
func TestRenameRereadsChangedFiles(t *testing.T) {
	ws := writeRepo(t, targetsRepo)
	c := startTargets(t, ws, `{}`)
	moved := "# a comment line added after the index was built\n" + targetsRepo["docker-bake.hcl"]
	if err := os.WriteFile(filepath.Join(ws, "docker-bake.hcl"), []byte(moved), 0o644); err != nil {
		t.Fatal(err)
	}
	var we protocol.WorkspaceEdit
	if e := c.request("textDocument/rename", map[string]any{"textDocument": map[string]any{"uri": fileURI(ws, "Dockerfile")},
		"position": pos(6, 36), "newName": "runtime"}, &we); e != nil {
		t.Fatal(e)
	}
	got := applyEdits(t, moved, we.Changes[protocol.DocumentURI(fileURI(ws, "docker-bake.hcl"))])
	if want := strings.Replace(moved, `target = "prod"`, `target = "runtime"`, 1); got != want {
		t.Errorf("docker-bake.hcl after the rename:\n%s\nwant:\n%s", got, want)
	}
}

// An open compose document is renamed in its buffer (not on disk), under
// the client's URI, with the buffer's version.
func TestRenameOpenComposeBuffer(t *testing.T) {
	ws := writeRepo(t, targetsRepo)
	c := startTargets(t, ws, `{"workspace":{"workspaceEdit":{"documentChanges":true}}}`)
	// the client spells the path with an encoded character the server would not
	uri := strings.Replace(fileURI(ws, "compose.yaml"), "compose.yaml", "compos%65.yaml", 1)
	buffer := "# edited, not saved\n" + targetsRepo["compose.yaml"]
	c.openAs(uri, "yaml", buffer)
	var raw json.RawMessage
	if e := c.request("textDocument/rename", map[string]any{"textDocument": map[string]any{"uri": fileURI(ws, "Dockerfile")},
		"position": pos(6, 36), "newName": "runtime"}, &raw); e != nil {
		t.Fatal(e)
	}
	var we struct {
		DocumentChanges []struct {
			TextDocument struct {
				URI     string `json:"uri"`
				Version *int32 `json:"version"`
			} `json:"textDocument"`
			Edits []protocol.TextEdit `json:"edits"`
		} `json:"documentChanges"`
	}
	if err := json.Unmarshal(raw, &we); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, dc := range we.DocumentChanges {
		if strings.HasSuffix(dc.TextDocument.URI, "compose.yaml") || strings.HasSuffix(dc.TextDocument.URI, "compos%65.yaml") {
			found = true
			if dc.TextDocument.URI != uri || dc.TextDocument.Version == nil || *dc.TextDocument.Version != 1 {
				t.Errorf("compose edit addressed to %s v%v, want %s v1", dc.TextDocument.URI, dc.TextDocument.Version, uri)
			}
			got := applyEdits(t, buffer, dc.Edits)
			if want := strings.Replace(buffer, "target: prod", "target: runtime", 1); got != want {
				t.Errorf("buffer after rename:\n%s", got)
			}
		}
	}
	if !found {
		t.Errorf("no edit of compose.yaml: %s", raw)
	}
}

// BenchmarkIndexWalk walks the msls repository itself (a few thousand
// entries with the editors' node_modules skipped) as the background index
// does, reading and parsing its target files.
func BenchmarkIndexWalk(b *testing.B) {
	root, err := safefs.OpenRoot("..")
	if err != nil {
		b.Fatal(err)
	}
	defer root.Close()
	x := &targetIndex{files: map[string]*indexedFile{}}
	var n int
	for b.Loop() {
		files := map[string]*indexedFile{}
		x.walk(context.Background(), root, files)
		n = len(files)
	}
	b.ReportMetric(float64(n), "files")
}
