package codeactions

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Context is the build context beside a Dockerfile, as far as the actions
// need it: which files exist and what the small manifests say. Paths are
// slash-separated and relative to the context root. A nil Context means the
// context is unknown; actions then fall back to what the Dockerfile says.
type Context interface {
	Exists(rel string) bool
	ReadFile(rel string) ([]byte, error)
}

// maxContextFile bounds what the actions read from the context: manifests
// are small, and a huge file must not stall an editor.
const maxContextFile = 1 << 20

// DirContext is a Context backed by a directory (normally the Dockerfile's
// own). It refuses paths that leave the directory, including through
// symbolic links, so a crafted Dockerfile cannot make msls read elsewhere.
type DirContext struct {
	root string
}

// NewDirContext returns a Context for dir, or nil when dir is not a readable
// directory (the context is then unknown).
func NewDirContext(dir string) Context {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil
	}
	if st, err := os.Stat(real); err != nil || !st.IsDir() {
		return nil
	}
	return &DirContext{root: real}
}

func (d *DirContext) resolve(rel string) (string, bool) {
	rel = strings.TrimPrefix(path.Clean("/"+filepath.ToSlash(rel)), "/")
	if rel == "" || rel == "." {
		return d.root, true
	}
	p := filepath.Join(d.root, filepath.FromSlash(rel))
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", false
	}
	if real != d.root && !strings.HasPrefix(real, d.root+string(filepath.Separator)) {
		return "", false
	}
	return real, true
}

// Exists reports whether rel names a file or directory inside the context.
func (d *DirContext) Exists(rel string) bool {
	p, ok := d.resolve(rel)
	if !ok {
		return false
	}
	_, err := os.Stat(p)
	return err == nil
}

// ReadFile reads a regular file of the context (at most 1 MiB).
func (d *DirContext) ReadFile(rel string) ([]byte, error) {
	p, ok := d.resolve(rel)
	if !ok {
		return nil, fs.ErrNotExist
	}
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() || st.Size() > maxContextFile {
		return nil, fs.ErrInvalid
	}
	return os.ReadFile(p)
}

// MapContext is an in-memory Context (tests, and editors that know the
// files without a file system). A key ending in "/" is a directory.
type MapContext map[string]string

// Exists reports whether rel is a file of the map or a directory of one.
func (m MapContext) Exists(rel string) bool {
	rel = strings.TrimPrefix(path.Clean(rel), "./")
	if _, ok := m[rel]; ok {
		return true
	}
	for k := range m {
		if strings.HasPrefix(k, rel+"/") {
			return true
		}
	}
	return false
}

// ReadFile returns the content stored under rel.
func (m MapContext) ReadFile(rel string) ([]byte, error) {
	rel = strings.TrimPrefix(path.Clean(rel), "./")
	if v, ok := m[rel]; ok {
		return []byte(v), nil
	}
	return nil, fs.ErrNotExist
}

func exists(c Context, rel string) bool { return c != nil && c.Exists(rel) }

func readFile(c Context, rel string) []byte {
	if c == nil {
		return nil
	}
	b, err := c.ReadFile(rel)
	if err != nil {
		return nil
	}
	return b
}
