package buildcontext

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/msls-dev/msls/internal/buildmodel"
	"github.com/msls-dev/msls/internal/safefs"
)

// tree writes files (a name ending in / is a folder) under a new temp dir.
func tree(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func open(t testing.TB, dir string, o Options) *Context {
	t.Helper()
	r, err := safefs.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	o.Root = r
	c, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func paths(es []Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Path)
	}
	return out
}

func TestLookup(t *testing.T) {
	dir := tree(t, map[string]string{
		"app/Dockerfile":                  "FROM scratch\n",
		"app/.dockerignore":               "*.md\nsecrets/\n",
		"app/README.md":                   "",
		"app/main.go":                     "",
		"app/go.mod":                      "",
		"app/requirements/base.txt":       "",
		"app/requirements/production.txt": "",
		"app/secrets/key":                 "",
		"app/node_modules/x/index.js":     "",
		"app/src/a.py":                    "",
		"app/src/b.py":                    "",
		"app/src/sub/c.py":                "",
		"app/empty/":                      "",
	})
	c := open(t, dir, Options{Dockerfile: "app/Dockerfile"})
	if c.IgnoreFile != "app/.dockerignore" || c.Dir != "app" || !c.Complete {
		t.Fatalf("ignore %q dir %q complete %v", c.IgnoreFile, c.Dir, c.Complete)
	}
	cases := []struct {
		src            string
		parents        bool
		matched, files []string
		known          bool
		ignored        bool
	}{
		{"main.go", false, []string{"main.go"}, []string{"main.go"}, true, false},
		{"./main.go", false, []string{"main.go"}, []string{"main.go"}, true, false},
		{"../../../main.go", false, []string{"main.go"}, []string{"main.go"}, true, false}, // `..` clamped to the context root
		{"/main.go", false, []string{"main.go"}, []string{"main.go"}, true, false},
		{"package-lock.json", false, nil, nil, true, false},
		{"README.md", false, nil, nil, true, true},
		{"secrets/key", false, nil, nil, true, true},
		{"secrets/other", false, nil, nil, true, true}, // below an ignored folder: never sent
		{"requirements", false, []string{"requirements"}, []string{"requirements/base.txt", "requirements/production.txt"}, true, false},
		{"src/*.py", false, []string{"src/a.py", "src/b.py"}, []string{"src/a.py", "src/b.py"}, true, false},
		{"*.toml", false, nil, nil, true, false},
		{"s*", false, []string{"src"}, []string{"src/a.py", "src/b.py", "src/sub/c.py"}, true, false}, // secrets/ is ignored
		{"src/**/*.py", true, []string{"src/a.py", "src/b.py", "src/sub/c.py"}, []string{"src/a.py", "src/b.py", "src/sub/c.py"}, true, false},
		{"./src/./sub/c.py", true, []string{"src/sub/c.py"}, []string{"src/sub/c.py"}, true, false},
		{"node_modules/x/index.js", false, nil, nil, false, false}, // not listed: unknown
		{"node_modules/*", false, nil, nil, false, false},
		{"main.go/x", false, nil, nil, true, false},
		{"src/missing.py", false, nil, nil, true, false},
		{"./src/./sub/gone.py", true, nil, nil, true, false},
		{"$SRC/main.go", false, nil, nil, false, false},
		{`.\\src\\a.py`, false, nil, nil, false, false}, // a Windows path: unknown
		{"C:/app/main.go", false, nil, nil, false, false},
		{"empty", false, []string{"empty"}, nil, true, false},
	}
	for _, k := range cases {
		r := c.Lookup(k.src, k.parents)
		if got := paths(r.Matched); !reflect.DeepEqual(got, k.matched) {
			t.Errorf("%s: matched %v, want %v", k.src, got, k.matched)
		}
		if !reflect.DeepEqual(r.Files, k.files) {
			t.Errorf("%s: files %v, want %v", k.src, r.Files, k.files)
		}
		if r.Known != k.known {
			t.Errorf("%s: known %v, want %v", k.src, r.Known, k.known)
		}
		if r.PatternIgnored != k.ignored {
			t.Errorf("%s: ignored %v, want %v", k.src, r.PatternIgnored, k.ignored)
		}
	}
	if r := c.Lookup(".", false); r.FilesKnown || len(r.Files) == 0 {
		t.Errorf(". should list files but not know all of them (node_modules is not listed): %v %v", r.Files, r.FilesKnown)
	}
}

