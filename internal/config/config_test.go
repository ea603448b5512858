package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
)

func TestParseYAMLAndJSON(t *testing.T) {
	yml := "rules:\n  CacheBustingCopy: error\n  SingleStageBuild: off\n  RootFinalStage: {severity: hint}\nbuildkit: false\n"
	js := `{"msls": {"rules": {"CacheBustingCopy": "error", "SingleStageBuild": false, "RootFinalStage": {"severity": "hint"}}, "buildkit": false}}`
	for _, src := range []string{yml, js} {
		c, err := Parse([]byte(src), "test")
		if err != nil {
			t.Fatal(err)
		}
		o := c.Options()
		if o.Severity["CacheBustingCopy"] != diagnostics.SeverityError || !o.Disabled["SingleStageBuild"] ||
			o.Severity["RootFinalStage"] != diagnostics.SeverityHint || !o.NoBuildKit || o.Disabled["RootFinalStage"] {
			t.Errorf("%q: options %+v", src, o)
		}
	}
}

func TestInvalid(t *testing.T) {
	cases := map[string]string{
		"rules:\n  CacheBustinCopy: off\n":   `unknown rule "CacheBustinCopy" (did you mean "CacheBustingCopy"?)`,
		"rules:\n  RootFinalStage: loud\n":   `rules.RootFinalStage: unknown severity "loud"`,
		"rulez: {}\n":                        `unknown key "rulez"`,
		"buildkit: maybe\n":                  "buildkit: expected true or false",
		"- a\n- b\n":                         "expected a mapping at the top level",
		"rules: [\n":                         "invalid msls configuration in f.yaml",
		"rules:\n  RootFinalStage: {x: 1}\n": `unknown key "x"`,
		"context: /srv\n":                    `context: "/srv" must be a relative folder`,
		"context: 3\n":                       "context: expected a folder",
		"context: ''\n":                      "must be a relative folder",
	}
	for src, want := range cases {
		_, err := Parse([]byte(src), "f.yaml")
		if err == nil || !strings.Contains(err.Error(), want) || !IsConfigError(err) {
			t.Errorf("%q: error %v, want it to contain %q", src, err, want)
		}
	}
}

