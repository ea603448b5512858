package safefs

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
)

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func readString(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWriteFileReplacesAndKeepsMode(t *testing.T) {
	dir := t.TempDir()
	df := filepath.Join(dir, "Dockerfile")
	os.WriteFile(df, []byte("old"), 0o600)
	os.Chmod(df, 0o751) // not what a umask would give
	// A planted link under the name the old code used, and one under a
	// plausible temp name: neither may be followed or touched.
	victim := filepath.Join(t.TempDir(), "victim")
	os.WriteFile(victim, []byte("precious"), 0o644)
	os.Symlink(victim, df+".msls-fix.tmp")
	os.Symlink(victim, filepath.Join(dir, ".Dockerfile.msls-0000000000000000.tmp"))
	before := listDir(t, dir)

	if err := WriteFile(df, []byte("new text")); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, df); got != "new text" {
		t.Fatalf("content %q", got)
	}
	st, _ := os.Lstat(df)
	if !st.Mode().IsRegular() || st.Mode().Perm() != 0o751 {
		t.Fatalf("mode %v, want regular 0751", st.Mode())
	}
	if got := readString(t, victim); got != "precious" {
		t.Fatalf("victim overwritten: %q", got)
	}
	if l, err := os.Readlink(df + ".msls-fix.tmp"); err != nil || l != victim {
		t.Fatalf("planted link changed: %q %v", l, err)
	}
	if after := listDir(t, dir); !slices.Equal(before, after) {
		t.Fatalf("directory changed: %v -> %v", before, after)
	}
}

func TestWriteFileFailureLeavesOriginal(t *testing.T) {
	dir := t.TempDir()
	df := filepath.Join(dir, "Dockerfile")
	orig := "FROM alpine\nRUN true\n"
	os.WriteFile(df, []byte(orig), 0o644)
	boom := errors.New("disk full")
	old := writeData
	defer func() { writeData = old }()
	writeData = func(w io.Writer, data []byte) error {
		w.Write(data[:len(data)/2]) // half-way, then the disk fills up
		return boom
	}
	err := WriteFile(df, []byte("FROM alpine AS x\nRUN false\nRUN more\n"))
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the write error", err)
	}
	if got := readString(t, df); got != orig {
		t.Fatalf("original changed: %q", got)
	}
	if names := listDir(t, dir); !slices.Equal(names, []string{"Dockerfile"}) {
		t.Fatalf("left behind: %v", names)
	}
}

func TestWriteFileRefusals(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()

	ro := filepath.Join(dir, "ro")
	os.WriteFile(ro, []byte("ro"), 0o444)
	if err := WriteFile(ro, []byte("x")); !errors.Is(err, ErrReadOnly) {
		t.Errorf("0444: err = %v", err)
	}
	if readString(t, ro) != "ro" {
		t.Error("read-only file replaced")
	}

	hl := filepath.Join(dir, "hard")
	os.WriteFile(hl, []byte("hl"), 0o644)
	if err := os.Link(hl, filepath.Join(dir, "hard2")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(hl, []byte("x")); !errors.Is(err, ErrHardLinked) {
		t.Errorf("hard link: err = %v", err)
	}
	if readString(t, filepath.Join(dir, "hard2")) != "hl" || readString(t, hl) != "hl" {
		t.Error("hard-linked file changed")
	}

	secret := filepath.Join(outside, "bashrc")
	os.WriteFile(secret, []byte("secret"), 0o644)
	out := filepath.Join(dir, "out")
	os.Symlink(secret, out)
	if err := WriteFile(out, []byte("x")); !errors.Is(err, ErrLinkOutside) {
		t.Errorf("link outside: err = %v", err)
	}
	// relative, through ..
	out2 := filepath.Join(dir, "out2")
	os.Symlink("../"+filepath.Base(outside)+"/bashrc", out2)
	if err := WriteFile(out2, []byte("x")); err == nil {
		t.Error("relative link outside written")
	}
	if readString(t, secret) != "secret" {
		t.Error("file outside written")
	}
	if l, _ := os.Readlink(out); l != secret {
		t.Error("link replaced")
	}

	if err := WriteFile(dir, []byte("x")); err == nil {
		t.Error("directory written")
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err == nil {
		if err := WriteFile(fifo, []byte("x")); !errors.Is(err, ErrNotRegular) {
			t.Errorf("fifo: err = %v", err)
		}
	}
	if err := WriteFile(filepath.Join(dir, "missing"), []byte("x")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing: err = %v", err)
	}
}

func TestWriteFileThroughLinkInside(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "docker"), 0o755)
	target := filepath.Join(dir, "docker", "Dockerfile.real")
	os.WriteFile(target, []byte("old"), 0o640)
	link := filepath.Join(dir, "Dockerfile")
	os.Symlink("docker/Dockerfile.real", link)
	if err := WriteFile(link, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if l, err := os.Readlink(link); err != nil || l != "docker/Dockerfile.real" {
		t.Fatalf("link replaced: %q %v", l, err)
	}
	if got := readString(t, target); got != "new" {
		t.Fatalf("target %q", got)
	}
	if st, _ := os.Stat(target); st.Mode().Perm() != 0o640 {
		t.Fatalf("target mode %v", st.Mode())
	}
	if names := listDir(t, filepath.Join(dir, "docker")); !slices.Equal(names, []string{"Dockerfile.real"}) {
		t.Fatalf("left behind: %v", names)
	}
}

func TestWriteFileKeepsOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a file to another user")
	}
	dir := t.TempDir()
	df := filepath.Join(dir, "Dockerfile")
	os.WriteFile(df, []byte("old"), 0o644)
	if err := os.Chown(df, 4321, 4322); err != nil {
		t.Skip(err)
	}
	if err := WriteFile(df, []byte("new")); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(df)
	uid, gid, _ := owner(st)
	if uid != 4321 || gid != 4322 || readString(t, df) != "new" {
		t.Fatalf("owner %d:%d", uid, gid)
	}
}
