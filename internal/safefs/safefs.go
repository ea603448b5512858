// Package safefs is how msls reads files it did not get from the editor:
// build-context files, manifests, configuration. Reads inside a workspace go
// through os.Root, which refuses to leave the folder even through a symbolic
// link swapped in between a check and the open; only regular files are read,
// never more than a caller's limit, and a FIFO or device never blocks.
package safefs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
)

// Limits for what msls reads. Manifests and configuration are small; a
// Dockerfile above MaxDockerfile still gets parse errors and basic features.
const (
	MaxConfig   = 1 << 20 // .msls.yaml, .hadolint.yaml, .dockerignore
	MaxManifest = 4 << 20 // package.json, lock files, go.mod, requirements
	// MaxDockerfile bounds a Dockerfile read from disk (the command line):
	// the largest real ones are tens of KB; 32 MiB is far past any of them
	// and still parses in bounded memory.
	MaxDockerfile = 32 << 20
)

// ErrNotRegular is returned for directories, devices, FIFOs and sockets.
var ErrNotRegular = errors.New("not a regular file")

// TooLargeError says a file is over the limit a caller set.
type TooLargeError struct {
	Name  string
	Size  int64
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is %d bytes, over the %d-byte limit msls reads", e.Name, e.Size, e.Limit)
}

// Root is a folder msls may read below, and nothing outside it.
type Root struct {
	r   *os.Root
	dir string
}

// OpenRoot opens dir (resolved to its real path) as a Root.
func OpenRoot(dir string) (*Root, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	r, err := os.OpenRoot(abs)
	if err != nil {
		return nil, err
	}
	return &Root{r: r, dir: abs}, nil
}

// Dir is the real path of the root folder.
func (r *Root) Dir() string { return r.dir }

// Close releases the folder's handle.
func (r *Root) Close() error { return r.r.Close() }

// Rel turns a slash-separated path relative to the root (or an absolute path
// below it) into the name os.Root takes; ok is false when it leaves the root.
func (r *Root) Rel(name string) (string, bool) {
	if filepath.IsAbs(name) {
		rel, err := filepath.Rel(r.dir, name)
		if err != nil {
			return "", false
		}
		name = filepath.ToSlash(rel)
	}
	name = path.Clean(filepath.ToSlash(name))
	if name == ".." || strings.HasPrefix(name, "../") || path.IsAbs(name) {
		return "", false
	}
	return filepath.FromSlash(name), true
}

// ReadFile reads a regular file below the root, at most limit bytes.
func (r *Root) ReadFile(name string, limit int64) ([]byte, error) {
	rel, ok := r.Rel(name)
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	f, err := r.r.OpenFile(rel, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readRegular(f, name, limit)
}

// Stat describes a file below the root (links followed, inside the root only).
func (r *Root) Stat(name string) (fs.FileInfo, error) {
	rel, ok := r.Rel(name)
	if !ok {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
	}
	return r.r.Stat(rel)
}

// ReadDir lists a directory below the root, sorted by name.
func (r *Root) ReadDir(name string) ([]fs.DirEntry, error) {
	rel, ok := r.Rel(name)
	if !ok {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	return fs.ReadDir(r.r.FS(), filepath.ToSlash(rel))
}

// FS is the root as an fs.FS (for fs.WalkDir and pattern matching).
func (r *Root) FS() fs.FS { return r.r.FS() }

// ReadFile reads a regular file named by the user (the command line), at most
// limit bytes: a FIFO, device or directory is refused instead of read.
func ReadFile(name string, limit int64) ([]byte, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readRegular(f, name, limit)
}

func readRegular(f *os.File, name string, limit int64) ([]byte, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: name, Err: ErrNotRegular}
	}
	if st.Size() > limit {
		return nil, &TooLargeError{Name: name, Size: st.Size(), Limit: limit}
	}
	// The file may grow between Stat and the read: never take more than limit.
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &TooLargeError{Name: name, Size: int64(len(data)), Limit: limit}
	}
	return data, nil
}

// Sub opens a folder below the root as a Root of its own. It goes through
// os.Root, so a link swapped in on the way cannot make it leave r.
func (r *Root) Sub(name string) (*Root, error) {
	rel, ok := r.Rel(name)
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	sub, err := r.r.OpenRoot(rel)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(r.dir, rel)
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	return &Root{r: sub, dir: dir}, nil
}

// FileID is a file's identity (device and inode on Unix): two names with
// the same FileID are the same file, whatever links lead to them.
type FileID struct{ Dev, Ino uint64 }

// ID is the identity of a file below the root (links followed inside the
// root only); ok is false when the file is absent or the system has no
// inode numbers.
func (r *Root) ID(name string) (FileID, bool) {
	st, err := r.Stat(name)
	if err != nil {
		return FileID{}, false
	}
	return fileID(st)
}
