package main

import (
	"os"
	"path"
	"path/filepath"
	"sync"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/internal/buildcontext"
	"github.com/msls-dev/msls/internal/config"
	"github.com/msls-dev/msls/internal/safefs"
)

// checkContexts gives `msls check` the same build contexts the server uses
// (package buildcontext, through safefs). The folder msls may read plays the
// part of the workspace folder: the current directory when the Dockerfile
// lies below it (a repository checked from its root, the usual CI case),
// otherwise the Dockerfile's own folder. A `context:` leaving that folder
// makes the context unknown. One listing per (folder, Dockerfile, context)
// per run.
type checkContexts struct {
	mu    sync.Mutex
	wd    string // the current directory's real path ("" when unknown)
	dirs  map[string]dirPlace
	roots map[string]*safefs.Root
	ctxs  map[[3]string]*buildcontext.Context
	lists buildcontext.Cache
}

// dirPlace is where a Dockerfile's folder (as named) lies: the folder msls
// may read and the Dockerfile folder's path inside it.
type dirPlace struct {
	root, rel string
	ok        bool
}

func newCheckContexts() *checkContexts {
	cc := &checkContexts{dirs: map[string]dirPlace{}, roots: map[string]*safefs.Root{}, ctxs: map[[3]string]*buildcontext.Context{}}
	if wd, err := os.Getwd(); err == nil {
		if wd, err := filepath.EvalSymlinks(wd); err == nil {
			cc.wd = wd
		}
	}
	return cc
}

// place resolves a folder once per run (symbolic links, the current directory).
func (cc *checkContexts) place(dir string) dirPlace {
	cc.mu.Lock()
	pl, ok := cc.dirs[dir]
	cc.mu.Unlock()
	if ok {
		return pl
	}
	abs, err := filepath.Abs(dir)
	if err == nil {
		abs, err = filepath.EvalSymlinks(abs)
	}
	if err == nil {
		pl.root = abs
		if cc.wd != "" && config.Within(abs, cc.wd) {
			pl.root = cc.wd
		}
		if rel, err := filepath.Rel(pl.root, abs); err == nil {
			pl.rel, pl.ok = filepath.ToSlash(rel), true
		}
	}
	cc.mu.Lock()
	cc.dirs[dir] = pl
	cc.mu.Unlock()
	return pl
}

// with returns o with the build context of the Dockerfile at p (o itself
// when the context is unknown, or p is "-").
func (cc *checkContexts) with(p string, c *config.Config, o *diagnostics.Options) *diagnostics.Options {
	if p == "-" || p == "" {
		return o
	}
	return o.WithContext(cc.open(p, c))
}

func (cc *checkContexts) open(p string, c *config.Config) *buildcontext.Context {
	pl := cc.place(filepath.Dir(p))
	if !pl.ok {
		return nil
	}
	rootDir := pl.root
	df := path.Join(pl.rel, filepath.Base(p))
	ctxDir := ""
	if c != nil {
		ctxDir = c.Context
	}
	key := [3]string{rootDir, df, ctxDir}
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if bc, ok := cc.ctxs[key]; ok {
		return bc
	}
	root := cc.roots[rootDir]
	if root == nil {
		var err error
		if root, err = safefs.OpenRoot(rootDir); err != nil {
			return nil
		}
		cc.roots[rootDir] = root
	}
	bc, err := buildcontext.Open(buildcontext.Options{Root: root, Dockerfile: df, Context: ctxDir, Cache: &cc.lists})
	if err != nil {
		bc = nil
	}
	cc.ctxs[key] = bc
	return bc
}
