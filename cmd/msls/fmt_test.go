package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestFmtCommand(t *testing.T) {
	dir := t.TempDir()
	messy := filepath.Join(dir, "Dockerfile")
	clean := filepath.Join(dir, "clean.Dockerfile")
	const messyText = "from alpine\nrun echo a \\\n  b\n"
	const want = "FROM alpine\nRUN echo a \\\n    b\n"
	if err := os.WriteFile(messy, []byte(messyText), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(clean, []byte(want), 0o644); err != nil {
		t.Fatal(err)
	}

	code, out, _ := runCmd(t, "", "fmt", messy, clean)
	if code != 0 || !strings.Contains(out, "-from alpine\n") || !strings.Contains(out, "+FROM alpine\n") || strings.Contains(out, "clean.Dockerfile") {
		t.Errorf("diff mode: code %d, output:\n%s", code, out)
	}
	if b, _ := os.ReadFile(messy); string(b) != messyText {
		t.Error("diff mode wrote the file")
	}

	code, out, _ = runCmd(t, "", "fmt", "--check", messy, clean)
	if code != 1 || strings.TrimSpace(out) != messy {
		t.Errorf("--check: code %d, output %q", code, out)
	}
	if code, _, _ := runCmd(t, "", "fmt", "--check", clean); code != 0 {
		t.Errorf("--check on a formatted file: code %d", code)
	}

	code, _, errs := runCmd(t, "", "fmt", "--write", messy)
	if code != 0 || !strings.Contains(errs, "formatted "+messy) {
		t.Errorf("--write: code %d, stderr %q", code, errs)
	}
	b, _ := os.ReadFile(messy)
	if string(b) != want {
		t.Errorf("--write wrote %q, want %q", b, want)
	}
	if st, _ := os.Stat(messy); st.Mode().Perm() != 0o600 {
		t.Errorf("--write changed the mode to %v", st.Mode().Perm())
	}

	// Directories are searched, stdin is "-".
	if code, out, _ := runCmd(t, "", "fmt", "--check", dir); code != 0 || out != "" {
		t.Errorf("--check on the now formatted directory: code %d, %q", code, out)
	}
	if code, out, _ := runCmd(t, messyText, "fmt", "--write", "--tabs", "-"); code != 0 || out != "FROM alpine\nRUN echo a \\\n\tb\n" {
		t.Errorf("stdin --write --tabs: code %d, %q", code, out)
	}
	if code, out, _ := runCmd(t, messyText, "fmt", "--write", "--keep-indentation", "-"); code != 0 || out != "FROM alpine\nRUN echo a \\\n  b\n" {
		t.Errorf("stdin --keep-indentation: code %d, %q", code, out)
	}

	for _, bad := range [][]string{{"fmt"}, {"fmt", "--write", "--check", messy}, {"fmt", "--indent=0", messy}, {"fmt", filepath.Join(dir, "missing")}, {"fmt", "--bogus", messy}} {
		if code, _, _ := runCmd(t, "", bad...); code != 2 {
			t.Errorf("%v: code %d, want 2", bad, code)
		}
	}
}
