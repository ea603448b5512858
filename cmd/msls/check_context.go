package main

import (
	"os"
	"path"
	"path/filepath"
	"sync"

	"github.com/msls-dev/msls/buildcontext"
	"github.com/msls-dev/msls/config"
	"github.com/msls-dev/msls/diagnostics"
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
	roots map[string]*safefs.Root
	ctxs  map[[3]string]*buildcontext.Context
	lists buildcontext.Cache
}

func newCheckContexts() *checkContexts {
	return &checkContexts{roots: map[string]*safefs.Root{}, ctxs: map[[3]string]*buildcontext.Context{}}
}

// with returns o with the build context of the Dockerfile at p (o itself
// when the context is unknown, or p is "-").
func (cc *checkContexts) with(p string, c *config.Config, o *diagnostics.Options) *diagnostics.Options {
	if p == "-" || p == "" {
		return o
	}
	bc := cc.open(p, c)
	if bc == nil {
		return o
	}
	var cp diagnostics.Options
	if o != nil {
		cp = *o
	}
	cp.Context = bc
	return &cp
}

func (cc *checkContexts) open(p string, c *config.Config) *buildcontext.Context {
	abs, err := filepath.Abs(p)
	if err != nil {
		return nil
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(abs))
	if err != nil {
		return nil
	}
	rootDir := dir
	if wd, err := os.Getwd(); err == nil {
		if wd, err := filepath.EvalSymlinks(wd); err == nil && config.Within(dir, wd) {
			rootDir = wd
		}
	}
	rel, err := filepath.Rel(rootDir, dir)
	if err != nil {
		return nil
	}
	df := path.Join(filepath.ToSlash(rel), filepath.Base(abs))
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
