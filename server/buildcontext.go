package server

import (
	"context"
	"encoding/json"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/internal/buildcontext"
	"github.com/msls-dev/msls/internal/config"
	"github.com/msls-dev/msls/internal/safefs"
)

// The build context and the per-folder configuration, cached per workspace
// folder so that a keystroke neither walks the context nor looks for
// .msls.yaml. When the client lets msls register file watchers
// (workspace/didChangeWatchedFiles with dynamicRegistration), the caches
// live until a watched file changes; otherwise the configuration lookup is
// resolved again at most every contextTTL and a context is re-listed at most
// every contextTTL. Everything is read through safefs.Root on the workspace
// folder: a context that leaves the folder is unknown (docs/safety.md).
//
// The state is a small self-contained value (buildState), one per Server.

// contextTTL bounds how stale a context listing or a folder's configuration
// can be for a client that sends no file events. Looking the configuration
// up on every keystroke (symbolic links resolved, the folder opened, the
// directories walked up) showed in every keystroke's profile
// (docs/performance.md).
const contextTTL = 3 * time.Second

// maxContexts bounds the cached listings (each up to buildcontext.MaxEntries
// entries).
const maxContexts = 32

type buildState struct {
	mu       sync.Mutex
	watching bool   // the client accepted our file watchers
	gen      uint64 // bumped by every batch of file events
	folders  string // the workspace folders the caches were made for
	roots    map[string]*safefs.Root
	ctxs     map[ctxKey]*ctxEntry
	dirs     map[string]*dirEntry
	lists    buildcontext.Cache
	refresh  *time.Timer
}

type ctxKey struct{ root, dockerfile, context string }

type ctxEntry struct {
	c    *buildcontext.Context
	err  error
	at   time.Time
	used time.Time
}

// dirEntry is what a document's folder resolves to: its real path, the
// workspace folder holding it, and the .msls.yaml that applies.
type dirEntry struct {
	realDir, realRoot string
	ok                bool
	cfg               *config.Config
	at                time.Time // when it was resolved
}

func newBuildState() *buildState {
	return &buildState{roots: map[string]*safefs.Root{}, ctxs: map[ctxKey]*ctxEntry{}, dirs: map[string]*dirEntry{}}
}

func (s *Server) buildState() *buildState { return s.build }

func init() {
	registerNotification("workspace/didChangeWatchedFiles", didChangeWatchedFiles)
}

// foldersKey identifies the current workspace folders: caches made for
// other folders are dropped.
func (s *Server) foldersKey() string {
	var b strings.Builder
	for _, f := range s.WorkspaceFolders() {
		b.WriteString(f.URI)
		b.WriteByte(0)
	}
	return b.String()
}

// docFolder resolves a document's folder and its configuration file. With
// watchers the answer is cached until a file event; without, for
// contextTTL (a configuration file's modification time then decides
// whether to parse it again).
func (s *Server) docFolder(rc *ruleConfig, uri protocol.DocumentURI) dirEntry {
	dir := docDir(uri)
	bs := s.buildState()
	fk := s.foldersKey()
	now := time.Now()
	bs.mu.Lock()
	if bs.folders != fk {
		bs.resetLocked()
		bs.folders = fk
	}
	if d, ok := bs.dirs[dir]; ok && (bs.watching || now.Sub(d.at) < contextTTL) {
		bs.mu.Unlock()
		return *d
	}
	bs.mu.Unlock()

	d := dirEntry{at: now}
	d.realDir, d.realRoot, d.ok = s.inWorkspace(dir)
	if d.ok {
		// found and read through os.Root on the folder: no check-then-open gap
		if r, err := safefs.OpenRoot(d.realRoot); err == nil {
			if p := config.FindIn(r, d.realDir); p != "" {
				d.cfg = rc.file(s, r, p)
			}
			r.Close()
		}
	}
	bs.mu.Lock()
	if bs.folders == fk {
		if len(bs.dirs) >= maxContexts && !bs.watching {
			for k, e := range bs.dirs { // drop the expired ones
				if now.Sub(e.at) >= contextTTL {
					delete(bs.dirs, k)
				}
			}
		}
		bs.dirs[dir] = &d
	}
	bs.mu.Unlock()
	return d
}

// withBuildContext adds the document's build context to the options (a
// copy; o may be shared).
func (s *Server) withBuildContext(uri protocol.DocumentURI, d dirEntry, c *config.Config, o *diagnostics.Options) *diagnostics.Options {
	return o.WithContext(s.contextFor(uri, d, c))
}

