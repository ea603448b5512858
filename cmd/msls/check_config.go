package main

import (
	"flag"
	"path/filepath"
	"sync"

	"github.com/msls-dev/msls/config"
	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
)

// --config FILE applies one configuration to every file; without it each
// file uses the .msls.yaml found from its directory upward (the server does
// the same). An invalid configuration is a usage error (exit 2).
func init() {
	var path string
	registerCheckExtension(checkExtension{
		Flags: func(fs *flag.FlagSet) {
			fs.StringVar(&path, "config", "", "configuration file (default: .msls.yaml found from each Dockerfile's directory upward)")
		},
		Setup: func(run *checkRun) error {
			contexts := newCheckContexts()
			if path != "" {
				c, err := config.Load(path)
				if err != nil {
					return usageError{err.Error()}
				}
				opts := diagnostics.FirstSight(c.Options())
				run.Lint = func(p string, f *dockerfile.File) ([]diagnostics.Finding, error) {
					return diagnostics.CheckWith(f, contexts.with(p, c, opts)), nil
				}
				return nil
			}
			var mu sync.Mutex
			byDir := map[string]*diagnostics.Options{}
			byFile := map[string]*diagnostics.Options{}
			cfgs := map[string]*config.Config{} // by directory, for `context:`
			errs := map[string]error{}
			run.Lint = func(p string, f *dockerfile.File) ([]diagnostics.Finding, error) {
				dir := "."
				if p != "-" {
					dir = filepath.Dir(p)
				}
				mu.Lock()
				opts, ok := byDir[dir]
				if !ok {
					// Up to the file-system root, unlike the server (which stops
					// at the workspace folder): the user named this file, and a
					// repository's .msls.yaml must apply wherever it is run from.
					if cp := config.Find(dir); cp != "" {
						if o, seen := byFile[cp]; seen {
							opts = o
						} else if c, err := config.Load(cp); err != nil {
							errs[cp] = err
							errs[dir] = err
						} else {
							opts = c.Options()
							byFile[cp] = opts
							cfgs[cp] = c
						}
						cfgs[dir] = cfgs[cp]
					}
					byDir[dir] = opts
				}
				err := errs[dir]
				cfg := cfgs[dir]
				mu.Unlock()
				if err != nil {
					return nil, err
				}
				return diagnostics.CheckWith(f, contexts.with(p, cfg, diagnostics.FirstSight(opts))), nil
			}
			return nil
		},
	})
}
