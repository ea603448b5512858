package server

import (
	"context"
	"sync"

	"go.lsp.dev/protocol"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/targets"
)

// Snapshot is one version of an open document. It is immutable: a change
// makes a new Snapshot, so handlers may keep and read one without locking.
// The parse and the findings are computed at most once per snapshot, on first
// use, and shared by the diagnostics publisher and every handler.
type Snapshot struct {
	URI        protocol.DocumentURI
	Version    int32
	LanguageID string
	// Text must not be modified.
	Text []byte

	parsed   *parseMemo
	findings *findingsMemo
	// base is shared by the versions of one open document: the newest File
	// parsed so far, which a version parses from (dockerfile.ParseFrom). seq
	// orders the versions (clients' version numbers need not grow).
	base *parseBase
	seq  uint64
	// targetKind is set for a compose or bake document (targets.go): no
	// Dockerfile feature sees it.
	targetKind targets.Kind
	// used is told each time a Dockerfile's parse is asked for
	// (Server.useDoc).
	used func(protocol.DocumentURI)
}

// parseMemo holds a snapshot's parse: made on first use, dropped when the
// document goes cold (hotDocs), and made again if it is used after that.
type parseMemo struct {
	mu   sync.Mutex
	file *dockerfile.File
}

// parseBase keeps one File per open document: the parse of its newest
// version parsed so far. It never makes a version parse (a version nobody
// asked about is not parsed just to serve as a base), and it holds no
// snapshot, so versions do not keep each other alive.
type parseBase struct {
	mu   sync.Mutex
	seq  uint64
	file *dockerfile.File
}

func (b *parseBase) drop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.file = nil
}

func (b *parseBase) get() *dockerfile.File {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.file
}

func (b *parseBase) offer(seq uint64, f *dockerfile.File) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.file == nil || seq > b.seq {
		b.seq, b.file = seq, f
	}
}

type findingsMemo struct {
	once     sync.Once
	compute  func(*Snapshot) []diagnostics.Finding
	findings []diagnostics.Finding
}

// File returns the parsed document: parsed on first use, from the newest
// version of the document parsed before it, if any, and parsed again if the
// document went cold since (hotDocs).
func (sn *Snapshot) File() *dockerfile.File {
	m := sn.parsed
	m.mu.Lock()
	f := m.file
	if f == nil {
		f = sn.parse()
		m.file = f
	}
	m.mu.Unlock()
	if sn.used != nil && sn.targetKind == "" { // compose and bake documents keep little
		sn.used(sn.URI)
	}
	return f
}

func (sn *Snapshot) parse() *dockerfile.File {
	if sn.targetKind != "" {
		// not a Dockerfile: only the line index, to place diagnostics
		return &dockerfile.File{Lines: dockerfile.NewLineIndex(sn.Text)}
	}
	if len(sn.Text) > maxParsedBytes { // see sizelimit.go
		return unparsed(sn.Text)
	}
	if sn.base == nil {
		return dockerfile.Parse(sn.Text)
	}
	f := dockerfile.ParseFrom(sn.base.get(), sn.Text)
	sn.base.offer(sn.seq, f)
	return f
}

// Findings returns the diagnostics findings of this version, computed once
// through Server.computeFindings. The slice must not be modified.
func (sn *Snapshot) Findings() []diagnostics.Finding {
	m := sn.findings
	m.once.Do(func() { m.findings = m.compute(sn) })
	return m.findings
}

// docMap is an immutable URI -> snapshot map; writers copy it.
type docMap map[protocol.DocumentURI]*Snapshot

type viewKey struct{}

// withView pins the documents as they were when a request arrived, so a
// request running off the read loop sees the text its positions refer to even
// if later changes have already been applied.
func withView(ctx context.Context, m docMap) context.Context {
	return context.WithValue(ctx, viewKey{}, m)
}

// newSnapshot makes the first version of a document.
func (s *Server) newSnapshot(uri protocol.DocumentURI, version int32, lang string, text []byte) *Snapshot {
	return &Snapshot{
		URI: uri, Version: version, LanguageID: lang, Text: text,
		parsed:   &parseMemo{},
		findings: &findingsMemo{compute: s.computeFindings},
		base:     &parseBase{},
		used:     s.useDoc,
	}
}

// nextSnapshot makes the version of a document that follows cur.
func (s *Server) nextSnapshot(cur *Snapshot, version int32, text []byte) *Snapshot {
	sn := s.newSnapshot(cur.URI, version, cur.LanguageID, text)
	sn.targetKind = cur.targetKind
	if cur.base != nil {
		sn.base, sn.seq = cur.base, cur.seq+1
	}
	return sn
}

// Snapshot returns the document as the request in ctx saw it (or, outside a
// request, the latest version). ok is false when the document is not open.
func (s *Server) Snapshot(ctx context.Context, uri protocol.DocumentURI) (*Snapshot, bool) {
	m, _ := ctx.Value(viewKey{}).(docMap)
	if m == nil {
		m = *s.docs.Load()
	}
	sn, ok := m[uri]
	if ok && sn.targetKind != "" {
		return nil, false // compose and bake documents: see targetSnapshot
	}
	return sn, ok
}

// Latest returns the newest version of an open document, ignoring the view
// pinned in any context.
func (s *Server) Latest(uri protocol.DocumentURI) (*Snapshot, bool) {
	sn, ok := (*s.docs.Load())[uri]
	return sn, ok
}

// Documents returns the latest snapshot of every open document.
func (s *Server) Documents() []*Snapshot {
	m := *s.docs.Load()
	out := make([]*Snapshot, 0, len(m))
	for _, sn := range m {
		out = append(out, sn)
	}
	return out
}

// updateDocs applies fn to a copy of the document map and installs the copy.
func (s *Server) updateDocs(fn func(m docMap)) {
	s.docsMu.Lock()
	defer s.docsMu.Unlock()
	old := *s.docs.Load()
	m := make(docMap, len(old)+1)
	for k, v := range old {
		m[k] = v
	}
	fn(m)
	s.docs.Store(&m)
}

// RefreshDiagnostics recomputes and republishes the findings of every open
// document, keeping their parses. Call it after anything that changes what
// computeFindings returns (e.g. configuration). Safe from any goroutine.
func (s *Server) RefreshDiagnostics() {
	var uris []protocol.DocumentURI
	s.updateDocs(func(m docMap) {
		for uri, sn := range m {
			c := *sn
			c.findings = &findingsMemo{compute: s.computeFindings}
			m[uri] = &c
			uris = append(uris, uri)
		}
	})
	for _, uri := range uris {
		s.scheduleDiagnostics(uri)
	}
}
