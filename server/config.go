package server

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sync"
	"time"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/internal/config"
	"github.com/msls-dev/msls/internal/safefs"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// Rule configuration in the server, the same as the CLI's. Precedence,
// lowest first, each layer overriding the one below rule by rule
// (config.Merge):
//
//  1. the defaults;
//  2. initializationOptions (read once, on first use);
//  3. workspace settings: workspace/didChangeConfiguration, or the client's
//     answer to workspace/configuration section "msls" when it supports it.
//     Each answer replaces this layer as a whole; an empty answer ({} or
//     null) sets nothing, so it leaves initializationOptions in force;
//  4. the .msls.yaml found from the document's directory upward, so that the
//     editor shows what `msls check` in CI reports.
//
// Unlike the CLI, the file search stops at the workspace folder holding the
// document, and a document in no folder gets no file at all (workspace.go);
// the search and the read go through os.Root on that folder (safefs), so a
// file swapped for a link mid-way is never read from outside. An invalid
// configuration is announced with window/showMessage (once per distinct
// message) and the defaults (or the last valid settings) are kept.

type ruleConfig struct {
	mu        sync.Mutex
	loaded    bool           // initializationOptions read
	init      *config.Config // from initializationOptions
	workspace *config.Config // from workspace settings
	files     map[string]fileConfig
	shown     map[string]bool
}

type fileConfig struct {
	mod  time.Time
	size int64
	cfg  *config.Config
	err  error
}

func (s *Server) ruleConfig() *ruleConfig { return s.rules }

func init() {
	registerNotification("workspace/didChangeConfiguration", didChangeConfiguration)
	registerNotification("initialized", func(ctx context.Context, s *Server, _ json.RawMessage) error {
		if caps := s.ClientCapabilities(); caps.Workspace != nil && caps.Workspace.Configuration {
			go s.pullConfiguration()
		}
		go s.registerContextWatchers()
		return nil
	})
}

// ruleOptions is the configuration that applies to a document.
func (s *Server) ruleOptions(snap *Snapshot) *diagnostics.Options {
	rc := s.ruleConfig()
	rc.mu.Lock()
	rc.loadInit(s)
	settings := config.Merge(rc.init, rc.workspace)
	rc.mu.Unlock()

	// the folder, its .msls.yaml and its build context: cached while file
	// watchers keep them fresh (buildcontext.go)
	d := s.docFolder(rc, snap.URI)
	c := config.Merge(settings, d.cfg)
	return s.withBuildContext(snap.URI, d, c, c.Options())
}

// loadInit reads initializationOptions once; callers hold rc.mu.
func (rc *ruleConfig) loadInit(s *Server) {
	if rc.loaded {
		return
	}
	rc.loaded = true
	if raw := s.InitializationOptions(); len(raw) > 0 {
		if c, ok := rc.parseSettings(s, raw, "initializationOptions"); ok {
			rc.init = c
		}
	}
}

// file loads (or reuses) the configuration file rel below root; an invalid
// one is reported once and ignored.
func (rc *ruleConfig) file(s *Server, root *safefs.Root, rel string) *config.Config {
	st, err := root.Stat(rel)
	if err != nil {
		return nil
	}
	key := filepath.Join(root.Dir(), filepath.FromSlash(rel))
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if fc, ok := rc.files[key]; ok && fc.mod.Equal(st.ModTime()) && fc.size == st.Size() {
		return fc.cfg
	}
	c, err := config.LoadIn(root, rel)
	rc.files[key] = fileConfig{mod: st.ModTime(), size: st.Size(), cfg: c, err: err}
	if err != nil {
		rc.report(s, err)
		return nil
	}
	return c
}

// setWorkspace replaces the workspace-settings layer; callers hold rc.mu.
func (rc *ruleConfig) setWorkspace(s *Server, raw json.RawMessage) bool {
	c, ok := rc.parseSettings(s, raw, "workspace settings")
	if ok {
		rc.workspace = c
	}
	return ok
}

// parseSettings parses client settings; callers hold rc.mu.
func (rc *ruleConfig) parseSettings(s *Server, raw json.RawMessage, source string) (*config.Config, bool) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		rc.report(s, &config.Error{Source: source, Msg: err.Error()})
		return nil, false
	}
	if m, ok := v.(map[string]any); ok {
		// initializationOptions may carry other features' settings next to
		// ours; only the rule keys (or an "msls" section) concern us here.
		if inner, ok := m["msls"]; ok {
			v = inner
		} else {
			keep := map[string]any{}
			for _, k := range []string{"rules", "buildkit", "inlineSuppression"} {
				if x, ok := m[k]; ok {
					keep[k] = x
				}
			}
			v = keep
		}
	}
	c, err := config.FromValue(v, source)
	if err != nil {
		rc.report(s, err)
		return nil, false
	}
	return c, true
}

func (rc *ruleConfig) report(s *Server, err error) {
	msg := err.Error() + " (using the defaults instead)"
	if rc.shown[msg] {
		return
	}
	rc.shown[msg] = true
	s.Logger().Warn("invalid configuration", zap.Error(err))
	go func() { _ = s.ShowMessage(protocol.MessageTypeError, "%s", msg) }()
}

func didChangeConfiguration(ctx context.Context, s *Server, raw json.RawMessage) error {
	// the user may have edited a .msls.yaml as well: resolve the folders
	// again (a client with file watchers has told us already)
	bs := s.buildState()
	bs.mu.Lock()
	if !bs.watching {
		clear(bs.dirs)
	}
	bs.mu.Unlock()
	if caps := s.ClientCapabilities(); caps.Workspace != nil && caps.Workspace.Configuration {
		// the client answers workspace/configuration: ask it, off the read loop
		go s.pullConfiguration()
		return nil
	}
	var p struct {
		Settings json.RawMessage `json:"settings"`
	}
	if err := json.Unmarshal(raw, &p); err != nil || len(p.Settings) == 0 || string(p.Settings) == "null" {
		return nil
	}
	rc := s.ruleConfig()
	rc.mu.Lock()
	rc.loadInit(s)
	ok := rc.setWorkspace(s, p.Settings)
	rc.mu.Unlock()
	if ok {
		s.RefreshDiagnostics()
	}
	return nil
}

// pullConfiguration asks the client for the "msls" section.
func (s *Server) pullConfiguration() {
	ctx, cancel := context.WithTimeout(s.BaseContext(), 10*time.Second)
	defer cancel()
	res, err := s.Configuration(ctx, []protocol.ConfigurationItem{{Section: "msls"}})
	if err != nil || len(res) == 0 || len(res[0]) == 0 || string(res[0]) == "null" {
		return
	}
	rc := s.ruleConfig()
	rc.mu.Lock()
	// Before the answer replaces the workspace layer, make sure
	// initializationOptions are in: they stay below it (an empty answer
	// leaves them in force).
	rc.loadInit(s)
	ok := rc.setWorkspace(s, json.RawMessage(`{"msls":`+string(res[0])+`}`))
	rc.mu.Unlock()
	if ok {
		s.RefreshDiagnostics()
	}
}
