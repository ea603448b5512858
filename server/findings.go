package server

import (
	"runtime/debug"

	"go.uber.org/zap"

	"github.com/msls-dev/msls/diagnostics"
)

// computeFindings is the one place the server decides which findings a
// document version gets: rule configuration (initializationOptions,
// workspace settings, .msls.yaml) plugs in here. It runs at most once per
// snapshot, off the read loop, and must not modify snap.
//
// Finding the .msls.yaml that applies (a walk up the document's directories,
// resolving symbolic links) is file-system work that does not need the
// parse: it runs beside it.
func (s *Server) computeFindings(snap *Snapshot) []diagnostics.Finding {
	if len(snap.Text) > maxCheckedBytes {
		return tooLargeFindings(snap) // see sizelimit.go
	}
	opts := make(chan *diagnostics.Options, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil { // never take the server down: defaults
				s.log.Error("panic while reading the rule configuration", zap.Any("panic", r), zap.ByteString("stack", debug.Stack()))
				opts <- nil
			}
		}()
		if s.beforeRuleOptions != nil {
			s.beforeRuleOptions()
		}
		opts <- s.ruleOptions(snap)
	}()
	f := snap.File()
	return s.engine.Check(string(snap.URI), f, <-opts)
}
