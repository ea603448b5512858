package codeactions

import (
	"context"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"github.com/msls-dev/msls/internal/safefs"
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
// own), read through safefs.Root (os.Root): a path that leaves the
// directory, through ".." or a symbolic link, even one swapped in while msls
// reads, is refused, so a crafted Dockerfile or repository cannot make msls
// read elsewhere. Only regular files of at most 1 MiB are read; a FIFO or
// device never blocks. Close releases the directory handle.
type DirContext struct {
	root *safefs.Root
}

// NewDirContext returns a Context for dir, or nil when dir is not a readable
// directory (the context is then unknown). Close it (io.Closer) when done.
func NewDirContext(dir string) Context {
	r, err := safefs.OpenRoot(dir)
	if err != nil {
		return nil
	}
	return &DirContext{root: r}
}

// NewRootContext is a Context on an already opened root (the server opens
// the document's folder below its workspace folder). It takes ownership of
// r: Close closes it.
func NewRootContext(r *safefs.Root) *DirContext { return &DirContext{root: r} }

// Close releases the directory handle.
func (d *DirContext) Close() error { return d.root.Close() }

func clean(rel string) string {
	rel = strings.TrimPrefix(path.Clean("/"+filepath.ToSlash(rel)), "/")
	if rel == "" {
		return "."
	}
	return rel
}

// Exists reports whether rel names a file or directory inside the context.
func (d *DirContext) Exists(rel string) bool {
	_, err := d.root.Stat(clean(rel))
	return err == nil
}

// ReadFile reads a regular file of the context (at most 1 MiB).
func (d *DirContext) ReadFile(rel string) ([]byte, error) {
	return d.root.ReadFile(clean(rel), maxContextFile)
}

// ID is the real identity of a file of the context, so that walks over
// includes can tell two names of one file apart from two files.
func (d *DirContext) ID(rel string) (any, bool) {
	id, ok := d.root.ID(clean(rel))
	return id, ok
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

// fileID is the identity of a context file for walks that must visit each
// file once: the real file (device and inode) when the context knows it,
// else the cleaned path (a MapContext has no links).
func fileID(c Context, rel string) any {
	if idc, ok := c.(interface{ ID(string) (any, bool) }); ok {
		if id, ok := idc.ID(rel); ok {
			return id
		}
	}
	return clean(rel)
}

// WithContext ties a build context to ctx: once ctx is cancelled or past
// its deadline every read fails, so an action working from the context winds
// down instead of running on for a request nobody waits for.
func WithContext(ctx context.Context, c Context) Context {
	if c == nil || ctx == nil {
		return c
	}
	return &ctxContext{c: c, ctx: ctx}
}

type ctxContext struct {
	c   Context
	ctx context.Context
}

func (x *ctxContext) Exists(rel string) bool {
	return x.ctx.Err() == nil && x.c.Exists(rel)
}

func (x *ctxContext) ReadFile(rel string) ([]byte, error) {
	if err := x.ctx.Err(); err != nil {
		return nil, err
	}
	return x.c.ReadFile(rel)
}

func (x *ctxContext) ID(rel string) (any, bool) {
	if x.ctx.Err() != nil {
		return nil, false
	}
	if idc, ok := x.c.(interface{ ID(string) (any, bool) }); ok {
		return idc.ID(rel)
	}
	return nil, false
}

func (x *ctxContext) Err() error { return x.ctx.Err() }

// Close closes the wrapped context when it holds a handle.
func (x *ctxContext) Close() error { return closeContext(x.c) }

// closeContext closes a Context that holds a handle (DirContext).
func closeContext(c Context) error {
	if cl, ok := c.(io.Closer); ok {
		return cl.Close()
	}
	return nil
}

// CloseContext releases what a Context from NewDirContext holds.
func CloseContext(c Context) error { return closeContext(c) }
