package server

import "github.com/msls-dev/msls/diagnostics"

// computeFindings is the one place the server decides which findings a
// document version gets: rule configuration (initializationOptions,
// workspace settings, .msls.yaml) plugs in here. It runs at most once per
// snapshot, off the read loop, and must not modify snap.
func (s *Server) computeFindings(snap *Snapshot) []diagnostics.Finding {
	return diagnostics.CheckWith(snap.File(), s.ruleOptions(snap))
}
