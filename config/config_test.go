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
