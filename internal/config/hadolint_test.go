package config

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/internal/safefs"
)

func TestParseHadolint(t *testing.T) {
	c, err := ParseHadolint([]byte(`
ignored: [DL3006, SC2086, DL9999]
override:
  error: [DL3007, DL3057]
  style: [DL3020]
  info: [DL1001]
trustedRegistries: docker.io
allowedRegistries: ["*.gcr.io"]
label-schema: {maintainer: email, version: semver}
strict-labels: true
failure-threshold: style
disable-ignore-pragma: true
format: json
no-color: true
`), ".hadolint.yaml")
	if err != nil {
		t.Fatal(err)
	}
	o := c.Options()
	if !o.Disabled["FromUntagged"] || o.Severity["FromLatestTag"] != diagnostics.SeverityError || o.Severity["AddInsteadOfCopy"] != diagnostics.SeverityHint {
		t.Errorf("ignored/override: %+v", o)
	}
	if !o.Enabled["NoHealthcheck"] || !o.Enabled["InlineIgnorePragma"] || o.Severity["NoHealthcheck"] != diagnostics.SeverityError {
		t.Errorf("override does not turn on default-off rules: %+v", o)
	}
	want := &diagnostics.Settings{TrustedRegistries: []string{"*.gcr.io", "docker.io"}, LabelSchema: map[string]string{"maintainer": "email", "version": "semver"}, StrictLabels: true}
	if !reflect.DeepEqual(o.Settings, want) {
		t.Errorf("settings %+v, want %+v", o.Settings, want)
	}
	if c.FailureThreshold != "hint" || !o.NoInlineSuppression {
		t.Errorf("failure-threshold %q, inline %v", c.FailureThreshold, o.NoInlineSuppression)
	}
	// a rule both overridden and ignored is off, as in hadolint
	c, _ = ParseHadolint([]byte("ignored: [DL3007]\noverride: {error: [DL3007]}\n"), "x")
	if o := c.Options(); !o.Disabled["FromLatestTag"] {
		t.Errorf("ignored loses to override: %+v", o)
	}
	for _, bad := range []string{"override: {fatal: [DL3007]}", "label-schema: {a: colour}", "failure-threshold: loud", "ignored: {a: 1}", "- a"} {
		if _, err := ParseHadolint([]byte(bad), ".hadolint.yaml"); !IsConfigError(err) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// .msls.yaml takes the shared keys too.
func TestMslsSharedKeys(t *testing.T) {
	c, err := Parse([]byte("trustedRegistries: [docker.io]\nlabel-schema: {version: semver}\nstrict-labels: false\nrules: {NoHealthcheck: on}\n"), ".msls.yaml")
	if err != nil {
		t.Fatal(err)
	}
	o := c.Options()
	if o.Settings == nil || o.Settings.TrustedRegistries[0] != "docker.io" || o.Settings.LabelSchema["version"] != "semver" || !o.Enabled["NoHealthcheck"] {
		t.Errorf("%+v %+v", o, o.Settings)
	}
}

// .hadolint.yaml is found like .msls.yaml, and only when no .msls.yaml is
// found anywhere on the way up.
func TestHadolintFallbackLookup(t *testing.T) {
	root := t.TempDir()
	sub := filepath.Join(root, "a", "b")
	os.MkdirAll(sub, 0o755)
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(root, "a", ".hadolint.yml"), "ignored: [DL3006]\n")
	r, err := safefs.OpenRoot(root)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	check := func(wantRel string) {
		t.Helper()
		wantAbs := filepath.Join(root, filepath.FromSlash(wantRel))
		if got := Find(sub); got != wantAbs {
			t.Errorf("Find = %q, want %q", got, wantAbs)
		}
		if got := FindWithin(sub, root); got != wantAbs {
			real, _ := filepath.EvalSymlinks(wantAbs)
			if got != real {
				t.Errorf("FindWithin = %q, want %q", got, wantAbs)
			}
		}
		if got := FindIn(r, sub); got != wantRel {
			t.Errorf("FindIn = %q, want %q", got, wantRel)
		}
	}
	check("a/.hadolint.yml")
	c, err := LoadIn(r, "a/.hadolint.yml")
	if err != nil || !c.Options().Disabled["FromUntagged"] {
		t.Errorf("LoadIn hadolint: %v %+v", err, c)
	}
	c, err = Load(filepath.Join(root, "a", ".hadolint.yml"))
	if err != nil || !c.Options().Disabled["FromUntagged"] {
		t.Errorf("Load hadolint: %v %+v", err, c)
	}
	// a .msls.yaml further up still wins over the nearer .hadolint.yml
	write(filepath.Join(root, ".msls.yaml"), "rules: {FromUntagged: error}\n")
	check(".msls.yaml")
}
