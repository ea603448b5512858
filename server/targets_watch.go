package server

import (
	"context"
	"encoding/json"

	"go.lsp.dev/protocol"
)

// The build-context work (branch h/context) adds the server's
// workspace/didChangeWatchedFiles handler; when both are merged, that
// handler calls s.targetsFilesChanged(p.Changes) and this file goes.
func init() {
	registerNotification("workspace/didChangeWatchedFiles", func(_ context.Context, s *Server, raw json.RawMessage) error {
		var p protocol.DidChangeWatchedFilesParams
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil
		}
		s.targetsFilesChanged(p.Changes)
		return nil
	})
}
