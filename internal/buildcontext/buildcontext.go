// Package buildcontext is the build context of a Dockerfile as BuildKit sees
// it: the context folder (by default the Dockerfile's own, or the `context:`
// of .msls.yaml), the ignore file in force (`<Dockerfile>.dockerignore`
// beside the Dockerfile wins over the context's `.dockerignore`, as in
// BuildKit's dockerui), its patterns applied with BuildKit's own matcher
// (github.com/moby/patternmatcher), and a bounded listing of what the context
// holds.
//
// Everything is read through a safefs.Root (the workspace folder): nothing
// outside it is opened, symbolic links are listed as links and never
// followed, and the walk stops after MaxEntries entries. Past that, or under a
// directory whose contents are not listed (node_modules, .git, a linked
// directory), answers are "unknown", never a guess.
//
// A Context is immutable once opened; callers cache it and open a new one
// when the files change (the server on workspace/didChangeWatchedFiles).
package buildcontext

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"

	"github.com/msls-dev/msls/internal/safefs"
)

// MaxEntries bounds the listing: a context with more files and folders than
// this is listed up to it and answers "unknown" for what lies beyond.
const MaxEntries = 20000

// opaqueDirs are folders whose contents are never listed: they are large,
// and what matters about them is only whether they are sent at all.
var opaqueDirs = map[string]bool{
	"node_modules": true, ".git": true, ".hg": true, ".svn": true, ".venv": true, "venv": true,
	"__pycache__": true, ".tox": true, ".mypy_cache": true, ".pytest_cache": true,
	"target": true, ".gradle": true, ".next": true, ".cache": true,
}

// ErrOutside is returned when the context folder leaves the workspace root.
var ErrOutside = errors.New("the build context is outside the workspace folder")

// Entry is one file or folder of the context.
type Entry struct {
	// Path is relative to the context folder, slash-separated.
	Path string
	Dir  bool
	// Link is a symbolic link (listed, never followed).
	Link bool
	// Ignored entries are excluded by the ignore file: BuildKit does not send them.
	Ignored bool
	// Opaque folders were not listed (see opaqueDirs; ignored folders when
	// the ignore file has no `!` exceptions).
	Opaque bool
}

// Options say which context to open.
type Options struct {
	// Root is the workspace folder; nothing outside it is read.
	Root *safefs.Root
	// Dockerfile is the Dockerfile's path relative to Root (slash-separated).
	Dockerfile string
	// Context is the context folder relative to the Dockerfile's folder
	// (`.msls.yaml`'s `context:`); "" means the Dockerfile's folder.
	Context string
	// MaxEntries overrides the package's bound (tests); 0 keeps MaxEntries.
	MaxEntries int
	// Cache, when set, shares listings between Dockerfiles with the same
	// context folder and ignore patterns (many Dockerfiles in one folder).
	Cache *Cache
}

// Cache shares listings; the zero value is ready. Drop it (or Clear it)
// when files change.
type Cache struct {
	mu sync.Mutex
	m  map[string]*listing
}

// Clear forgets every listing.
func (k *Cache) Clear() {
	k.mu.Lock()
	k.m = nil
	k.mu.Unlock()
}

// listing is what a walk found; shared, never modified after the walk.
type listing struct {
	entries  []Entry // sorted by Path
	index    map[string]int
	complete bool
}

// Context is one opened build context.
type Context struct {
	root *safefs.Root
	// Dir is the context folder relative to the root ("." for the root).
	Dir string
	// IgnoreFile is the ignore file in force, relative to the root ("" for none).
	IgnoreFile string
	// Patterns are the ignore file's patterns as BuildKit reads them.
	Patterns []string
	matcher  *patternmatcher.PatternMatcher
	*listing
	// Complete is false when the walk stopped at the bound.
	Complete bool
	// Explicit is set when the context folder was configured (`context:`
	// of .msls.yaml) rather than assumed to be the Dockerfile's folder.
	Explicit bool
	memo     sync.Map // lookupKey -> Result
	memoN    atomic.Int64
}

