package server

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/msls-dev/msls/internal/targets"
)

// readFixture reads a directory of targets/testdata/real into a file map.
func readFixture(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// lineCol is the 0-based line and column of the first match of needle.
func lineCol(text, needle string) (int, int) {
	i := strings.Index(text, needle)
	if i < 0 {
		return -1, -1
	}
	line := strings.Count(text[:i], "\n")
	return line, i - (strings.LastIndex(text[:i], "\n") + 1)
}

// The compose and bake files of public repositories (targets/testdata/real)
// opened in a session on a copy of each repository: no target they build is
// reported as UnknownBuildTarget, since their builds work.
func TestRealRepositoriesNoFalseUnknown(t *testing.T) {
	root := filepath.Join("..", "internal", "targets", "testdata", "real")
	repos, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, r := range repos {
		if !r.IsDir() {
			continue
		}
		t.Run(r.Name(), func(t *testing.T) {
			files := readFixture(t, filepath.Join(root, r.Name()))
			ws := writeRepo(t, files)
			c := startPipe(t, `{"capabilities":{},"rootUri":"file://`+filepath.ToSlash(ws)+`"}`)
			for name, text := range files {
				if strings.HasSuffix(name, "Dockerfile") {
					c.open(fileURI(ws, name), text, 1) // starts the index
					break
				}
			}
			select {
			case <-c.srv.tindex().built:
			case <-time.After(30 * time.Second): // a hang guard
				t.Fatal("the index was not built")
			}
			for name, text := range files {
				base := filepath.Base(name)
				lang := ""
				switch {
				case targets.IsComposeName(base):
					lang = "dockercompose"
				case targets.IsBakeName(base):
					lang = "hcl"
				default:
					continue
				}
				uri := fileURI(ws, name)
				c.openAs(uri, lang, text)
				for _, d := range c.publishFor(uri, 1).Diagnostics {
					if d.Code == targets.RuleCode {
						t.Errorf("%s:%d: false %s: %s", name, d.Range.Start.Line+1, d.Code, d.Message)
					}
				}
				checked++
			}
			if r.Name() != "mindsdb-mindsdb" {
				return
			}
			// A bake file below the root naming a root-relative Dockerfile:
			// definition of `dev` goes to its stage.
			bake := "docker/docker-bake.hcl"
			line, col := lineCol(files[bake], `target = "dev"`)
			var locs []protocol.Location
			if e := c.request("textDocument/definition", map[string]any{"textDocument": map[string]any{"uri": fileURI(ws, bake)}, "position": pos(line, col+11)}, &locs); e != nil {
				t.Fatal(e)
			}
			dl, dc := lineCol(files["docker/mindsdb.Dockerfile"], "AS dev\n")
			want := []string{"docker/mindsdb.Dockerfile:" + strconv.Itoa(dl+1) + ":" + strconv.Itoa(dc+4) + "-" + strconv.Itoa(dc+7)}
			if got := locStrings(ws, locs); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("definition of dev: %v, want %v", got, want)
			}
		})
	}
	if checked < 8 {
		t.Errorf("only %d compose and bake files checked", checked)
	}
}
