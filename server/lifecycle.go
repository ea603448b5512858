package server

import (
	"bytes"
	"encoding/json"
	"net/url"
	"path"
	"path/filepath"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// initializeParams is the subset of InitializeParams msls reads, decoded
// leniently: protocol v0.12.0's ClientCapabilities does not match every
// client's (newer) capabilities, and a mismatch there must not refuse the
// session.
type initializeParams struct {
	ProcessID             *int32                     `json:"processId"`
	ClientInfo            *protocol.ClientInfo       `json:"clientInfo"`
	RootURI               protocol.DocumentURI       `json:"rootUri"`
	RootPath              string                     `json:"rootPath"`
	InitializationOptions json.RawMessage            `json:"initializationOptions"`
	Capabilities          json.RawMessage            `json:"capabilities"`
	WorkspaceFolders      []protocol.WorkspaceFolder `json:"workspaceFolders"`
}

func (s *Server) initialize(raw json.RawMessage) (any, error) {
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '{' {
		return nil, InvalidParams("initialize params must be an object")
	}
	var p initializeParams
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, InvalidParams("invalid initialize params: %v", err)
	}
	if len(p.Capabilities) > 0 {
		s.clientCapsRaw = p.Capabilities
		if err := json.Unmarshal(p.Capabilities, &s.clientCaps); err != nil {
			s.log.Warn("client capabilities only partly understood", zap.Error(err))
			s.clientCaps = decodeCapsLeniently(p.Capabilities)
		}
	}
	if t := bytes.TrimSpace(p.InitializationOptions); len(t) > 0 && !bytes.Equal(t, []byte("null")) {
		s.initOptions = p.InitializationOptions
	}
	s.clientInfo = p.ClientInfo
	// Clients that predate workspace folders send only rootUri, or only the
	// older rootPath: either is then the single folder.
	folders := p.WorkspaceFolders
	if len(folders) == 0 && p.RootURI != "" {
		folders = []protocol.WorkspaceFolder{{URI: string(p.RootURI), Name: path.Base(string(p.RootURI))}}
	}
	if len(folders) == 0 && p.RootPath != "" && filepath.IsAbs(p.RootPath) {
		u := (&url.URL{Scheme: "file", Path: filepath.ToSlash(p.RootPath)}).String()
		folders = []protocol.WorkspaceFolder{{URI: u, Name: filepath.Base(p.RootPath)}}
	}
	s.foldersMu.Lock()
	s.folders = folders
	s.foldersMu.Unlock()

	caps := protocol.ServerCapabilities{
		TextDocumentSync: protocol.TextDocumentSyncOptions{
			OpenClose: true,
			Change:    protocol.TextDocumentSyncKindIncremental,
			Save:      &protocol.SaveOptions{},
		},
		Workspace: &protocol.ServerCapabilitiesWorkspace{
			WorkspaceFolders: &protocol.ServerCapabilitiesWorkspaceFolders{
				Supported:           true,
				ChangeNotifications: true,
			},
		},
	}
	for _, f := range capabilityFuncs {
		f(&caps, &s.clientCaps)
	}
	s.state.Store(stateRunning)
	name := "<unknown>"
	if p.ClientInfo != nil {
		name = p.ClientInfo.Name + " " + p.ClientInfo.Version
	}
	s.log.Info("initialized", zap.String("client", name), zap.Int("folders", len(folders)))
	return withExtraCapabilities(protocol.InitializeResult{
		Capabilities: caps,
		ServerInfo:   &protocol.ServerInfo{Name: s.opts.Name, Version: s.opts.Version},
	}, s.clientCapsRaw), nil
}

// decodeCapsLeniently drops the parts of the client capabilities that do not
// decode into protocol v0.12.0's types (two levels deep: section, then
// feature) and decodes the rest.
func decodeCapsLeniently(raw json.RawMessage) protocol.ClientCapabilities {
	var caps protocol.ClientCapabilities
	var sections map[string]json.RawMessage
	if json.Unmarshal(raw, &sections) != nil {
		return caps
	}
	fits := func(v any) bool {
		b, _ := json.Marshal(v)
		var c protocol.ClientCapabilities
		return json.Unmarshal(b, &c) == nil
	}
	clean := map[string]any{}
	for name, v := range sections {
		if fits(map[string]json.RawMessage{name: v}) {
			clean[name] = v
			continue
		}
		var features map[string]json.RawMessage
		if json.Unmarshal(v, &features) != nil {
			continue
		}
		kept := map[string]json.RawMessage{}
		for k, fv := range features {
			if fits(map[string]any{name: map[string]json.RawMessage{k: fv}}) {
				kept[k] = fv
			}
		}
		clean[name] = kept
	}
	b, _ := json.Marshal(clean)
	_ = json.Unmarshal(b, &caps)
	return caps
}
