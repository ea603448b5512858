package main

import (
	"flag"
	"os"
	"path/filepath"
	"sync"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/config"
	"github.com/msls-dev/msls/internal/engine"
)

// checkEngine is the state of one `msls check` run (see package engine):
// each file is seen once, so its cache entries are dropped once it is
// checked; a recovered panic is logged to stderr with its stack.
func checkEngine() (check func(path string, f *dockerfile.File, opts *diagnostics.Options) []diagnostics.Finding) {
	log, _, err := newLogger("error", "", os.Stderr)
	if err != nil {
		log = nil
	}
	eng := engine.New(log)
	return func(path string, f *dockerfile.File, opts *diagnostics.Options) []diagnostics.Finding {
		eng.Open(path)
		defer eng.Close(path)
		return eng.Check(path, f, opts)
	}
}

// --config FILE applies one configuration to every file; without it each
// file uses the .msls.yaml found from its directory upward (the server does
// the same). An invalid configuration is a usage error (exit 2).
func init() {
	var path string
	var flags *flag.FlagSet
	registerCheckExtension(checkExtension{
		Flags: func(fs *flag.FlagSet) {
			flags = fs
			fs.StringVar(&path, "config", "", "configuration file (default: .msls.yaml, else .hadolint.yaml, found from each Dockerfile's directory upward)")
		},
		Setup: func(run *checkRun) error {
			check := checkEngine()
			contexts := newCheckContexts()
			// hadolint's failure-threshold stands in for --fail-level when the
			// command line does not give one; with several configuration
			// files, the one that fails on the most wins (the result does not
			// depend on the order files are checked in).
			explicitLevel := false
			flags.Visit(func(f *flag.Flag) { explicitLevel = explicitLevel || f.Name == "fail-level" })
			fromConfig := false
			threshold := func(c *config.Config) { // callers hold mu, or run alone
				if explicitLevel || c == nil || c.FailureThreshold == "" {
					return
				}
				cur, _ := parseFailLevel(run.FailLevel)
				if lvl, ok := parseFailLevel(c.FailureThreshold); ok && (!fromConfig || lvl > cur) {
					run.FailLevel, fromConfig = c.FailureThreshold, true
				}
			}
			if path != "" {
				c, err := config.Load(path)
				if err != nil {
					return usageError{err.Error()}
				}
				threshold(c)
				opts := c.Options()
				run.Lint = func(p string, f *dockerfile.File) ([]diagnostics.Finding, error) {
					return check(p, f, contexts.with(p, c, opts)), nil
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
							threshold(c)
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
				return check(p, f, contexts.with(p, cfg, opts)), nil
			}
			return nil
		},
	})
}
