package server

// Stages as build targets across the workspace (issue 20): an index of the
// compose, bake, workflow, Makefile and script entries that build a stage of
// a Dockerfile, and the features on both sides. The index is built in the
// background the first time a document opens and never blocks a request: a
// request uses what has been indexed so far. Open compose and bake
// documents count as their buffers, not their files. Edits to a Dockerfile
// never touch the index.

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/safefs"
	"github.com/msls-dev/msls/internal/targets"
)

// Bounds of the workspace walk: it stops after maxIndexEntries directory
// entries, and reads target files of at most safefs.MaxConfig bytes.
const (
	maxIndexEntries = 50000
	maxDockerfile   = 4 << 20
)

// skipDirs are never walked: dependencies and version control.
var skipDirs = map[string]bool{"node_modules": true, ".git": true, "vendor": true, ".hg": true, ".svn": true, ".venv": true, "__pycache__": true}

// targetIndex is the server's index of build targets, per source file.
type targetIndex struct {
	start  sync.Once
	update sync.Mutex // serialises batches of file events
	mu     sync.RWMutex
	files  map[string]*indexedFile // real absolute path of the source file
	// built is closed once the first walk is over (tests wait on it).
	built chan struct{}
	// reads counts target files read from disk (tests: edits to a
	// Dockerfile read nothing).
	reads atomic.Int64
}

type indexedFile struct {
	root    string // real path of the workspace folder
	rel     string // slash path below root
	targets []targets.Target
}

// abs is the absolute path of a root-relative slash path.
func (f *indexedFile) abs(rel string) string { return filepath.Join(f.root, filepath.FromSlash(rel)) }

func (s *Server) tindex() *targetIndex {
	s.targetsOnce.Do(func() { s.targets = &targetIndex{files: map[string]*indexedFile{}, built: make(chan struct{})} })
	return s.targets
}

// targetsStart starts the background walk once (on the first didOpen).
func (s *Server) targetsStart() {
	x := s.tindex()
	x.start.Do(func() {
		go func() {
			defer func() {
				if r := recover(); r != nil {
					s.log.Error("panic while indexing build targets", zap.Any("panic", r), zap.Stack("stack"))
				}
			}()
			go s.registerTargetWatchers() // the client's answer must not hold the walk
			s.targetsRebuild()
			close(x.built)
		}()
	})
}

// targetsRebuild walks every workspace folder and replaces the index.
func (s *Server) targetsRebuild() {
	files := map[string]*indexedFile{}
	// Outer folders first: a file in nested folders keeps the outermost
	// root, as inWorkspace picks it, so `context: ..` resolves the same way
	// whether the file was walked or reported changed.
	var dirs []string
	for _, f := range s.WorkspaceFolders() {
		if dir := uriPath(f.URI); dir != "" {
			dirs = append(dirs, dir)
		}
	}
	sort.Slice(dirs, func(i, j int) bool { return len(dirs[i]) < len(dirs[j]) })
	for _, dir := range dirs {
		root, err := safefs.OpenRoot(dir)
		if err != nil {
			continue
		}
		s.tindex().walk(s.base, root, files)
		root.Close()
	}
	x := s.tindex()
	x.mu.Lock()
	x.files = files
	x.mu.Unlock()
}