func TestFindAndApply(t *testing.T) {
	root := t.TempDir()
	sub := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if Find(sub) != "" && !strings.HasPrefix(Find(sub), root) {
		t.Skip("a .msls.yaml above the temp dir interferes")
	}
	cfgPath := filepath.Join(root, "a", ".msls.yaml")
	if err := os.WriteFile(cfgPath, []byte("rules:\n  RootFinalStage: off\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := Find(sub); got != cfgPath {
		t.Fatalf("Find = %q, want %q", got, cfgPath)
	}
	c, err := Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	f := dockerfile.Parse([]byte("FROM node:20\nCMD [\"node\"]\n"))
	has := func(fs []diagnostics.Finding) bool {
		for _, fd := range fs {
			if fd.Code == "RootFinalStage" {
				return true
			}
		}
		return false
	}
	if !has(diagnostics.Check(f)) {
		t.Fatal("RootFinalStage not reported by default")
	}
	if has(diagnostics.CheckWith(f, c.Options())) {
		t.Error("RootFinalStage reported although disabled")
	}
}

func TestMerge(t *testing.T) {
	a, _ := Parse([]byte("rules: {RootFinalStage: error, SingleStageBuild: off}"), "a")
	b, _ := Parse([]byte("rules: {RootFinalStage: {enabled: false}}"), "b")
	o := Merge(a, b).Options()
	if !o.Disabled["RootFinalStage"] || o.Severity["RootFinalStage"] != diagnostics.SeverityError || !o.Disabled["SingleStageBuild"] {
		t.Errorf("merged options %+v", o)
	}
}

func TestFindWithin(t *testing.T) {
	tmp := t.TempDir()
	write := func(rel, content string) string {
		p := filepath.Join(tmp, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	real := func(p string) string {
		r, err := filepath.EvalSymlinks(p)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	above := write(".msls.yaml", "rules: {}\n")
	ws := filepath.Join(tmp, "ws")
	sub := filepath.Join(ws, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	// Nothing inside the root: the file above it is Find's, not FindWithin's.
	if got := FindWithin(sub, ws); got != "" {
		t.Errorf("FindWithin = %q, want nothing (the only file is above the root)", got)
	}
	if got := Find(sub); got != above {
		t.Errorf("Find = %q, want %q (the CLI searches to the file-system root)", got, above)
	}
	// A file at the root itself, and one nearer, which wins.
	atRoot := write("ws/.msls.yml", "rules: {}\n")
	if got := FindWithin(sub, ws); got != real(atRoot) {
		t.Errorf("FindWithin = %q, want the root's %q", got, atRoot)
	}
	nearer := write("ws/a/.msls.yaml", "rules: {}\n")
	if got := FindWithin(sub, ws); got != real(nearer) {
		t.Errorf("FindWithin = %q, want %q", got, nearer)
	}
	// A directory outside the root is not searched at all.
	if got := FindWithin(tmp, ws); got != "" {
		t.Errorf("FindWithin(outside) = %q, want nothing", got)
	}

	// Symbolic links: a config linking out of the root is skipped (the
	// search goes on upward), and a directory linked in from outside is
	// outside.
	evil := write("outside/evil.yaml", "rules: {}\n")
	write("outside/.msls.yaml", "rules: {}\n")
	linkDir := filepath.Join(ws, "a", "b", "c")
	if err := os.Mkdir(linkDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(evil, filepath.Join(linkDir, ".msls.yaml")); err != nil {
		t.Skipf("no symbolic links: %v", err)
	}
	if got := FindWithin(linkDir, ws); got != real(nearer) {
		t.Errorf("FindWithin through a link out of the root = %q, want %q", got, nearer)
	}
	if err := os.Symlink(filepath.Join(tmp, "outside"), filepath.Join(ws, "linked")); err != nil {
		t.Fatal(err)
	}
	if got := FindWithin(filepath.Join(ws, "linked"), ws); got != "" {
		t.Errorf("FindWithin in a directory linked from outside = %q, want nothing", got)
	}
	// A link that stays inside the root is followed.
	if err := os.Symlink(filepath.Join(ws, "a"), filepath.Join(ws, "alias")); err != nil {
		t.Fatal(err)
	}
	if got := FindWithin(filepath.Join(ws, "alias", "b"), ws); got != real(nearer) {
		t.Errorf("FindWithin through an inside link = %q, want %q", got, nearer)
	}
	// A root reached through a link resolves the same way.
	wsLink := filepath.Join(tmp, "wslink")
	if err := os.Symlink(ws, wsLink); err != nil {
		t.Fatal(err)
	}
	if got := FindWithin(filepath.Join(wsLink, "a", "b"), wsLink); got != real(nearer) {
		t.Errorf("FindWithin under a linked root = %q, want %q", got, nearer)
	}
}

func TestWithin(t *testing.T) {
	sep := string(filepath.Separator)
	for _, tc := range []struct {
		p, root string
		want    bool
	}{
		{sep + "ws", sep + "ws", true},
		{sep + "ws" + sep + "a", sep + "ws", true},
		{sep + "wsx", sep + "ws", false},
		{sep + "w", sep + "ws", false},
		{sep + "anything", sep, true},
	} {
		if got := Within(tc.p, tc.root); got != tc.want {
			t.Errorf("Within(%q, %q) = %v, want %v", tc.p, tc.root, got, tc.want)
		}
	}
}

func TestContextKey(t *testing.T) {
	c, err := Parse([]byte("context: ../.\n"), "f.yaml")
	if err != nil || c.Context != ".." {
		t.Fatalf("context: %+v %v", c, err)
	}
	if m := Merge(&Config{Context: "a"}, &Config{}); m.Context != "a" {
		t.Errorf("merge keeps the base's context: %q", m.Context)
	}
	if m := Merge(&Config{Context: "a"}, &Config{Context: ".."}); m.Context != ".." {
		t.Errorf("merge: the file's context wins: %q", m.Context)
	}
}

// A rule's alias (hadolint's id) configures the rule; the rule's own name
// wins when both are given; suggestions cover names and aliases.
func TestRuleAliases(t *testing.T) {
	c, err := Parse([]byte("rules:\n  DL3002: off\n  dl3024: error\n"), "a.yaml")
	if err != nil {
		t.Fatal(err)
	}
	o := c.Options()
	if !o.Disabled["RootFinalStage"] || o.Severity["DuplicateStageName"] != diagnostics.SeverityError {
		t.Errorf("aliases not applied: %+v", o)
	}
	c, err = Parse([]byte("rules:\n  RootFinalStage: error\n  DL3002: off\n"), "b.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if o := c.Options(); o.Disabled["RootFinalStage"] || o.Severity["RootFinalStage"] != diagnostics.SeverityError {
		t.Errorf("the name must win over its alias: %+v", o)
	}
	for src, want := range map[string]string{
		"rules:\n  rootfinalstage: off\n":  `unknown rule "rootfinalstage" (did you mean "RootFinalStage"?)`,
		"rules:\n  DL3O02: off\n":          `unknown rule "DL3O02" (did you mean "DL3002"?)`,
		"rules:\n  cachebustincopy: off\n": `unknown rule "cachebustincopy" (did you mean "CacheBustingCopy"?)`,
		"rules:\n  NoSuchThing: off\n":     "unknown rule \"NoSuchThing\" (run `msls rules` for the list)",
	} {
		_, err := Parse([]byte(src), "c.yaml")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", src, err, want)
		}
	}
}