// `<Dockerfile>.dockerignore` beside the Dockerfile wins over the context's
// .dockerignore, and `context:` moves the context root.
func TestIgnoreFileAndContextDir(t *testing.T) {
	dir := tree(t, map[string]string{
		".dockerignore":                      "*.txt\n",
		"a.txt":                              "",
		"b.md":                               "",
		"docker/api.Dockerfile":              "",
		"docker/api.Dockerfile.dockerignore": "*.md\n",
		"docker/Dockerfile":                  "",
	})
	c := open(t, dir, Options{Dockerfile: "docker/api.Dockerfile", Context: ".."})
	if c.IgnoreFile != "docker/api.Dockerfile.dockerignore" || c.Dir != "." {
		t.Fatalf("ignore file %q, dir %q", c.IgnoreFile, c.Dir)
	}
	if !c.Ignored("b.md") || c.Ignored("a.txt") {
		t.Errorf("the Dockerfile's own ignore file must win")
	}
	c = open(t, dir, Options{Dockerfile: "docker/Dockerfile", Context: ".."})
	if c.IgnoreFile != ".dockerignore" || !c.Ignored("a.txt") || c.Ignored("b.md") {
		t.Errorf("context .dockerignore: %q", c.IgnoreFile)
	}
	c = open(t, dir, Options{Dockerfile: "docker/Dockerfile"})
	if c.IgnoreFile != "" || c.Dir != "docker" {
		t.Errorf("default context: dir %q ignore %q", c.Dir, c.IgnoreFile)
	}
	r, _ := safefs.OpenRoot(dir)
	defer r.Close()
	for _, ctx := range []string{"../../..", "/etc", "../../../x"} {
		if _, err := Open(Options{Root: r, Dockerfile: "docker/Dockerfile", Context: ctx}); !errors.Is(err, ErrOutside) {
			t.Errorf("context %q: %v, want ErrOutside", ctx, err)
		}
	}
}

// Exceptions (`!`) re-include below an excluded folder, as in BuildKit.
func TestIgnoreExceptions(t *testing.T) {
	dir := tree(t, map[string]string{
		".dockerignore": "docs\n!docs/keep.md\n",
		"docs/keep.md":  "",
		"docs/drop.md":  "",
	})
	c := open(t, dir, Options{Dockerfile: "Dockerfile"})
	if r := c.Lookup("docs/keep.md", false); len(r.Matched) != 1 {
		t.Errorf("keep.md re-included: %+v", r)
	}
	if r := c.Lookup("docs/drop.md", false); len(r.Matched) != 0 || len(r.Ignored) != 1 {
		t.Errorf("drop.md excluded: %+v", r)
	}
	if r := c.Lookup("docs", false); !reflect.DeepEqual(r.Files, []string(nil)) && len(r.Ignored) == 0 {
		t.Errorf("docs: %+v", r)
	}
}

// Past the bound, an unmatched source is unknown, never "missing".
func TestBound(t *testing.T) {
	files := map[string]string{}
	for _, n := range []string{"a", "b", "c", "d", "e", "f"} {
		files[n] = ""
	}
	dir := tree(t, files)
	c := open(t, dir, Options{Dockerfile: "Dockerfile", MaxEntries: 3})
	if c.Complete {
		t.Fatal("complete past the bound")
	}
	if r := c.Lookup("f", false); r.Known {
		t.Errorf("f past the bound: %+v", r)
	}
	if r := c.Lookup("a", false); len(r.Matched) != 1 {
		t.Errorf("a within the bound: %+v", r)
	}
}

