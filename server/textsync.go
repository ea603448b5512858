package server

import (
	"context"
	"encoding/json"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/msls-dev/msls/dockerfile"
)

// contentChange is TextDocumentContentChangeEvent with an optional range:
// protocol v0.12.0 makes Range a value, which cannot tell a full-text change
// from an edit at 0:0-0:0.
type contentChange struct {
	Range *protocol.Range `json:"range,omitempty"`
	Text  string          `json:"text"`
}

type didChangeParams struct {
	TextDocument   protocol.VersionedTextDocumentIdentifier `json:"textDocument"`
	ContentChanges []contentChange                          `json:"contentChanges"`
}

func didOpen(_ context.Context, s *Server, raw json.RawMessage) error {
	var p protocol.DidOpenTextDocumentParams
	if err := decodeParams(raw, &p); err != nil {
		return err
	}
	doc := p.TextDocument
	s.targetsStart()
	kind, foreign := targetDocKind(doc.URI, string(doc.LanguageID))
	if foreign {
		return nil // YAML, HCL, JSON... that is no compose or bake file
	}
	snap := s.newSnapshot(doc.URI, doc.Version, string(doc.LanguageID), []byte(doc.Text))
	snap.targetKind = kind // compose or bake: see targets.go
	s.updateDocs(func(m docMap) { m[doc.URI] = snap })
	s.queueDiagnostics(doc.URI)
	return nil
}

func didChange(_ context.Context, s *Server, raw json.RawMessage) error {
	var p didChangeParams
	if err := decodeParams(raw, &p); err != nil {
		return err
	}
	uri := p.TextDocument.URI
	cur, ok := s.Latest(uri)
	if !ok {
		s.log.Warn("change to a document that is not open", zap.String("uri", string(uri)))
		return nil
	}
	text := applyChanges(cur.Text, p.ContentChanges)
	snap := s.nextSnapshot(cur, p.TextDocument.Version, text)
	s.updateDocs(func(m docMap) { m[uri] = snap })
	s.queueDiagnostics(uri)
	return nil
}

// applyChanges applies content changes in order and returns new text; text
// itself is never modified (older snapshots still share it). Out-of-range
// positions are clamped as the specification asks.
func applyChanges(text []byte, changes []contentChange) []byte {
	for _, c := range changes {
		if c.Range == nil {
			// Later changes apply to this text; earlier ones are irrelevant.
			text = []byte(c.Text)
			continue
		}
		lines := dockerfile.NewLineIndex(text)
		start, _ := lines.Offset(dockerfile.Position{Line: int(c.Range.Start.Line), Character: int(c.Range.Start.Character)})
		end, _ := lines.Offset(dockerfile.Position{Line: int(c.Range.End.Line), Character: int(c.Range.End.Character)})
		if end < start {
			start, end = end, start
		}
		next := make([]byte, 0, len(text)-(end-start)+len(c.Text))
		next = append(next, text[:start]...)
		next = append(next, c.Text...)
		next = append(next, text[end:]...)
		text = next
	}
	return text
}

func didClose(_ context.Context, s *Server, raw json.RawMessage) error {
	var p protocol.DidCloseTextDocumentParams
	if err := decodeParams(raw, &p); err != nil {
		return err
	}
	s.closeDocument(p.TextDocument.URI)
	return nil
}

func didChangeWorkspaceFolders(_ context.Context, s *Server, raw json.RawMessage) error {
	var p protocol.DidChangeWorkspaceFoldersParams
	if err := decodeParams(raw, &p); err != nil {
		return err
	}
	s.foldersMu.Lock()
	var kept []protocol.WorkspaceFolder
	for _, f := range s.folders {
		removed := false
		for _, r := range p.Event.Removed {
			if r.URI == f.URI {
				removed = true
				break
			}
		}
		if !removed {
			kept = append(kept, f)
		}
	}
	s.folders = append(kept, p.Event.Added...)
	s.foldersMu.Unlock()
	// Which configuration file applies depends on the folders.
	s.RefreshDiagnostics()
	go s.targetsRebuild()
	return nil
}