func (x *targetIndex) walk(ctx context.Context, root *safefs.Root, into map[string]*indexedFile) {
	n := 0
	_ = fs.WalkDir(root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if ctx.Err() != nil {
			return fs.SkipAll // the session ended
		}
		if err != nil {
			return nil
		}
		if n++; n > maxIndexEntries {
			return fs.SkipAll
		}
		if d.IsDir() {
			name := d.Name()
			if p != "." && (skipDirs[name] || (strings.HasPrefix(name, ".") && name != ".github" && name != "workflows")) {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || targets.Classify(p) == "" {
			return nil
		}
		if _, seen := into[filepath.Join(root.Dir(), filepath.FromSlash(p))]; seen {
			return nil // walked from an outer folder already
		}
		if f := x.readTargets(root, p); f != nil {
			into[f.abs(p)] = f
		}
		return nil
	})
}

// readTargets parses one file below root; nil when it cannot be read.
func (x *targetIndex) readTargets(root *safefs.Root, rel string) *indexedFile {
	x.reads.Add(1)
	b, err := root.ReadFile(rel, safefs.MaxConfig)
	if err != nil {
		return nil
	}
	return parsedTargets(root, rel, b)
}

// parsedTargets parses text as root/rel and picks, for entries with several
// candidate Dockerfiles (scripts), the first that exists.
func parsedTargets(root *safefs.Root, rel string, text []byte) *indexedFile {
	f := &indexedFile{root: root.Dir(), rel: rel, targets: targets.Parse(rel, "", text)}
	for i := range f.targets {
		t := &f.targets[i]
		if len(t.Dockerfiles) > 1 {
			pick := t.Dockerfiles[0]
			for _, c := range t.Dockerfiles {
				if st, err := root.Stat(c); err == nil && st.Mode().IsRegular() {
					pick = c
					break
				}
			}
			t.Dockerfiles = []string{pick}
		}
	}
	return f
}

// inSkippedDir: the walk never looks below these directories, so events
// there change nothing.
func inSkippedDir(p string) bool {
	for _, d := range strings.Split(filepath.ToSlash(filepath.Dir(p)), "/") {
		if skipDirs[d] {
			return true
		}
	}
	return false
}

// targetsFilesChanged updates the index for files changed on disk
// (workspace/didChangeWatchedFiles). It reads only target files, and
// re-checks open compose and bake documents, whose diagnostics depend on
// the Dockerfiles they build.
// It is called on the read loop: the reading happens in the background,
// one batch at a time.
func (s *Server) targetsFilesChanged(events []*protocol.FileEvent) {
	go func() {
		x := s.tindex()
		x.update.Lock()
		defer x.update.Unlock()
		s.targetsApply(events)
	}()
}

func (s *Server) targetsApply(events []*protocol.FileEvent) {
	x := s.tindex()
	touched := false
	for _, ev := range events {
		if ev == nil {
			continue
		}
		p := uriPath(string(ev.URI))
		if p == "" || inSkippedDir(p) {
			continue
		}
		touched = true
		_, realRoot, ok := s.inWorkspace(filepath.Dir(p))
		if !ok {
			x.mu.Lock()
			delete(x.files, p)
			x.mu.Unlock()
			continue
		}
		realDir, _ := filepath.EvalSymlinks(filepath.Dir(p))
		abs := filepath.Join(realDir, filepath.Base(p))
		rel, err := filepath.Rel(realRoot, abs)
		if err != nil || targets.Classify(filepath.ToSlash(rel)) == "" {
			continue
		}
		var f *indexedFile
		if ev.Type != protocol.FileChangeTypeDeleted {
			if root, err := safefs.OpenRoot(realRoot); err == nil {
				f = x.readTargets(root, filepath.ToSlash(rel))
				root.Close()
			}
		}
		x.mu.Lock()
		if f == nil {
			delete(x.files, abs)
		} else {
			x.files[abs] = f
		}
		x.mu.Unlock()
	}
	if touched {
		s.refreshTargetDocs()
	}
}

// refreshTargetDocs re-checks the open compose and bake documents only.
func (s *Server) refreshTargetDocs() {
	var uris []protocol.DocumentURI
	s.updateDocs(func(m docMap) {
		for uri, sn := range m {
			if sn.targetKind == "" {
				continue
			}
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

// targetWatchGlobs are the files the index (and the target diagnostics)
// depend on.
var targetWatchGlobs = []string{
	"**/{compose,docker-compose}*.{yml,yaml}", "**/*.compose.{yml,yaml}",
	"**/docker-bake*.{hcl,json}", "**/*.bake.{hcl,json}",
	"**/.github/workflows/*.{yml,yaml}", "**/{Makefile,GNUmakefile,makefile,*.mk}", "**/*.{sh,bash}",
	"**/*Dockerfile*", "**/*.dockerfile",
}

// registerTargetWatchers asks the client to watch the target files, when it
// can register watchers dynamically. Runs off the read loop.
func (s *Server) registerTargetWatchers() {
	c := s.ClientCapabilities()
	if c.Workspace == nil || c.Workspace.DidChangeWatchedFiles == nil || !c.Workspace.DidChangeWatchedFiles.DynamicRegistration {
		return
	}
	watchers := make([]protocol.FileSystemWatcher, len(targetWatchGlobs))
	for i, g := range targetWatchGlobs {
		watchers[i] = protocol.FileSystemWatcher{GlobPattern: g}
	}
	err := s.Call(s.base, "client/registerCapability", protocol.RegistrationParams{Registrations: []protocol.Registration{{
		ID: "msls-build-targets", Method: "workspace/didChangeWatchedFiles",
		RegisterOptions: protocol.DidChangeWatchedFilesRegistrationOptions{Watchers: watchers},
	}}}, nil)
	if err != nil {
		s.log.Debug("watcher registration refused", zap.Error(err))
	}
}

// targetDocKind is the kind of an opened document that msls serves as a
// compose or bake file (by its name), "" for Dockerfiles. foreign reports
// another language's document (YAML, HCL, JSON...) that is not one: msls
// does not take it at all.
func targetDocKind(uri protocol.DocumentURI, lang string) (kind targets.Kind, foreign bool) {
	name := ""
	if pu, err := url.Parse(string(uri)); err == nil {
		name = pu.Path
	}
	base := filepath.Base(filepath.FromSlash(name))
	switch {
	case targets.IsComposeName(base):
		return targets.Compose, false
	case targets.IsBakeName(base):
		return targets.Bake, false
	}
	switch strings.ToLower(lang) {
	case "yaml", "yml", "dockercompose", "docker-compose", "yaml.docker-compose", "hcl", "terraform", "json", "jsonc",
		"makefile", "make", "shellscript", "sh", "bash", "github-actions-workflow", "yaml.github":
		return "", true
	}
	return "", false
}

// located is a target with the file it is in.
type located struct {
	uri protocol.DocumentURI
	f   *indexedFile
	t   targets.Target
}

// allTargets is the index with open compose and bake documents taken from
// their buffers (as the request in ctx saw them).
func (s *Server) allTargets(ctx context.Context) []located {
	x := s.tindex()
	files := map[string]*indexedFile{}
	x.mu.RLock()
	for k, v := range x.files {
		files[k] = v
	}
	x.mu.RUnlock()
	m, _ := ctx.Value(viewKey{}).(docMap)
	if m == nil {
		m = *s.docs.Load()
	}
	// an open document keeps the client's URI, so edits and locations
	// name it exactly as the client does
	uris := map[string]protocol.DocumentURI{}
	for _, sn := range m {
		if sn.targetKind == "" {
			continue
		}
		if f, abs := s.bufferTargets(sn); f != nil {
			files[abs] = f
			uris[abs] = sn.URI
		}
	}
	var out []located
	for abs, f := range files {
		u, open := uris[abs]
		if !open {
			u = protocol.DocumentURI((&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String())
		}
		for _, t := range f.targets {
			out = append(out, located{uri: u, f: f, t: t})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].uri != out[j].uri {
			return out[i].uri < out[j].uri
		}
		return out[i].t.Span.Start < out[j].t.Span.Start
	})
	return out
}

// bufferTargets parses an open compose or bake document's text.
func (s *Server) bufferTargets(sn *Snapshot) (*indexedFile, string) {
	p := uriPath(string(sn.URI))
	realDir, realRoot, ok := s.inWorkspace(filepath.Dir(p))
	if p == "" || !ok {
		return nil, ""
	}
	abs := filepath.Join(realDir, filepath.Base(p))
	rel, err := filepath.Rel(realRoot, abs)
	if err != nil {
		return nil, ""
	}
	root, err := safefs.OpenRoot(realRoot)
	if err != nil {
		return nil, ""
	}
	defer root.Close()
	f := parsedTargets(root, filepath.ToSlash(rel), sn.Text)
	for i := range f.targets {
		f.targets[i].Kind = sn.targetKind
	}
	return f, abs
}

// realPath is a document's path with symbolic links resolved.
func realPath(uri protocol.DocumentURI) string {
	p := uriPath(string(uri))
	if p == "" {
		return ""
	}
	if d, err := filepath.EvalSymlinks(filepath.Dir(p)); err == nil {
		return filepath.Join(d, filepath.Base(p))
	}
	return p
}

// targetsOfStage lists the entries building the stage named name of the
// Dockerfile at uri.
func (s *Server) targetsOfStage(ctx context.Context, uri protocol.DocumentURI, name string) []located {
	df := realPath(uri)
	if df == "" || name == "" {
		return nil
	}
	var out []located
	for _, l := range s.allTargets(ctx) {
		if l.t.Stage != "" && strings.EqualFold(l.t.Stage, name) && len(l.t.Dockerfiles) > 0 && l.f.abs(l.t.Dockerfiles[0]) == df {
			out = append(out, l)
		}
	}
	return out
}

func spanRange(sp targets.Span) protocol.Range {
	return protocol.Range{
		Start: protocol.Position{Line: uint32(sp.StartLine), Character: uint32(sp.StartChar)},
		End:   protocol.Position{Line: uint32(sp.EndLine), Character: uint32(sp.EndChar)},
	}
}

// describe is how hover names an entry: "compose: service api".
func describe(l located) string {
	switch l.t.Kind {
	case targets.Compose:
		return fmt.Sprintf("compose: service %s", l.t.Name)
	case targets.Bake:
		return fmt.Sprintf("bake: target %s", l.t.Name)
	case targets.Workflow:
		return fmt.Sprintf("workflow: %s", l.t.Name)
	case targets.Make:
		return fmt.Sprintf("make: %s", l.t.Name)
	}
	return fmt.Sprintf("script: %s", l.t.Name)
}

// stageTargetsHover is the hover text added to a stage's: where it is built.
func (s *Server) stageTargetsHover(ctx context.Context, uri protocol.DocumentURI, name string) string {
	ls := s.targetsOfStage(ctx, uri, name)
	if len(ls) == 0 {
		return ""
	}
	parts := make([]string, len(ls))
	for i, l := range ls {
		parts[i] = fmt.Sprintf("%s (`%s:%d`)", describe(l), l.f.rel, l.t.KeyLine+1)
	}
	return "\n\n---\nBuilt as a target by " + strings.Join(parts, "; ")
}

// externalLocations are the locations of a stage's targets in other files.
func (s *Server) externalLocations(ctx context.Context, uri protocol.DocumentURI, name string) []protocol.Location {
	var out []protocol.Location
	for _, l := range s.targetsOfStage(ctx, uri, name) {
		if l.t.Exact {
			out = append(out, protocol.Location{URI: l.uri, Range: spanRange(l.t.Span)})
		}
	}
	return out
}

// freshOnDisk re-reads the files of ls that are not open in the editor
// before their edits are made: without file watchers the index may be
// older than the files, and an edit at a stale position would corrupt
// them. The index takes the fresh parses too.
func (s *Server) freshOnDisk(ctx context.Context, ls []located, dockerfileURI protocol.DocumentURI, name string) []located {
	df := realPath(dockerfileURI)
	m, _ := ctx.Value(viewKey{}).(docMap)
	if m == nil {
		m = *s.docs.Load()
	}
	x := s.tindex()
	done := map[protocol.DocumentURI]bool{}
	var out []located
	for _, l := range ls {
		if _, open := m[l.uri]; open {
			out = append(out, l)
			continue
		}
		if done[l.uri] {
			continue
		}
		done[l.uri] = true
		root, err := safefs.OpenRoot(l.f.root)
		if err != nil {
			continue
		}
		f := x.readTargets(root, l.f.rel)
		root.Close()
		if f == nil {
			continue // gone
		}
		x.mu.Lock()
		x.files[f.abs(f.rel)] = f
		x.mu.Unlock()
		for _, t := range f.targets {
			if t.Stage != "" && strings.EqualFold(t.Stage, name) && len(t.Dockerfiles) > 0 && f.abs(t.Dockerfiles[0]) == df {
				out = append(out, located{uri: l.uri, f: f, t: t})
			}
		}
	}
	return out
}

// Types of a WorkspaceEdit with documentChanges and change annotations
// (LSP 3.16), which protocol v0.12.0 lacks.
type annotatedTextEdit struct {
	Range        protocol.Range `json:"range"`
	NewText      string         `json:"newText"`
	AnnotationID string         `json:"annotationId,omitempty"`
}

type versionedDoc struct {
	URI     protocol.DocumentURI `json:"uri"`
	Version *int32               `json:"version"`
}

type textDocumentEdit struct {
	TextDocument versionedDoc        `json:"textDocument"`
	Edits        []annotatedTextEdit `json:"edits"`
}

type changeAnnotation struct {
	Label             string `json:"label"`
	NeedsConfirmation bool   `json:"needsConfirmation,omitempty"`
	Description       string `json:"description,omitempty"`
}

type annotatedWorkspaceEdit struct {
	DocumentChanges   []textDocumentEdit          `json:"documentChanges"`
	ChangeAnnotations map[string]changeAnnotation `json:"changeAnnotations,omitempty"`
}

const buildTargetsAnnotation = "msls.buildTargets"

// workspaceEditCaps reads what the client accepts in a WorkspaceEdit.
func (s *Server) workspaceEditCaps() (documentChanges, annotations bool) {
	var c struct {
		Workspace struct {
			WorkspaceEdit struct {
				DocumentChanges         bool            `json:"documentChanges"`
				ChangeAnnotationSupport json.RawMessage `json:"changeAnnotationSupport"`
			} `json:"workspaceEdit"`
		} `json:"workspace"`
	}
	if json.Unmarshal(s.ClientCapabilitiesRaw(), &c) != nil {
		return false, false
	}
	we := c.Workspace.WorkspaceEdit
	return we.DocumentChanges, we.DocumentChanges && len(we.ChangeAnnotationSupport) > 0 && string(we.ChangeAnnotationSupport) != "null"
}

// renameWithTargets makes the WorkspaceEdit of a stage rename: the
// Dockerfile's own edits and the targets naming the stage elsewhere.
func (s *Server) renameWithTargets(ctx context.Context, snap *Snapshot, own []protocol.TextEdit, oldName, newName string) any {
	ext := s.freshOnDisk(ctx, s.targetsOfStage(ctx, snap.URI, oldName), snap.URI, oldName)
	if len(ext) == 0 {
		return &protocol.WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{snap.URI: own}}
	}
	byURI := map[protocol.DocumentURI][]protocol.TextEdit{}
	var order []protocol.DocumentURI
	for _, l := range ext {
		if !l.t.Exact {
			continue // an escaped or folded value: not edited in place
		}
		if _, seen := byURI[l.uri]; !seen {
			order = append(order, l.uri)
		}
		byURI[l.uri] = append(byURI[l.uri], protocol.TextEdit{Range: spanRange(l.t.Span), NewText: newName})
	}
	docChanges, annotations := s.workspaceEditCaps()
	if !docChanges {
		byURI[snap.URI] = own
		return &protocol.WorkspaceEdit{Changes: byURI}
	}
	out := annotatedWorkspaceEdit{}
	v := snap.Version
	dfEdits := make([]annotatedTextEdit, len(own))
	for i, e := range own {
		dfEdits[i] = annotatedTextEdit{Range: e.Range, NewText: e.NewText}
	}
	out.DocumentChanges = append(out.DocumentChanges, textDocumentEdit{TextDocument: versionedDoc{URI: snap.URI, Version: &v}, Edits: dfEdits})
	ann := ""
	if annotations {
		ann = buildTargetsAnnotation
		out.ChangeAnnotations = map[string]changeAnnotation{ann: {
			Label:       "Build targets in other files",
			Description: fmt.Sprintf("compose, bake, workflow and script entries that build stage %q", oldName),
		}}
	}
	for _, u := range order {
		var ver *int32
		if sn, ok := s.Latest(u); ok {
			v := sn.Version
			ver = &v
		}
		tde := textDocumentEdit{TextDocument: versionedDoc{URI: u, Version: ver}}
		for _, e := range byURI[u] {
			tde.Edits = append(tde.Edits, annotatedTextEdit{Range: e.Range, NewText: e.NewText, AnnotationID: ann})
		}
		out.DocumentChanges = append(out.DocumentChanges, tde)
	}
	return out
}

// --- compose and bake documents ---

// targetRequest serves a position request on an open compose or bake
// document with fn; nil for anything else.
func (s *Server) targetRequest(ctx context.Context, raw json.RawMessage, fn func(context.Context, *Snapshot, protocol.Position) any) (any, error) {
	var p protocol.TextDocumentPositionParams
	if err := decodeParams(raw, &p); err != nil {
		return nil, err
	}
	sn, ok := s.targetSnapshot(ctx, p.TextDocument.URI)
	if !ok {
		return nil, nil
	}
	return fn(ctx, sn, p.Position), nil
}

// targetSnapshot returns an open compose or bake document.
func (s *Server) targetSnapshot(ctx context.Context, uri protocol.DocumentURI) (*Snapshot, bool) {
	m, _ := ctx.Value(viewKey{}).(docMap)
	if m == nil {
		m = *s.docs.Load()
	}
	sn, ok := m[uri]
	if !ok || sn.targetKind == "" {
		return nil, false
	}
	return sn, true
}

// dockerfileFor reads the Dockerfile an entry builds: the open buffer when
// there is one, else the file, through safefs.
func (s *Server) dockerfileFor(ctx context.Context, f *indexedFile, t targets.Target) (*dockerfile.File, protocol.DocumentURI, bool) {
	if len(t.Dockerfiles) == 0 {
		return nil, "", false
	}
	abs := f.abs(t.Dockerfiles[0])
	u := protocol.DocumentURI((&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String())
	m, _ := ctx.Value(viewKey{}).(docMap)
	if m == nil {
		m = *s.docs.Load()
	}
	for uri, sn := range m {
		if sn.targetKind == "" && realPath(uri) == abs {
			return sn.File(), uri, true
		}
	}
	root, err := safefs.OpenRoot(f.root)
	if err != nil {
		return nil, "", false
	}
	defer root.Close()
	b, err := root.ReadFile(t.Dockerfiles[0], maxDockerfile)
	if err != nil {
		return nil, "", false
	}
	return dockerfile.Parse(b), u, true
}

// entryAt finds the entry of an open target document at a position: on its
// `target` key's line.
func (s *Server) entryAt(ctx context.Context, sn *Snapshot, pos protocol.Position) (*indexedFile, targets.Target, bool) {
	f, _ := s.bufferTargets(sn)
	if f == nil {
		return nil, targets.Target{}, false
	}
	for _, t := range f.targets {
		if t.KeyLine == int(pos.Line) {
			return f, t, true
		}
	}
	return nil, targets.Target{}, false
}

func inSpan(sp targets.Span, pos protocol.Position) bool {
	r := spanRange(sp)
	after := pos.Line > r.Start.Line || (pos.Line == r.Start.Line && pos.Character >= r.Start.Character)
	before := pos.Line < r.End.Line || (pos.Line == r.End.Line && pos.Character <= r.End.Character)
	return after && before
}

// targetCompletion completes stage names for `target` in compose and bake
// files.
func (s *Server) targetCompletion(ctx context.Context, sn *Snapshot, pos protocol.Position) any {
	f, t, ok := s.entryAt(ctx, sn, pos)
	if !ok {
		return nil
	}
	df, _, ok := s.dockerfileFor(ctx, f, t)
	if !ok {
		return nil
	}
	rng := protocol.Range{Start: pos, End: pos}
	if t.Exact && inSpan(t.Span, pos) {
		rng = spanRange(t.Span)
	} else if t.Stage != "" {
		return nil // the cursor is on the key, not the value
	}
	list := &protocol.CompletionList{Items: []protocol.CompletionItem{}}
	for i, st := range df.Stages {
		if st.Name == "" {
			continue
		}
		list.Items = append(list.Items, protocol.CompletionItem{
			Label:    st.Name,
			Kind:     protocol.CompletionItemKindReference,
			Detail:   "stage " + st.Name + " (FROM " + st.BaseImage + ")",
			SortText: sortText(i),
			TextEdit: &protocol.TextEdit{Range: rng, NewText: st.Name},
		})
	}
	return list
}

// targetDefinition goes from a `target` value to the stage's FROM line.
func (s *Server) targetDefinition(ctx context.Context, sn *Snapshot, pos protocol.Position) any {
	f, t, ok := s.entryAt(ctx, sn, pos)
	if !ok || !t.Exact || !inSpan(t.Span, pos) {
		return nil
	}
	df, u, ok := s.dockerfileFor(ctx, f, t)
	if !ok {
		return nil
	}
	st := stageNamed(df, t.Stage)
	if st == nil {
		return nil
	}
	return []protocol.Location{{URI: u, Range: SpanToRange(df, st.NameSpan)}}
}

// stageNamed finds a stage by name as BuildKit does (case-insensitively;
// --target takes names only).
func stageNamed(df *dockerfile.File, name string) *dockerfile.Stage {
	for _, st := range df.Stages {
		if st.Name != "" && strings.EqualFold(st.Name, name) {
			return st
		}
	}
	return nil
}

// targetFindings checks an open compose or bake document: a target that
// names no stage of the Dockerfile it builds. Dockerfiles that cannot be
// found or read are not judged.
func (s *Server) targetFindings(sn *Snapshot) []diagnostics.Finding {
	f, _ := s.bufferTargets(sn)
	if f == nil {
		return nil
	}
	var out []diagnostics.Finding
	for _, t := range f.targets {
		if t.Stage == "" || !t.Exact || targets.Suppressed(sn.Text, t.Span.StartLine) {
			continue
		}
		df, _, ok := s.dockerfileFor(context.Background(), f, t)
		if !ok {
			continue
		}
		if msg, bad := targets.Unknown(t, t.Dockerfiles[0], StageNames(df)); bad {
			out = append(out, diagnostics.Finding{
				Span:     dockerfile.Span{Start: t.Span.Start, End: t.Span.End},
				Severity: diagnostics.SeverityError,
				Code:     targets.RuleCode,
				Message:  msg,
				URL:      targets.RuleURL,
			})
		}
	}
	return out
}

// StageNames are the `AS` names of a Dockerfile's stages, in order.
func StageNames(df *dockerfile.File) []string {
	var names []string
	for _, st := range df.Stages {
		if st.Name != "" {
			names = append(names, st.Name)
		}
	}
	return names
}
