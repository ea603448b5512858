package server

import (
	"slices"
	"sync"

	"go.lsp.dev/protocol"
)

// maxHotDocs is how many open documents keep what makes their next version
// cheap to check. For a 200-line Dockerfile that is ~300 KB, 45 times its
// text: the parse of its latest version (msls's model, BuildKit's nodes and
// typed instructions, the analyses rules share), the parse its next version
// starts from, and the engine's state for it (bklint's memo, the last
// results). It pays while a document is typed into, and one is typed into
// at a time (beside, at most, the few shown next to it); a document only
// open in a tab needs none of it.
const maxHotDocs = 4

// hotDocs orders the open documents by last use (a check or a request
// asking for the parse), most recent last, up to maxHotDocs of them.
type hotDocs struct {
	mu   sync.Mutex
	uris []protocol.DocumentURI
}

// use moves uri to the end and returns the document that no longer fits, if
// any.
func (h *hotDocs) use(uri protocol.DocumentURI) (cold protocol.DocumentURI, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if n := len(h.uris); n > 0 && h.uris[n-1] == uri {
		return "", false
	}
	if i := slices.Index(h.uris, uri); i >= 0 {
		h.uris = slices.Delete(h.uris, i, i+1)
	}
	h.uris = append(h.uris, uri)
	if len(h.uris) <= maxHotDocs {
		return "", false
	}
	cold = h.uris[0]
	h.uris = slices.Delete(h.uris, 0, 1)
	return cold, true
}

// forget drops a closed document.
func (h *hotDocs) forget(uri protocol.DocumentURI) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if i := slices.Index(h.uris, uri); i >= 0 {
		h.uris = slices.Delete(h.uris, i, i+1)
	}
}

// useDoc records a use of uri's parse; the document used longest ago, if
// that makes more than maxHotDocs, goes cold: its latest version drops its
// parse, its next version parses from scratch, the engine forgets its state
// and the publisher the JSON it last sent (the next publish encodes
// afresh). It keeps its text and its findings; a later use parses it again
// (a 200-line file in ~2 ms) and makes it hot.
func (s *Server) useDoc(uri protocol.DocumentURI) {
	cold, ok := s.hot.use(uri)
	if !ok {
		return
	}
	sn, ok := s.Latest(cold)
	if !ok {
		return // closed meanwhile
	}
	sn.parsed.mu.Lock()
	sn.parsed.file = nil
	sn.parsed.mu.Unlock()
	if sn.base != nil {
		sn.base.drop()
	}
	s.engine.Reset(string(cold))
	s.pubMu.Lock() // never held around a parse, so never around this call
	delete(s.sent, cold)
	s.pubMu.Unlock()
}
