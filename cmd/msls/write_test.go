package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runMslsGuarded runs the binary with a hang guard (not a speed assertion):
// a FIFO used to block msls for ever.
func runMslsGuarded(t *testing.T, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, mslsBin, args...)
	var errb bytes.Buffer
	cmd.Stdin = strings.NewReader("")
	cmd.Stdout, cmd.Stderr = &errb, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("msls %v hung", args)
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return errb.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return errb.String(), 0
}

func fileText(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func dirNames(t *testing.T, dir string) string {
	t.Helper()
	es, _ := os.ReadDir(dir)
	var n []string
	for _, e := range es {
		n = append(n, e.Name())
	}
	return strings.Join(n, " ")
}

// unformatted is a Dockerfile of about 28 KB that `msls fmt` rewrites.
func unformatted() string {
	var sb strings.Builder
	sb.WriteString("FROM alpine\n")
	for sb.Len() < 28000 {
		fmt.Fprintf(&sb, "RUN echo %d \\\n          && echo more \\\n          && true\n", sb.Len())
	}
	return sb.String()
}

// Issue 16 item 3: `fmt --write` rewrote in place, and a write failing
// half-way (full disk, quota; here `ulimit -f`) left 8,192 bytes of the
// file. Now the original stays whole and no temporary file is left.
func TestFmtWriteFailingHalfWay(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("ulimit")
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	dir := t.TempDir()
	df := filepath.Join(dir, "Dockerfile")
	orig := unformatted()
	os.WriteFile(df, []byte(orig), 0o644)
	// 16 blocks of 512 bytes: the write stops at 8,192 bytes (EFBIG)
	cmd := exec.Command(sh, "-c", `ulimit -f 16 && exec "$0" fmt --write "$1"`, mslsBin, df)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 {
		t.Fatalf("fmt --write under ulimit -f: %v, want exit 2\n%s", err, out)
	}
	if !strings.Contains(string(out), "file too large") {
		t.Errorf("message does not say why: %s", out)
	}
	if got := fileText(t, df); got != orig {
		t.Fatalf("the Dockerfile was damaged: %d of %d bytes left", len(got), len(orig))
	}
	if names := dirNames(t, dir); names != "Dockerfile" {
		t.Fatalf("left behind: %s", names)
	}
	// without the limit it is written, mode kept
	os.Chmod(df, 0o640)
	if msg, code := runMslsGuarded(t, "fmt", "--write", df); code != 0 {
		t.Fatalf("fmt --write: exit %d %s", code, msg)
	}
	if got := fileText(t, df); got == orig || !strings.Contains(got, "\n    && echo more") {
		t.Fatal("not formatted")
	}
	if st, _ := os.Stat(df); st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", st.Mode().Perm())
	}
}

// fixableText is a Dockerfile `msls fix` changes (the casing of a keyword).
const fixableText = "FROM alpine:3.20 as build\nRUN true\nFROM alpine:3.20\nCOPY --from=build /etc/hostname /x\nUSER 1000\nCMD [\"sh\"]\n"

