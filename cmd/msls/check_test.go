package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// runMsls runs the built binary and returns stdout, stderr and the status.
func runMsls(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(mslsBin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const (
	brokenDockerfile = "FROM alpine:3.20\nFORM oops\n"
	// cleanDockerfile has nothing error-level about it.
	cleanDockerfile = "FROM alpine:3.20\nCMD [\"true\"]\n"
)

func TestCheckExitCodes(t *testing.T) {
	dir := writeFiles(t, map[string]string{"broken/Dockerfile": brokenDockerfile, "clean/Dockerfile": cleanDockerfile, "empty/README": "x"})
	broken := filepath.Join(dir, "broken", "Dockerfile")
	clean := filepath.Join(dir, "clean", "Dockerfile")

	tests := []struct {
		name     string
		args     []string
		want     int
		stdout   string // substring expected on stdout
		stderrRE string // substring expected on stderr (status 2)
	}{
		{name: "finding", args: []string{"check", broken}, want: 1, stdout: broken + ":2:1: error ParseError: unknown instruction: FORM"},
		{name: "clean at error level", args: []string{"check", "--fail-level", "error", clean}, want: 0},
		{name: "finding below fail level", args: []string{"check", "--fail-level=none", broken}, want: 0, stdout: "ParseError"},
		{name: "flags after paths", args: []string{"check", broken, "--fail-level", "none"}, want: 0, stdout: "ParseError"},
		{name: "directory without Dockerfiles", args: []string{"check", filepath.Join(dir, "empty")}, want: 0},
		{name: "missing file", args: []string{"check", filepath.Join(dir, "nope")}, want: 2, stderrRE: "no such file"},
		{name: "no paths", args: []string{"check"}, want: 2, stderrRE: "no paths"},
		{name: "unknown flag", args: []string{"check", "--frobnicate", broken}, want: 2, stderrRE: "frobnicate"},
		{name: "unknown format", args: []string{"check", "--format", "xml", broken}, want: 2, stderrRE: "unknown --format"},
		{name: "unknown fail level", args: []string{"check", "--fail-level", "fatal", broken}, want: 2, stderrRE: "unknown --fail-level"},
		{name: "unknown command", args: []string{"frobnicate"}, want: 2, stderrRE: "unknown command"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runMsls(t, "", tc.args...)
			if code != tc.want {
				t.Fatalf("msls %v: status %d, want %d\nstdout:\n%s\nstderr:\n%s", tc.args, code, tc.want, out, errOut)
			}
			if tc.stdout != "" && !strings.Contains(out, tc.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tc.stdout, out)
			}
			if tc.want == 2 {
				if !strings.Contains(errOut, tc.stderrRE) {
					t.Errorf("stderr lacks %q:\n%s", tc.stderrRE, errOut)
				}
				if lines := strings.Count(strings.TrimSpace(errOut), "\n"); lines != 0 {
					t.Errorf("usage/I-O errors should be one line, got:\n%s", errOut)
				}
				if out != "" {
					t.Errorf("nothing should go to stdout on status 2, got:\n%s", out)
				}
			}
		})
	}
}

func TestCheckJSON(t *testing.T) {
	dir := writeFiles(t, map[string]string{"Dockerfile": "# comment\nFROM alpine:3.20\n  FORM oops\n"})
	out, errOut, code := runMsls(t, "", "check", "--format", "json", dir)
	if code != 1 {
		t.Fatalf("status %d, want 1; stderr: %s", code, errOut)
	}
	var findings []jsonFinding
	if err := json.Unmarshal([]byte(out), &findings); err != nil {
		t.Fatalf("output is not a JSON array of findings: %v\n%s", err, out)
	}
	var pe *jsonFinding
	for i := range findings {
		if findings[i].Code == "ParseError" {
			pe = &findings[i]
		}
	}
	if pe == nil {
		t.Fatalf("no ParseError in %s", out)
	}
	want := jsonFinding{Path: filepath.Join(dir, "Dockerfile"), Line: 3, Column: 3, EndLine: 3, EndColumn: 12, Severity: "error", Code: "ParseError"}
	got := *pe
	got.Message, got.URL, got.Fixable = "", "", false
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseError = %+v, want %+v", got, want)
	}

	// No findings is an empty array, not null.
	clean := writeFiles(t, map[string]string{"x": "y"})
	out, _, code = runMsls(t, "", "check", "--format=json", clean)
	if code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("no files: status %d, output %q; want 0 and []", code, out)
	}
}

func TestCheckDirectoryWalk(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"Dockerfile":             brokenDockerfile,
		"api.Dockerfile":         brokenDockerfile,
		"Dockerfile.dev":         brokenDockerfile,
		"sub/deep/Containerfile": brokenDockerfile,
		"README.md":              brokenDockerfile,
		"Dockerfile-notes.txt":   brokenDockerfile,
		".git/Dockerfile":        brokenDockerfile,
	})
	out, _, code := runMsls(t, "", "check", "--fail-level", "none", dir)
	if code != 0 {
		t.Fatalf("status %d", code)
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.Contains(line, "ParseError") {
			path, _, _ := strings.Cut(line, ":")
			rel, _ := filepath.Rel(dir, path)
			seen[filepath.ToSlash(rel)] = true
		}
	}
	var got []string
	for p := range seen {
		got = append(got, p)
	}
	sort.Strings(got)
	want := []string{"Dockerfile", "Dockerfile.dev", "api.Dockerfile", "sub/deep/Containerfile"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("linted %v, want %v", got, want)
	}
}

func TestCheckStdin(t *testing.T) {
	out, _, code := runMsls(t, brokenDockerfile, "check", "-")
	if code != 1 || !strings.Contains(out, "\n-:2:1: error ParseError:") && !strings.HasPrefix(out, "-:2:1: error ParseError:") {
		t.Errorf("stdin: status %d, output %q", code, out)
	}
}

func TestVersionAndHelp(t *testing.T) {
	// `msls version` prints more lines: version_test.go
	for _, args := range [][]string{{"--version"}} {
		out, _, code := runMsls(t, "", args...)
		if code != 0 || strings.TrimSpace(out) != "msls "+testVersion {
			t.Errorf("msls %v: status %d, output %q", args, code, out)
		}
	}
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		out, _, code := runMsls(t, "", args...)
		if code != 0 || !strings.Contains(out, "check") || !strings.Contains(out, "serve") {
			t.Errorf("msls %v: status %d, output %q", args, code, out)
		}
	}
	if _, errOut, code := runMsls(t, "", "check", "-h"); code != 0 || !strings.Contains(errOut, "--fail-level") {
		t.Errorf("check -h: status %d, stderr %q", code, errOut)
	}
}

func TestIsDockerfileName(t *testing.T) {
	yes := []string{"Dockerfile", "dockerfile", "Containerfile", "Dockerfile.prod", "Dockerfile-windows", "api.Dockerfile", "base.dockerfile", "3.10__alpine__Dockerfile", "build_Dockerfile", "Containerfile.dev"}
	no := []string{"Dockerfile.template", "Dockerfile.md", "dockerfile.sh", ".dockerignore", "docker-compose.yml", "Makefile", "Dockerfiles.txt", "mydockerfile"}
	for _, n := range yes {
		if !isDockerfileName(n) {
			t.Errorf("%q should be picked up", n)
		}
	}
	for _, n := range no {
		if isDockerfileName(n) {
			t.Errorf("%q should not be picked up", n)
		}
	}
}
