package server

import (
	"net/url"
	"path/filepath"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/msls-dev/msls/internal/config"
)

// The server reads files (.msls.yaml, build-context manifests) only inside
// the workspace folders (docs/safety.md): a document's directory counts as
// inside when its real path, symbolic links resolved, lies under a folder's
// real path. A document outside every folder, or under a directory linked in
// from elsewhere, gets no configuration file and no build context.

// uriPath is the file-system path of a file:// URI, "" for other schemes.
func uriPath(u string) string {
	pu, err := url.Parse(u)
	if err != nil || pu.Scheme != "file" {
		return ""
	}
	p := strings.TrimSpace(pu.Path)
	if len(p) >= 3 && p[0] == '/' && p[2] == ':' { // file:///C:/x on Windows
		p = p[1:]
	}
	if p == "" {
		return ""
	}
	return filepath.Clean(filepath.FromSlash(p))
}

// docDir is the directory of a file:// document, "" for other schemes.
func docDir(uri protocol.DocumentURI) string {
	p := uriPath(string(uri))
	if p == "" {
		return ""
	}
	return filepath.Dir(p)
}

// inWorkspace resolves dir to its real path and finds the workspace folder
// holding it. With nested folders the outermost one is the root, so the
// configuration lookup sees everything the workspace holds above the
// document. ok is false when dir is in no folder (or does not exist).
func (s *Server) inWorkspace(dir string) (realDir, realRoot string, ok bool) {
	if dir == "" {
		return "", "", false
	}
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil || !filepath.IsAbs(realDir) {
		return "", "", false
	}
	for _, f := range s.WorkspaceFolders() {
		p := uriPath(f.URI)
		if p == "" {
			continue
		}
		root, err := filepath.EvalSymlinks(p)
		if err != nil || !filepath.IsAbs(root) || !config.Within(realDir, root) {
			continue
		}
		if !ok || len(root) < len(realRoot) {
			realRoot, ok = root, true
		}
	}
	if !ok {
		return "", "", false
	}
	return realDir, realRoot, true
}
