package codeactions

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
)

// corpusDir holds real-world Dockerfiles beside the repository (never
// copied into it); the test is skipped where it is absent.
const corpusDir = "../../shared/corpus/files"

// TestCorpusSplit runs the split over every corpus file: whenever it is
// offered, the result must parse with BuildKit, be offered nothing again,
// and not run as root; every quick fix must leave a parseable file too.
// With -v it logs the counts.
func TestCorpusSplit(t *testing.T) {
	var paths []string
	filepath.WalkDir(corpusDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			paths = append(paths, p)
		}
		return nil
	})
	if len(paths) == 0 {
		t.Skip("corpus not present at " + corpusDir)
	}
	single, offeredSingle, offeredMulti, fixes := 0, 0, 0, 0
	langs := map[string]int{}
	for _, p := range paths {
		text, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f := dockerfile.Parse(text)
		if len(f.Stages) == 1 {
			single++
		}
		ed, ok := Split(f, nil)
		if ok {
			if len(f.Stages) == 1 {
				offeredSingle++
			} else {
				offeredMulti++
			}
			langs[parseImage(f.FinalStage().BaseImage).Repo]++
			out, err := Apply(text, []dockerfile.Edit{ed})
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			res, err := parser.Parse(bytes.NewReader(out))
			if err != nil {
				t.Errorf("%s: split result does not parse: %v\n%s", p, err, out)
				continue
			}
			if _, _, err := instructions.Parse(res.AST, nil); err != nil {
				t.Errorf("%s: split result rejected by BuildKit: %v\n%s", p, err, out)
				continue
			}
			g := dockerfile.Parse(out)
			if len(g.Errors) > 0 {
				t.Errorf("%s: msls cannot parse the split: %v", p, g.Errors)
			}
			if _, again := Split(g, nil); again {
				t.Errorf("%s: split offered again on its own output", p)
			}
			for _, fd := range diagnostics.Check(g) {
				if fd.Code == "RootFinalStage" {
					t.Errorf("%s: split result runs as root\n%s", p, out)
				}
			}
		}
		// Every safe fix keeps the file parseable (the slow half: -short skips it).
		if testing.Short() {
			continue
		}
		fixed, n := FixAllText(text, nil, nil)
		fixes += n
		if n > 0 {
			if res, err := parser.Parse(bytes.NewReader(fixed)); err != nil {
				t.Errorf("%s: fixed file does not parse: %v", p, err)
			} else if _, _, err := instructions.Parse(res.AST, nil); err != nil && len(f.Errors) == 0 {
				if _, _, err0 := instructions.Parse(mustParse(text).AST, nil); err0 == nil {
					t.Errorf("%s: fixed file rejected by BuildKit: %v", p, err)
				}
			}
		}
	}
	t.Logf("corpus: %d files, %d single-stage; split offered on %d single-stage and %d multi-stage final stages (by image: %v); %d safe fixes applied",
		len(paths), single, offeredSingle, offeredMulti, langs, fixes)
}

func mustParse(text []byte) *parser.Result {
	res, err := parser.Parse(bytes.NewReader(text))
	if err != nil {
		return &parser.Result{AST: &parser.Node{}}
	}
	return res
}
