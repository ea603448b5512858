// Package corpustest locates the shared corpus of real-world Dockerfiles for
// tests: the sweep over every file, and seeds for the fuzz targets. The corpus
// is data the project does not own, so it is read in place and never copied
// into the repository.
package corpustest

import (
	"bufio"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// EnvVar names the environment variable that overrides the corpus location.
const EnvVar = "MSLS_CORPUS"

// Dir returns the corpus root (the directory holding files/ and
// FEATURES.tsv): $MSLS_CORPUS when set, else ../shared/corpus beside the
// repository root. ok is false when neither exists.
func Dir() (dir string, ok bool) {
	if d := os.Getenv(EnvVar); d != "" {
		if isDir(filepath.Join(d, "files")) {
			return d, true
		}
		if filepath.Base(d) == "files" && isDir(d) {
			return filepath.Dir(d), true
		}
		return d, false
	}
	root, err := RepoRoot()
	if err != nil {
		return "", false
	}
	d := filepath.Join(filepath.Dir(root), "shared", "corpus")
	return d, isDir(filepath.Join(d, "files"))
}

// RepoRoot walks up from the working directory to the directory holding
// go.mod (tests run in their package's directory).
func RepoRoot() (string, error) {
	d, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", os.ErrNotExist
		}
		d = parent
	}
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// Files lists every corpus file (absolute paths, sorted).
func Files(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(filepath.Join(dir, "files"), func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// SeedFiles picks a small, deterministic, feature-diverse subset of the
// corpus: for each feature listed in FEATURES.tsv, the smallest files that
// use it (perFeature of them). Fuzzing seeds need variety, not volume.
func SeedFiles(dir string, perFeature int) []string {
	fh, err := os.Open(filepath.Join(dir, "FEATURES.tsv"))
	if err != nil {
		return nil
	}
	defer fh.Close()
	type cand struct {
		path string
		size int64
	}
	byFeature := map[string][]cand{}
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	first := true
	for sc.Scan() {
		if first {
			first = false
			continue
		}
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 4 {
			continue
		}
		p := filepath.Join(dir, "files", strings.ReplaceAll(cols[0], "/", "__"), strings.ReplaceAll(cols[1], "/", "__"))
		st, err := os.Stat(p)
		if err != nil {
			continue
		}
		for _, feat := range strings.Split(cols[3], ",") {
			if feat != "" {
				byFeature[feat] = append(byFeature[feat], cand{p, st.Size()})
			}
		}
	}
	feats := make([]string, 0, len(byFeature))
	for k := range byFeature {
		feats = append(feats, k)
	}
	sort.Strings(feats)
	seen := map[string]bool{}
	var out []string
	for _, feat := range feats {
		cs := byFeature[feat]
		sort.Slice(cs, func(i, j int) bool {
			if cs[i].size != cs[j].size {
				return cs[i].size < cs[j].size
			}
			return cs[i].path < cs[j].path
		})
		n := 0
		for _, c := range cs {
			if n == perFeature {
				break
			}
			if !seen[c.path] {
				seen[c.path] = true
				out = append(out, c.path)
				n++
			}
		}
	}
	return out
}

// Seeds reads SeedFiles; missing corpus means no seeds.
func Seeds(perFeature int) [][]byte {
	dir, ok := Dir()
	if !ok {
		return nil
	}
	var out [][]byte
	for _, p := range SeedFiles(dir, perFeature) {
		if b, err := os.ReadFile(p); err == nil {
			out = append(out, b)
		}
	}
	return out
}

// Required reports whether the corpus is there; in CI (the CI environment
// variable set, as .ci/run and CI services do) a missing corpus fails the
// test instead, so that the sweeps guarding the coupling to BuildKit cannot
// silently shrink to the fixtures.
func Required(tb testing.TB) (dir string, ok bool) {
	tb.Helper()
	dir, ok = Dir()
	if !ok && os.Getenv("CI") != "" && os.Getenv("CI") != "false" {
		tb.Fatalf("CI: no corpus at %s (set %s)", dir, EnvVar)
	}
	return dir, ok
}

// AddAll reads every corpus file into srcs, keyed by path, unless the tests
// run with -short or the corpus is absent (then srcs is left as it is; in CI
// a missing corpus fails, see Required).
func AddAll(tb testing.TB, srcs map[string][]byte) {
	tb.Helper()
	if testing.Short() {
		return
	}
	dir, ok := Required(tb)
	if !ok {
		return
	}
	files, err := Files(dir)
	if err != nil {
		tb.Fatal(err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		srcs[p] = b
	}
}

// AddTestdata reads the repository's own Dockerfiles under testdata/ into
// srcs: files whose name holds "Dockerfile", and such members of txtar
// archives (keyed path:member).
func AddTestdata(tb testing.TB, srcs map[string][]byte) {
	tb.Helper()
	root, err := RepoRoot()
	if err != nil {
		tb.Fatal(err)
	}
	err = filepath.WalkDir(filepath.Join(root, "testdata"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch {
		case strings.HasSuffix(p, ".txtar"):
			ar, err := txtar.ParseFile(p)
			if err != nil {
				return err
			}
			for _, m := range ar.Files {
				if strings.Contains(m.Name, "Dockerfile") {
					srcs[p+":"+m.Name] = m.Data
				}
			}
		case strings.Contains(filepath.Base(p), "Dockerfile"):
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			srcs[p] = b
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}
