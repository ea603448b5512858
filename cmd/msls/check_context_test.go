package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `msls check` reads the same build context as the server: the context
// rules report, `context:` in .msls.yaml moves the context root, and a
// context leaving the folder msls may read is unknown (nothing reported).
func TestCheckUsesTheBuildContext(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("app/Dockerfile", "FROM node:20\nCOPY package.json pakage-lock.json ./\nCOPY README.md /\n")
	write("app/package.json", "{}")
	write("app/package-lock.json", "{}")
	write("app/README.md", "")
	write("app/.dockerignore", "*.md\n")
	write("docker/Dockerfile", "FROM alpine\nCOPY go.mod /\nCOPY docker/Dockerfile /\nCOPY nope /\n")
	write("docker/.msls.yaml", "context: ..\n")
	write("go.mod", "module x\n")
	t.Chdir(dir)

	var out, errb bytes.Buffer
	runCheck([]string{"app/Dockerfile", "docker/Dockerfile"}, nil, &out, &errb)
	got := out.String()
	for _, want := range []string{
		"app/Dockerfile:2:19: error CopySourceNotFound: COPY source `pakage-lock.json` does not exist in the build context (app/)",
		"app/Dockerfile:3:6: warning CopyIgnoredFile: Attempting to Copy file \"README.md\" that is excluded by .dockerignore",
		"docker/Dockerfile:4:6: error CopySourceNotFound: COPY source `nope` does not exist in the build context",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s%s", want, got, errb.String())
		}
	}
	if strings.Contains(got, "`go.mod`") || strings.Contains(got, "`docker/Dockerfile`") {
		t.Errorf("`context: ..` not applied:\n%s", got)
	}

	// the same files checked from inside app/: `context: ..` of a Dockerfile
	// there would leave the folder msls reads, so the context is unknown
	write("app/.msls.yaml", "context: ..\n")
	t.Chdir(filepath.Join(dir, "app"))
	out.Reset()
	runCheck([]string{"Dockerfile"}, nil, &out, &errb)
	if strings.Contains(out.String(), "CopySourceNotFound") || strings.Contains(out.String(), "CopyIgnoredFile") {
		t.Errorf("a context outside the folder was read:\n%s", out.String())
	}
}
