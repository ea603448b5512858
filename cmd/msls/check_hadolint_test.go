package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A .hadolint.yaml beside the Dockerfile applies when there is no
// .msls.yaml: its ignored ids, trusted registries and failure-threshold.
func TestCheckHadolintConfig(t *testing.T) {
	dir := t.TempDir()
	df := filepath.Join(dir, "Dockerfile")
	os.WriteFile(df, []byte("FROM quay.io/org/app\nUSER 10001\nCMD [\"app\"]\n"), 0o644)
	var out, errb bytes.Buffer
	if code := runCheck([]string{"--format", "json", df}, nil, &out, &errb); code != 1 || !strings.Contains(out.String(), `"FromUntagged"`) || strings.Contains(out.String(), "UntrustedRegistry") {
		t.Fatalf("no config: exit %d, %s %s", code, out.String(), errb.String())
	}
	os.WriteFile(filepath.Join(dir, ".hadolint.yaml"), []byte("ignored: [DL3006]\ntrustedRegistries: [docker.io]\noverride: {warning: [DL3026]}\nfailure-threshold: error\n"), 0o644)
	out.Reset()
	code := runCheck([]string{"--format", "json", df}, nil, &out, &errb)
	if strings.Contains(out.String(), `"FromUntagged"`) || !strings.Contains(out.String(), `"UntrustedRegistry"`) || code != 0 {
		t.Fatalf(".hadolint.yaml: exit %d (want 0: a warning under failure-threshold error), %s", code, out.String())
	}
	// --fail-level on the command line wins over failure-threshold
	out.Reset()
	if code := runCheck([]string{"--format", "json", "--fail-level", "warning", df}, nil, &out, &errb); code != 1 {
		t.Fatalf("--fail-level warning: exit %d", code)
	}
	// a .msls.yaml replaces it entirely
	os.WriteFile(filepath.Join(dir, ".msls.yaml"), []byte("rules: {RootFinalStage: off}\n"), 0o644)
	out.Reset()
	if code := runCheck([]string{"--format", "json", df}, nil, &out, &errb); code != 1 || !strings.Contains(out.String(), `"FromUntagged"`) || strings.Contains(out.String(), "UntrustedRegistry") {
		t.Fatalf(".msls.yaml wins: exit %d, %s", code, out.String())
	}
}