// Open reads the ignore file and lists the context. A context folder that
// leaves the root, or does not exist, is an error (callers then know nothing
// of the context); an unreadable or invalid ignore file is an error too,
// because BuildKit would fail the build on it.
func Open(o Options) (*Context, error) {
	if o.Root == nil {
		return nil, ErrOutside
	}
	dfDir := path.Dir(path.Clean(o.Dockerfile))
	dir := path.Clean(path.Join(dfDir, o.Context))
	if path.IsAbs(o.Context) {
		return nil, ErrOutside
	}
	if _, ok := o.Root.Rel(dir); !ok {
		return nil, ErrOutside
	}
	st, err := o.Root.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: errors.New("not a directory")}
	}
	c := &Context{root: o.Root, Dir: dir, Explicit: o.Context != ""}

	// BuildKit (frontend/dockerui) reads `<Dockerfile>.dockerignore` beside
	// the Dockerfile first and falls back to the context's `.dockerignore`.
	for _, name := range []string{path.Clean(o.Dockerfile) + ".dockerignore", path.Join(dir, ".dockerignore")} {
		data, err := o.Root.ReadFile(name, safefs.MaxConfig)
		if tooLarge := new(safefs.TooLargeError); errors.As(err, &tooLarge) {
			return nil, err // BuildKit fails on it too: never pretend it is absent
		}
		if err != nil {
			continue // absent, not a regular file, or a link leaving the root
		}
		pats, err := ignorefile.ReadAll(strings.NewReader(string(data)))
		if err != nil {
			return nil, err
		}
		c.IgnoreFile, c.Patterns = name, pats
		break
	}
	if len(c.Patterns) > 0 {
		m, err := patternmatcher.New(c.Patterns)
		if err != nil {
			return nil, err
		}
		c.matcher = m
	}
	limit := o.MaxEntries
	if limit <= 0 {
		limit = MaxEntries
	}
	key := fmt.Sprintf("%s\x00%s\x00%d\x00%s", dir, c.IgnoreFile, limit, strings.Join(c.Patterns, "\n"))
	if o.Cache != nil {
		o.Cache.mu.Lock()
		c.listing = o.Cache.m[key]
		o.Cache.mu.Unlock()
	}
	if c.listing == nil {
		c.listing = &listing{index: map[string]int{}, complete: true}
		c.walk(limit)
		if o.Cache != nil {
			o.Cache.mu.Lock()
			if o.Cache.m == nil {
				o.Cache.m = map[string]*listing{}
			}
			o.Cache.m[key] = c.listing
			o.Cache.mu.Unlock()
		}
	}
	c.Complete = c.listing.complete
	return c, nil
}

func (c *Context) walk(limit int) {
	fsys := c.root.FS()
	start := c.Dir
	exceptions := c.matcher != nil && c.matcher.Exclusions()
	_ = fs.WalkDir(fsys, start, func(p string, d fs.DirEntry, err error) error {
		if p == start {
			return err
		}
		if err != nil {
			// an unreadable folder: its contents are unknown
			if d != nil && d.IsDir() {
				c.markOpaque(p, start)
				return fs.SkipDir
			}
			return nil
		}
		if len(c.entries) >= limit {
			c.complete = false
			return fs.SkipAll
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p, start), "/")
		if start == "." {
			rel = p
		}
		e := Entry{Path: rel, Dir: d.IsDir(), Link: d.Type()&fs.ModeSymlink != 0}
		e.Ignored = c.Ignored(rel)
		skip := false
		if e.Dir {
			switch {
			case opaqueDirs[path.Base(rel)]:
				e.Opaque, skip = true, true
			case e.Ignored && !exceptions:
				// BuildKit does not descend either: nothing below is sent
				e.Opaque, skip = true, true
			}
		}
		c.index[rel] = len(c.entries)
		c.entries = append(c.entries, e)
		if skip {
			return fs.SkipDir
		}
		return nil
	})
	sort.Slice(c.entries, func(i, j int) bool { return c.entries[i].Path < c.entries[j].Path })
	for i, e := range c.entries {
		c.index[e.Path] = i
	}
}

