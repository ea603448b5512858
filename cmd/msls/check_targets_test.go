package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `msls check` on a compose or bake file, or a directory holding them,
// reports targets that name no stage; the compose file is not linted as a
// Dockerfile.
func TestCheckUnknownBuildTargets(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("api/Dockerfile", "FROM alpine:3.20 AS base\nFROM base AS prod\nUSER 1000\n")
	write("compose.yaml", "services:\n  api:\n    build:\n      context: api\n      target: prd\n  ok:\n    build:\n      context: api\n      target: PROD\n"+
		"  silenced:\n    build:\n      context: api\n      # msls ignore=UnknownBuildTarget\n      target: nope\n  missing:\n    build:\n      context: nowhere\n      target: x\n")
	write("docker-bake.hcl", "target \"t\" {\n  context = \"api\"\n  target = \"tset\"\n}\n")
	cwd, _ := os.Getwd()
	t.Cleanup(func() { os.Chdir(cwd) })
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runMsls(t, "", "check", "compose.yaml")
	want := "compose.yaml:5:15: error UnknownBuildTarget: target \"prd\" names no stage of api/Dockerfile (did you mean \"prod\"?)\n"
	if code != 1 || out != want {
		t.Errorf("check compose.yaml: code %d, out %q, err %q; want %q", code, out, errOut, want)
	}
	out, _, code = runMsls(t, "", "check", ".")
	if code != 1 || !strings.Contains(out, "compose.yaml:5:15: error UnknownBuildTarget") ||
		!strings.Contains(out, "docker-bake.hcl:3:13: error UnknownBuildTarget: target \"tset\"") || strings.Count(out, "\n") != 2 {
		t.Errorf("check .: code %d\n%s", code, out)
	}
}