// Links are listed, never followed: a link leaving the workspace is neither
// read nor walked.
func TestLinksNotFollowed(t *testing.T) {
	outside := tree(t, map[string]string{".dockerignore": "*\n", "secret/x": ""})
	dir := tree(t, map[string]string{"main.go": ""})
	os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "out"))
	os.Symlink(filepath.Join(outside, ".dockerignore"), filepath.Join(dir, ".dockerignore"))
	c := open(t, dir, Options{Dockerfile: "Dockerfile"})
	if len(c.Patterns) != 0 {
		t.Errorf("read an ignore file outside the workspace: %v", c.Patterns)
	}
	if r := c.Lookup("out/x", false); r.Known || len(r.Matched) > 0 {
		t.Errorf("out/x through a link: %+v", r)
	}
	for _, e := range c.Entries() {
		if strings.HasPrefix(e.Path, "out/") {
			t.Errorf("walked through a link: %s", e.Path)
		}
	}
	// the context itself reached through a link out of the root
	os.Symlink(outside, filepath.Join(dir, "ctx"))
	r, _ := safefs.OpenRoot(dir)
	defer r.Close()
	if c, err := Open(Options{Root: r, Dockerfile: "ctx/Dockerfile"}); err == nil {
		t.Errorf("opened a context outside the root: %+v", c.Entries())
	}
}

// FuzzLookup: any source, with or without --parents, on a small tree: no
// panic, and what is matched is listed and not ignored.
func FuzzLookup(f *testing.F) {
	for _, s := range []string{"main.go", "src/*.py", "./src/./sub/c.py", "../../x", "[", "src/**", "a\\*b", "/", "", "*/*/*"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	dir := tree(f, map[string]string{".dockerignore": "*.md\n!keep.md\n", "main.go": "", "src/a.py": "", "src/sub/c.py": "", "keep.md": "", "drop.md": ""})
	r, err := safefs.OpenRoot(dir)
	if err != nil {
		f.Fatal(err)
	}
	defer r.Close()
	c, err := Open(Options{Root: r, Dockerfile: "Dockerfile"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src string, parents bool) {
		res := c.Lookup(src, parents)
		for _, e := range res.Matched {
			if e.Ignored {
				t.Errorf("%q matched ignored %s", src, e.Path)
			}
			if _, ok := c.Entry(e.Path); !ok && e.Path != "." {
				t.Errorf("%q matched unlisted %s", src, e.Path)
			}
		}
		if res.Source == "" || strings.HasPrefix(res.Source, "/") || res.Source == ".." || strings.HasPrefix(res.Source, "../../") {
			t.Errorf("%q cleaned to %q", src, res.Source)
		}
	})
}

// The build context answers the build model's questions directly.
var _ buildmodel.Context = (*Context)(nil)

// Match is Lookup's file list, after the ignore file, and "unknown" where
// the listing cannot tell.
func TestMatch(t *testing.T) {
	dir := tree(t, map[string]string{
		"Dockerfile": "FROM scratch\n", ".dockerignore": "requirements/*.bak\n",
		"requirements/base.txt": "", "requirements/prod.txt": "", "requirements/old.bak": "",
		"node_modules/x/index.js": "",
	})
	c := open(t, dir, Options{Dockerfile: "Dockerfile"})
	files, ok := c.Match("requirements")
	if !ok || !reflect.DeepEqual(files, []string{"requirements/base.txt", "requirements/prod.txt"}) {
		t.Errorf("Match(requirements) = %v, %v", files, ok)
	}
	if files, ok := c.Match("missing.txt"); !ok || len(files) != 0 {
		t.Errorf("Match(missing.txt) = %v, %v; want known and empty", files, ok)
	}
	for _, src := range []string{"node_modules", "$DIR/x"} {
		if _, ok := c.Match(src); ok {
			t.Errorf("Match(%s) claims to know", src)
		}
	}
	var nilc *Context
	if _, ok := nilc.Match("x"); ok {
		t.Error("a nil context knows nothing")
	}
}