// Issue 16 items 2 and 15: `fix --write` wrote a fixed PATH.msls-fix.tmp
// through a planted link, replaced read-only files, turned a symlinked
// Dockerfile into a regular file and broke hard links.
func TestFixWriteFileSafety(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("links and modes")
	}
	t.Run("planted temp link", func(t *testing.T) {
		dir := t.TempDir()
		df := filepath.Join(dir, "Dockerfile")
		os.WriteFile(df, []byte(fixableText), 0o644)
		victim := filepath.Join(t.TempDir(), "bashrc")
		os.WriteFile(victim, []byte("precious\n"), 0o644)
		os.Symlink(victim, df+".msls-fix.tmp")
		if msg, code := runMslsGuarded(t, "fix", "--write", df); code != 0 {
			t.Fatalf("exit %d: %s", code, msg)
		}
		if got := fileText(t, victim); got != "precious\n" {
			t.Fatalf("written through the planted link: %q", got)
		}
		if st, _ := os.Lstat(df); !st.Mode().IsRegular() {
			t.Fatalf("the Dockerfile became %v", st.Mode())
		}
		if got := fileText(t, df); !strings.Contains(got, " AS build") {
			t.Fatalf("not fixed:\n%s", got)
		}
		if l, err := os.Readlink(df + ".msls-fix.tmp"); err != nil || l != victim {
			t.Fatalf("planted link touched: %q %v", l, err)
		}
		if names := dirNames(t, dir); names != "Dockerfile Dockerfile.msls-fix.tmp" {
			t.Fatalf("left behind: %s", names)
		}
	})
	t.Run("read-only", func(t *testing.T) {
		dir := t.TempDir()
		df := filepath.Join(dir, "Dockerfile")
		os.WriteFile(df, []byte(fixableText), 0o444)
		msg, code := runMslsGuarded(t, "fix", "--write", df)
		if code != 2 || !strings.Contains(msg, "read-only") {
			t.Fatalf("exit %d: %s", code, msg)
		}
		if fileText(t, df) != fixableText {
			t.Fatal("read-only file replaced")
		}
	})
	t.Run("symlink inside", func(t *testing.T) {
		dir := t.TempDir()
		os.Mkdir(filepath.Join(dir, "docker"), 0o755)
		real := filepath.Join(dir, "docker", "app.Dockerfile")
		os.WriteFile(real, []byte(fixableText), 0o644)
		link := filepath.Join(dir, "Dockerfile")
		os.Symlink("docker/app.Dockerfile", link)
		if msg, code := runMslsGuarded(t, "fix", "--write", link); code != 0 {
			t.Fatalf("exit %d: %s", code, msg)
		}
		if l, err := os.Readlink(link); err != nil || l != "docker/app.Dockerfile" {
			t.Fatalf("the link was replaced: %q %v", l, err)
		}
		if !strings.Contains(fileText(t, real), " AS build") {
			t.Fatal("target not fixed")
		}
	})
	t.Run("symlink outside", func(t *testing.T) {
		dir := t.TempDir()
		real := filepath.Join(t.TempDir(), "Dockerfile")
		os.WriteFile(real, []byte(fixableText), 0o644)
		link := filepath.Join(dir, "Dockerfile")
		os.Symlink(real, link)
		msg, code := runMslsGuarded(t, "fix", "--write", link)
		if code != 2 || !strings.Contains(msg, "outside") {
			t.Fatalf("exit %d: %s", code, msg)
		}
		if fileText(t, real) != fixableText {
			t.Fatal("target outside written")
		}
		if l, _ := os.Readlink(link); l != real {
			t.Fatal("link replaced")
		}
	})
	t.Run("hard link", func(t *testing.T) {
		dir := t.TempDir()
		df := filepath.Join(dir, "Dockerfile")
		os.WriteFile(df, []byte(fixableText), 0o644)
		other := filepath.Join(dir, "Dockerfile.copy")
		if err := os.Link(df, other); err != nil {
			t.Skip(err)
		}
		msg, code := runMslsGuarded(t, "fix", "--write", df)
		if code != 2 || !strings.Contains(msg, "hard links") {
			t.Fatalf("exit %d: %s", code, msg)
		}
		a, _ := os.Stat(df)
		b, _ := os.Stat(other)
		if !os.SameFile(a, b) || fileText(t, df) != fixableText {
			t.Fatal("the hard link was broken or the file changed")
		}
	})
	t.Run("owner and mode", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("needs root to give a file to another user")
		}
		dir := t.TempDir()
		df := filepath.Join(dir, "Dockerfile")
		os.WriteFile(df, []byte(fixableText), 0o644)
		os.Chmod(df, 0o604)
		if err := os.Chown(df, 4321, 4322); err != nil {
			t.Skip(err)
		}
		if msg, code := runMslsGuarded(t, "fix", "--write", df); code != 0 {
			t.Fatalf("exit %d: %s", code, msg)
		}
		st, _ := os.Stat(df)
		sys := st.Sys().(*syscall.Stat_t)
		if sys.Uid != 4321 || sys.Gid != 4322 || st.Mode().Perm() != 0o604 {
			t.Fatalf("owner %d:%d mode %v", sys.Uid, sys.Gid, st.Mode().Perm())
		}
		if !strings.Contains(fileText(t, df), " AS build") {
			t.Fatal("not fixed")
		}
	})
}

// Issue 16 item 8: `msls check /dev/zero` died of OOM, and a FIFO (as the
// path, or as the .msls.yaml beside it) hung. Each is refused, exit 2.
func TestSpecialFilesRefused(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no /dev/zero or FIFOs")
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.Dockerfile")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip(err)
	}
	for _, args := range [][]string{
		{"check", "/dev/zero"},
		{"check", fifo},
		{"fmt", "/dev/zero"},
		{"fix", fifo},
		{"check", "--config", fifo, filepath.Join(dir, "x")},
	} {
		msg, code := runMslsGuarded(t, args...)
		if code != 2 || !strings.Contains(msg, "not a regular file") {
			t.Errorf("msls %v: exit %d, %q", args, code, msg)
		}
	}
	sub := filepath.Join(dir, "proj")
	os.Mkdir(sub, 0o755)
	os.WriteFile(filepath.Join(sub, "Dockerfile"), []byte("FROM alpine\n"), 0o644)
	if err := syscall.Mkfifo(filepath.Join(sub, ".msls.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	msg, code := runMslsGuarded(t, "check", filepath.Join(sub, "Dockerfile"))
	if code != 2 || !strings.Contains(msg, "not a regular file") {
		t.Errorf("FIFO .msls.yaml: exit %d, %q", code, msg)
	}
}

// Issue 16 item 1 on the command line: `msls fix --split` hung on
// requirements including a/requirements.txt and b/requirements.txt with
// a -> . and b -> . beside them.
func TestFixSplitIncludeLoop(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("links")
	}
	dir := t.TempDir()
	df := filepath.Join(dir, "Dockerfile")
	os.WriteFile(df, []byte("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD python app.py\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte("-r a/requirements.txt\n-r b/requirements.txt\nflask\n"), 0o644)
	os.Symlink(".", filepath.Join(dir, "a"))
	os.Symlink(".", filepath.Join(dir, "b"))
	out, code := runMslsGuarded(t, "fix", "--split", df)
	if code > 1 || !strings.Contains(out, "+COPY a/requirements.txt a/requirements.txt") || strings.Contains(out, "a/a/") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}