func (c *Context) markOpaque(p, start string) {
	rel := strings.TrimPrefix(strings.TrimPrefix(p, start), "/")
	if i, ok := c.index[rel]; ok {
		c.entries[i].Opaque = true
	}
}

// Ignored reports whether the ignore file excludes a context-relative path
// (BuildKit's rule: the last matching pattern wins, a folder's exclusion
// covers what is below it).
func (c *Context) Ignored(p string) bool {
	if c == nil || c.matcher == nil {
		return false
	}
	ok, err := c.matcher.MatchesOrParentMatches(p)
	return err == nil && ok
}

// HasExceptions reports whether the ignore file has `!` patterns.
func (c *Context) HasExceptions() bool { return c != nil && c.matcher != nil && c.matcher.Exclusions() }

// Entries lists the context in path order (bounded; see Complete).
func (c *Context) Entries() []Entry { return c.entries }

// Entry finds a context-relative path in the listing.
func (c *Context) Entry(p string) (Entry, bool) {
	if c == nil {
		return Entry{}, false
	}
	i, ok := c.index[p]
	if !ok {
		return Entry{}, false
	}
	return c.entries[i], true
}

// Abs is the absolute file-system path of a context-relative path.
func (c *Context) Abs(p string) string {
	return filepath.Join(c.root.Dir(), filepath.FromSlash(path.Join(c.Dir, p)))
}

// Children lists the entries directly inside a context folder ("." for the
// top), ignored ones included (callers decide); known is false when the
// folder was not listed.
func (c *Context) Children(dir string) (out []Entry, known bool) {
	dir = path.Clean(dir)
	if dir != "." {
		e, ok := c.Entry(dir)
		if !ok || !e.Dir || e.Opaque || e.Link {
			return nil, false
		}
	}
	prefix := dir + "/"
	if dir == "." {
		prefix = ""
	}
	i := sort.Search(len(c.entries), func(i int) bool { return c.entries[i].Path >= prefix })
	for ; i < len(c.entries) && strings.HasPrefix(c.entries[i].Path, prefix); i++ {
		if !strings.Contains(c.entries[i].Path[len(prefix):], "/") {
			out = append(out, c.entries[i])
		}
	}
	return out, c.Complete
}

// CleanSource is a COPY/ADD source as a context-relative path: BuildKit
// resolves sources against the context root, so a leading `/` and any `..`
// that would climb above it are clamped to the root.
func CleanSource(src string) string {
	p := strings.TrimPrefix(path.Clean("/"+src), "/")
	if p == "" {
		return "."
	}
	return p
}

// HasWildcards reports whether a source is a pattern (BuildKit's
// containsWildcards: `*`, `?` or `[` not escaped by a backslash).
func HasWildcards(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '*', '?', '[':
			return true
		}
	}
	return false
}

// IgnoreFileAbs is the absolute path of the ignore file in force ("" for none).
func (c *Context) IgnoreFileAbs() string {
	if c.IgnoreFile == "" {
		return ""
	}
	return filepath.Join(c.root.Dir(), filepath.FromSlash(c.IgnoreFile))
}

// ReadIgnoreFile reads the ignore file in force (through the root).
func (c *Context) ReadIgnoreFile() ([]byte, error) {
	return c.root.ReadFile(c.IgnoreFile, safefs.MaxConfig)
}

// InUnlistedDir reports whether a slash-separated path passes through a
// folder whose contents are never listed (node_modules, .git, ...): a file
// appearing there changes no listing.
func InUnlistedDir(p string) bool {
	parts := strings.Split(p, "/")
	for _, d := range parts[:len(parts)-1] {
		if opaqueDirs[d] {
			return true
		}
	}
	return false
}