// contextFor opens (or reuses) the build context of a document; nil when it
// is unknown: no workspace folder, a context leaving the folder, an
// unreadable ignore file.
func (s *Server) contextFor(uri protocol.DocumentURI, d dirEntry, c *config.Config) *buildcontext.Context {
	if !d.ok {
		return nil
	}
	relDir, err := filepath.Rel(d.realRoot, d.realDir)
	if err != nil {
		return nil
	}
	df := path.Join(filepath.ToSlash(relDir), path.Base(filepath.ToSlash(uriPath(string(uri)))))
	ctxDir := ""
	if c != nil {
		ctxDir = c.Context
	}
	key := ctxKey{d.realRoot, df, ctxDir}
	bs := s.buildState()
	now := time.Now()
	bs.mu.Lock()
	// a context that could not be opened is retried after contextTTL even
	// with watchers (the failure may have been a folder change in between)
	if e, ok := bs.ctxs[key]; ok && (bs.watching && e.c != nil || now.Sub(e.at) < contextTTL) {
		e.used = now
		bs.mu.Unlock()
		return e.c
	}
	root := bs.roots[d.realRoot]
	bs.mu.Unlock()
	if root == nil {
		r, err := safefs.OpenRoot(d.realRoot)
		if err != nil {
			return nil
		}
		bs.mu.Lock()
		if old := bs.roots[d.realRoot]; old != nil {
			r.Close()
			r = old
		} else {
			bs.roots[d.realRoot] = r
		}
		bs.mu.Unlock()
		root = r
	}
	bc, err := buildcontext.Open(buildcontext.Options{Root: root, Dockerfile: df, Context: ctxDir, Cache: &bs.lists})
	if err != nil {
		s.log.Debug("build context unknown", zap.String("dockerfile", df), zap.Error(err))
		bc = nil
	}
	bs.mu.Lock()
	if len(bs.ctxs) >= maxContexts {
		var oldest ctxKey
		var at time.Time
		for k, e := range bs.ctxs {
			if at.IsZero() || e.used.Before(at) {
				oldest, at = k, e.used
			}
		}
		delete(bs.ctxs, oldest)
	}
	bs.ctxs[key] = &ctxEntry{c: bc, err: err, at: now, used: now}
	bs.mu.Unlock()
	return bc
}

// documentContext is the build context for editor features (completion,
// links, hover): the same cached value the diagnostics use.
func (s *Server) documentContext(uri protocol.DocumentURI) *buildcontext.Context {
	rc := s.ruleConfig()
	d := s.docFolder(rc, uri)
	rc.mu.Lock()
	rc.loadInit(s)
	settings := config.Merge(rc.init, rc.workspace)
	rc.mu.Unlock()
	return s.contextFor(uri, d, config.Merge(settings, d.cfg))
}

// resetLocked drops every cached answer; callers hold bs.mu.
func (bs *buildState) resetLocked() {
	bs.lists.Clear()
	clear(bs.ctxs)
	clear(bs.dirs)
	for k, r := range bs.roots {
		r.Close()
		delete(bs.roots, k)
	}
}

// watchGlobs: any file created or deleted can change a listing (a COPY
// source appearing); content changes matter for ignore and config files.
var watchGlobs = []protocol.FileSystemWatcher{
	{GlobPattern: "**/*", Kind: protocol.WatchKindCreate + protocol.WatchKindDelete},
	{GlobPattern: "**/{.dockerignore,*.dockerignore,.msls.yaml,.msls.yml,.hadolint.yaml,.hadolint.yml}", Kind: protocol.WatchKindCreate + protocol.WatchKindChange + protocol.WatchKindDelete},
}

// registerContextWatchers asks the client to watch the files the caches
// depend on; called after `initialized`, off the read loop.
func (s *Server) registerContextWatchers() {
	caps := s.ClientCapabilities()
	if caps.Workspace == nil || caps.Workspace.DidChangeWatchedFiles == nil || !caps.Workspace.DidChangeWatchedFiles.DynamicRegistration {
		return
	}
	ctx, cancel := context.WithTimeout(s.BaseContext(), 10*time.Second)
	defer cancel()
	params := protocol.RegistrationParams{Registrations: []protocol.Registration{{
		ID:              "msls-build-context",
		Method:          "workspace/didChangeWatchedFiles",
		RegisterOptions: protocol.DidChangeWatchedFilesRegistrationOptions{Watchers: watchGlobs},
	}}}
	if err := s.Call(ctx, "client/registerCapability", params, nil); err != nil {
		s.log.Debug("file watchers not registered", zap.Error(err))
		return
	}
	bs := s.buildState()
	bs.mu.Lock()
	bs.watching = true
	bs.lists.Clear() // made before the watchers: maybe stale already
	clear(bs.ctxs)
	clear(bs.dirs)
	bs.mu.Unlock()
}

// didChangeWatchedFiles drops the caches and re-checks the open documents,
// once per burst of events (a checkout or an install sends many).
func didChangeWatchedFiles(_ context.Context, s *Server, raw json.RawMessage) error {
	var p protocol.DidChangeWatchedFilesParams
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil
	}
	s.targetsFilesChanged(p.Changes) // the index of build targets (targets.go), in the background
	// an install or a build writes thousands of files below node_modules,
	// target/ or .git: none of them is listed, so none changes an answer
	relevant := false
	for _, ch := range p.Changes {
		if ch != nil && !buildcontext.InUnlistedDir(filepath.ToSlash(uriPath(string(ch.URI)))) {
			relevant = true
			break
		}
	}
	if !relevant {
		return nil
	}
	bs := s.buildState()
	bs.mu.Lock()
	defer bs.mu.Unlock()
	bs.gen++
	bs.lists.Clear()
	clear(bs.ctxs)
	clear(bs.dirs)
	if bs.refresh == nil {
		bs.refresh = time.AfterFunc(100*time.Millisecond, func() {
			bs.mu.Lock()
			bs.refresh = nil
			bs.mu.Unlock()
			s.RefreshDiagnostics()
		})
	}
	return nil
}

func (bs *buildState) isWatching() bool {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	return bs.watching
}
