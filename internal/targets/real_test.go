package targets

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
)

// realVerdict says what becomes of one target found in a real repository:
// the stage it resolves to, why it is unresolved, or the finding msls would
// report. unknown is set when msls would report UnknownBuildTarget.
func realVerdict(dir string, tg Target) (verdict string, unknown bool) {
	if tg.Unresolved != "" {
		return "unresolved: " + tg.Unresolved, false
	}
	// The server keeps the first candidate that exists (parsedTargets).
	df := ""
	for _, c := range tg.Dockerfiles {
		if st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(c))); err == nil && st.Mode().IsRegular() {
			df = c
			break
		}
	}
	if df == "" {
		return "unresolved: Dockerfile " + strings.Join(tg.Dockerfiles, " | ") + " is not in the repository", false
	}
	text, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(df)))
	if err != nil {
		return "unresolved: " + err.Error(), false
	}
	f := dockerfile.Parse(text)
	if tg.Stage == "" {
		return "-> " + df + ": no target (builds the last stage)", false
	}
	var names []string
	for _, st := range f.Stages {
		if st.Name != "" {
			names = append(names, st.Name)
		}
	}
	if msg, bad := Unknown(tg, df, names); bad {
		return "UnknownBuildTarget: " + msg, true
	}
	for i, st := range f.Stages {
		if strings.EqualFold(st.Name, tg.Stage) {
			return fmt.Sprintf("-> %s: resolved to stage %d of %d", df, i+1, len(f.Stages)), false
		}
	}
	return "-> " + df + ": matched no stage", false
}

// TestRealRepositories runs the index over the compose, bake and Makefiles of
// public repositories (testdata/real/<owner>-<repo>, see each README.md) and
// lists, per target, the stage it resolves to or why it does not. Their
// builds work, so none may be reported as UnknownBuildTarget.
func TestRealRepositories(t *testing.T) {
	root := filepath.Join("testdata", "real")
	repos, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range repos {
		if !r.IsDir() {
			continue
		}
		n++
		t.Run(r.Name(), func(t *testing.T) {
			dir := filepath.Join(root, r.Name())
			var b strings.Builder
			found, resolved := 0, 0
			err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				rel, _ := filepath.Rel(dir, p)
				rel = filepath.ToSlash(rel)
				if Classify(rel) == "" {
					return nil
				}
				content, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				for _, tg := range Parse(rel, "", content) {
					found++
					v, unknown := realVerdict(dir, tg)
					if unknown {
						t.Errorf("false UnknownBuildTarget in %s [%s]: %s", tg.File, tg.Name, v)
					}
					if strings.Contains(v, "resolved to stage") {
						resolved++
					}
					stage := tg.Stage
					if stage == "" {
						stage = "-"
					} else if tg.Shared {
						stage += " (shared: renamed and judged where it is written)"
					} else if !tg.Exact {
						stage += " (not renamed in place)"
					}
					fmt.Fprintf(&b, "%s %s [%s] target=%s %s\n", tg.Kind, tg.File, tg.Name, stage, v)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if resolved == 0 {
				t.Errorf("no target of %s resolves to a stage", r.Name())
			}
			got := b.String()
			golden := filepath.Join(root, r.Name()+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("targets of %s differ from %s:\n--- got\n%s--- want\n%s", r.Name(), golden, got, want)
			}
		})
	}
	if n < 5 {
		t.Errorf("only %d real repositories", n)
	}
}
