package server

import (
	"runtime/debug"

	"go.uber.org/zap"

	"github.com/msls-dev/msls/diagnostics"
)

// computeFindings is the one place the server decides which findings a
// document version gets: rule configuration (initializationOptions,
// workspace settings, .msls.yaml) plugs in here. It runs at most once per
// snapshot, off the read loop, and must not modify snap. Everything runs in
// the caller's goroutine (see CheckWith for why).
func (s *Server) computeFindings(snap *Snapshot) []diagnostics.Finding {
	if len(snap.Text) > maxCheckedBytes {
		return tooLargeFindings(snap) // see sizelimit.go
	}
	if snap.targetKind != "" {
		return s.targetFindings(snap) // a compose or bake document
	}
	opts := s.safeRuleOptions(snap)
	f := snap.File()
	return s.engine.Check(string(snap.URI), f, opts)
}

// safeRuleOptions is ruleOptions, with the defaults (nil) when reading the
// configuration panics: it never takes the server down.
func (s *Server) safeRuleOptions(snap *Snapshot) (opts *diagnostics.Options) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic while reading the rule configuration", zap.Any("panic", r), zap.ByteString("stack", debug.Stack()))
			opts = nil
		}
	}()
	return s.ruleOptions(snap)
}
