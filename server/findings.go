package server

import "github.com/msls-dev/msls/diagnostics"

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
				s.log.Error("panic while reading the rule configuration")
				opts <- nil
			}
		}()
		if s.beforeRuleOptions != nil {
			s.beforeRuleOptions()
		}
		opts <- s.ruleOptions(snap)
	}()
	burst := false
	if prev := snap.prevFile(); prev != nil {
		// BuildKit's checks of the edited stage, beside the parse
		go diagnostics.Prelint(prev, snap.Text)
	} else if len(snap.Text) >= gcBurstMinBytes {
		// a large document's first parse and check: see gcburst.go
		burst = true
	}
	resume := func() {}
	if burst {
		resume = pauseGC()
	}
	defer func() { resume() }()
	f := snap.File()
	var o *diagnostics.Options
	select {
	case o = <-opts:
	default:
		// the configuration is still being looked up (a slow file
		// system): the collector runs while the burst waits
		resume()
		o = <-opts
		if burst {
			resume = pauseGC()
		}
	}
	if snap.parsed.first {
		o = diagnostics.FirstSight(o)
	}
	return diagnostics.CheckWith(f, o)
}
