package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const naiveNode = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\nRUN npm run build\nCMD [\"node\", \"dist/server.js\"]\n"

func TestFixDiffWriteAndSplit(t *testing.T) {
	dir := t.TempDir()
	df := filepath.Join(dir, "Dockerfile")
	if err := os.WriteFile(df, []byte(naiveNode), 0o644); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"scripts":{"build":"tsc"}}`), 0o644)
	os.WriteFile(filepath.Join(dir, "package-lock.json"), []byte(`{}`), 0o644)

	// Diff only: the file stays, the diff shows the manifest copy; RootFinalStage remains -> exit 1.
	var out, errb bytes.Buffer
	code := run([]string{"fix", df}, nil, &out, &errb)
	if code != 1 || !strings.Contains(out.String(), "+COPY package.json package-lock.json ./") {
		t.Fatalf("fix diff: exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	if b, _ := os.ReadFile(df); string(b) != naiveNode {
		t.Fatal("fix without --write changed the file")
	}

	// --split --write: three stages, nothing left to report -> exit 0.
	out.Reset()
	errb.Reset()
	code = run([]string{"fix", "--split", "--write", df}, nil, &out, &errb)
	b, _ := os.ReadFile(df)
	if code != 0 || !strings.Contains(string(b), "AS deps") || !strings.Contains(string(b), "AS runner") || !strings.Contains(string(b), "USER node") {
		t.Fatalf("fix --split --write: exit %d, stderr %s\n%s", code, errb.String(), b)
	}
	// Idempotent: a second run changes nothing.
	out.Reset()
	if code := run([]string{"fix", "--split", df}, nil, &out, &errb); code != 0 || out.Len() != 0 {
		t.Fatalf("second run: exit %d, diff:\n%s", code, out.String())
	}
}

func TestFixUsageErrors(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"fix"}, nil, &out, &errb); code != 2 {
		t.Fatalf("no paths: exit %d", code)
	}
	if code := run([]string{"fix", "/nonexistent/Dockerfile"}, nil, &out, &errb); code != 2 {
		t.Fatalf("missing file: exit %d", code)
	}
	if code := run([]string{"fix", "--bogus", "x"}, nil, &out, &errb); code != 2 {
		t.Fatalf("bad flag: exit %d", code)
	}
}

func TestFixStdin(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"fix", "--write", "-"}, strings.NewReader("FROM alpine:3.20\nMAINTAINER me\nUSER nobody\nCMD [\"true\"]\n"), &out, &errb)
	if code != 0 || !strings.Contains(out.String(), `LABEL org.opencontainers.image.authors="me"`) {
		t.Fatalf("stdin: exit %d\n%s%s", code, out.String(), errb.String())
	}
}

// When --split is asked for but not offered, fix says why, in one line on
// stderr naming the file; the safe fixes still apply.
func TestFixSplitRefusalExplained(t *testing.T) {
	dir := t.TempDir()
	df := filepath.Join(dir, "Dockerfile")
	if err := os.WriteFile(df, []byte(naiveNode), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := run([]string{"fix", "--split", df}, nil, &out, &errb)
	msg := errb.String()
	if code != 1 || strings.Count(msg, "\n") != 1 || !strings.HasPrefix(msg, "msls fix: "+df+": split not offered: ") || !strings.Contains(msg, "package.json") {
		t.Fatalf("exit %d, stderr %q: want one line `msls fix: %s: split not offered: ...` naming package.json", code, msg, df)
	}
	// With the manifest there, the same file splits and nothing is said.
	os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"scripts":{"build":"tsc"}}`), 0o644)
	out.Reset()
	errb.Reset()
	run([]string{"fix", "--split", df}, nil, &out, &errb)
	if errb.Len() != 0 || !strings.Contains(out.String(), "AS deps") {
		t.Fatalf("with package.json: stderr %q, diff:\n%s", errb.String(), out.String())
	}
	// Not an ecosystem msls splits: the reason names the image.
	other := filepath.Join(dir, "other.Dockerfile")
	os.WriteFile(other, []byte("FROM ubuntu:24.04\nRUN make\nCMD [\"./app\"]\n"), 0o644)
	errb.Reset()
	run([]string{"fix", "--split", other}, nil, &out, &errb)
	if msg := errb.String(); strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "split not offered") || !strings.Contains(msg, "ubuntu:24.04") {
		t.Fatalf("other ecosystem: stderr %q", msg)
	}
	// Without --split nothing is said about it.
	errb.Reset()
	run([]string{"fix", df}, nil, &out, &errb)
	if errb.Len() != 0 {
		t.Fatalf("without --split: stderr %q", errb.String())
	}
}
