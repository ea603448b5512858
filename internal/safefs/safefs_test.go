package safefs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestRootStaysInside(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret")
	if err := os.WriteFile(secret, []byte("s"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("hello"), 0o644)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	os.Symlink(secret, filepath.Join(dir, "link-out"))
	os.Symlink(outside, filepath.Join(dir, "sub", "dir-out"))
	os.Symlink("../a.txt", filepath.Join(dir, "sub", "link-in"))
	r, err := OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if b, err := r.ReadFile("a.txt", 10); err != nil || string(b) != "hello" {
		t.Fatalf("a.txt: %q %v", b, err)
	}
	if b, err := r.ReadFile("sub/link-in", 10); err != nil || string(b) != "hello" {
		t.Fatalf("link inside: %q %v", b, err)
	}
	for _, name := range []string{"link-out", "sub/dir-out/secret", "../" + filepath.Base(outside) + "/secret", secret} {
		if b, err := r.ReadFile(name, 10); err == nil {
			t.Errorf("%s: read %q from outside the root", name, b)
		}
	}
	if _, err := r.ReadFile("a.txt", 3); !errors.As(err, new(*TooLargeError)) {
		t.Errorf("over the limit: %v", err)
	}
	if _, err := r.ReadFile("sub", 10); !errors.Is(err, ErrNotRegular) {
		t.Errorf("directory: %v", err)
	}
	ents, err := r.ReadDir(".")
	if err != nil || len(ents) != 3 {
		t.Errorf("ReadDir: %v %v", ents, err)
	}
	if _, err := r.Stat("link-out"); err == nil {
		t.Error("Stat followed a link out of the root")
	}
	if abs, ok := r.Rel(filepath.Join(r.Dir(), "sub", "x")); !ok || abs != filepath.Join("sub", "x") {
		t.Errorf("Rel of an absolute path inside: %q %v", abs, ok)
	}
}

func TestReadFileRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no mkfifo:", err)
	}
	if _, err := ReadFile(fifo, 10); !errors.Is(err, ErrNotRegular) {
		t.Errorf("fifo: %v", err)
	}
	if _, err := ReadFile("/dev/zero", 10); !errors.Is(err, ErrNotRegular) {
		t.Errorf("/dev/zero: %v", err)
	}
	r, _ := OpenRoot(dir)
	defer r.Close()
	if _, err := r.ReadFile("fifo", 10); !errors.Is(err, ErrNotRegular) {
		t.Errorf("fifo in root: %v", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "none"), 10); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
}
