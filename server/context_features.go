package server

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/buildcontext"
)

// Editing with the build context: links, go-to-definition and hover on
// COPY/ADD sources, completion of source paths (ignored files left out), and
// the MissingDockerignore quick fix that writes the ignore file. Each uses
// the cached context of buildcontext.go; a document without one gets none
// of them.

func init() {
	registerCapability(func(caps *protocol.ServerCapabilities, _ *protocol.ClientCapabilities) {
		caps.DocumentLinkProvider = &protocol.DocumentLinkOptions{}
	})
	registerRequest(protocol.MethodTextDocumentDocumentLink, documentLink)
}

// sourceAt finds the COPY/ADD context source under off.
func sourceAt(f *dockerfile.File, off int) (*dockerfile.Instruction, buildcontext.Source, bool) {
	in := f.InstructionAt(off)
	for _, s := range buildcontext.Sources(in) {
		if off >= s.Span.Start && off <= s.Span.End {
			return in, s, true
		}
	}
	return nil, buildcontext.Source{}, false
}

// fileTarget is the file a source names, when it names exactly one listed
// regular file that the build receives (never a link: its target may lie
// outside the workspace).
func fileTarget(c *buildcontext.Context, s buildcontext.Source) (string, bool) {
	if buildcontext.HasWildcards(s.Value) {
		return "", false
	}
	r := c.Lookup(s.Value, s.Parents)
	if len(r.Matched) != 1 || r.Matched[0].Dir || r.Matched[0].Link {
		return "", false
	}
	return c.Abs(r.Matched[0].Path), true
}

// valueSpan is a source's span without its quotes.
func valueSpan(f *dockerfile.File, s buildcontext.Source) dockerfile.Span {
	sp := s.Span
	if t := f.Slice(sp); len(t) >= 2 && (t[0] == '"' || t[0] == '\'') && t[len(t)-1] == t[0] {
		sp.Start++
		sp.End--
	}
	return sp
}

func documentLink(ctx context.Context, s *Server, raw json.RawMessage) (any, error) {
	var p protocol.DocumentLinkParams
	snap, err := s.openDocument(ctx, raw, &p, func() protocol.DocumentURI { return p.TextDocument.URI })
	if snap == nil {
		return nil, err
	}
	out := []protocol.DocumentLink{}
	c := s.documentContext(snap.URI)
	if c == nil {
		return out, nil
	}
	f := snap.File()
	for _, in := range f.Instructions {
		for _, src := range buildcontext.Sources(in) {
			if target, ok := fileTarget(c, src); ok {
				out = append(out, protocol.DocumentLink{Range: SpanToRange(f, valueSpan(f, src)), Target: uri.File(target), Tooltip: "Open " + src.Value})
			}
		}
	}
	return out, nil
}

// sourceDefinition: go to the file a COPY/ADD source names.
func (s *Server) sourceDefinition(snap *Snapshot, f *dockerfile.File, off int) ([]protocol.Location, bool) {
	_, src, ok := sourceAt(f, off)
	if !ok {
		return nil, false
	}
	c := s.documentContext(snap.URI)
	if c == nil {
		return nil, false
	}
	target, ok := fileTarget(c, src)
	if !ok {
		return nil, false
	}
	return []protocol.Location{{URI: uri.File(target)}}, true
}

// maxHoverFiles is how many matched files a hover lists.
const maxHoverFiles = 8

// sourceHover says what a COPY/ADD source matches in the context.
func (s *Server) sourceHover(snap *Snapshot, f *dockerfile.File, off int) (*protocol.Hover, bool) {
	in, src, ok := sourceAt(f, off)
	if !ok {
		return nil, false
	}
	c := s.documentContext(snap.URI)
	if c == nil {
		return nil, false
	}
	r := c.Lookup(src.Value, src.Parents)
	var b strings.Builder
	where := "the build context"
	if c.Dir != "." {
		where += " (`" + c.Dir + "/`)"
	}
	fmt.Fprintf(&b, "**%s source** `%s`", in.Keyword, src.Value)
	if r.Source != src.Value {
		fmt.Fprintf(&b, " → `%s`", r.Source)
	}
	b.WriteString("\n\n")
	switch {
	case len(r.Matched) > 0:
		n := fmt.Sprint(len(r.Files))
		if !r.FilesKnown {
			n = "at least " + n
		}
		fmt.Fprintf(&b, "Matches %s file%s in %s", n, plural(len(r.Files)), where)
		if len(r.Files) > 0 {
			b.WriteString(":\n")
			for i, p := range r.Files {
				if i == maxHoverFiles {
					fmt.Fprintf(&b, "- … and %d more\n", len(r.Files)-maxHoverFiles)
					break
				}
				fmt.Fprintf(&b, "- `%s`\n", p)
			}
		} else {
			b.WriteString(".\n")
		}
	case len(r.Ignored) > 0 || r.PatternIgnored:
		fmt.Fprintf(&b, "Excluded by `%s`: not sent to the build.\n", c.IgnoreFile)
	case r.Known && r.Wildcard:
		fmt.Fprintf(&b, "Matches nothing in %s (BuildKit copies nothing).\n", where)
	case r.Known:
		fmt.Fprintf(&b, "Not in %s: the build fails.\n", where)
	default:
		fmt.Fprintf(&b, "Unknown: msls does not list that part of %s.\n", where)
	}
	if len(r.Ignored) > 0 && len(r.Matched) > 0 {
		fmt.Fprintf(&b, "\n%d matching path%s excluded by `%s`.\n", len(r.Ignored), plural(len(r.Ignored)), c.IgnoreFile)
	}
	rg := SpanToRange(f, src.Span)
	return &protocol.Hover{Contents: protocol.MarkupContent{Kind: protocol.Markdown, Value: b.String()}, Range: &rg}, true
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// maxSourceItems bounds a source completion list.
const maxSourceItems = 500

// sourceCompletions completes a COPY/ADD source path from the context:
// the entries of the folder typed so far, ignored ones left out, folders
// first (with a trailing `/`).
func (s *Server) sourceCompletions(snap *Snapshot, f *dockerfile.File, off int) []protocol.CompletionItem {
	in := f.InstructionAt(off)
	if in == nil || in.Sub != nil || !in.Is("COPY") && !in.Is("ADD") || len(in.Heredocs) > 0 || off <= in.KeywordSpan.End {
		return nil
	}
	if _, ok := in.Flag("from"); ok {
		return nil
	}
	if in.JSON || off > f.Lines.LineEnd(in.StartLine) && in.EndLine == in.StartLine {
		return nil
	}
	for _, fl := range in.Flags {
		if off >= fl.Span.Start && off <= fl.Span.End {
			return nil
		}
	}
	start := off
	for start > 0 && !isSpace(f.Text[start-1]) {
		start--
	}
	word := string(f.Text[start:off])
	if strings.HasPrefix(word, "-") || strings.ContainsAny(word, "$*?[\"'") || strings.Contains(word, "://") {
		return nil
	}
	// the last of two or more words is the destination (an image path)
	after := 0
	for _, a := range in.Args {
		if a.Span.Start > start {
			after++
		}
	}
	if len(in.Args) >= 2 && after == 0 && start <= in.Args[len(in.Args)-1].Span.Start {
		return nil
	}
	c := s.documentContext(snap.URI)
	if c == nil {
		return nil
	}
	dir, seg := "", word
	if i := strings.LastIndex(word, "/"); i >= 0 {
		dir, seg = word[:i+1], word[i+1:]
	}
	kids, _ := c.Children(buildcontext.CleanSource(dir))
	editStart := off - len(seg)
	rg := SpanToRange(f, dockerfile.Span{Start: editStart, End: off})
	var dirs, files []protocol.CompletionItem
	for _, k := range kids {
		if k.Ignored {
			continue
		}
		name := path.Base(k.Path)
		if !strings.HasPrefix(name, seg) {
			continue
		}
		it := protocol.CompletionItem{Label: name, Kind: protocol.CompletionItemKindFile, Detail: "build context",
			TextEdit: &protocol.TextEdit{Range: rg, NewText: name}, FilterText: name}
		if k.Dir {
			it.Label, it.Kind = name+"/", protocol.CompletionItemKindFolder
			it.TextEdit.NewText = name + "/"
			if isVSCode(s.ClientInfo()) {
				it.Command = &protocol.Command{Title: "Suggest", Command: "editor.action.triggerSuggest"}
			}
			dirs = append(dirs, it)
			continue
		}
		files = append(files, it)
	}
	out := append(dirs, files...)
	if len(out) > maxSourceItems {
		out = out[:maxSourceItems]
	}
	for i := range out {
		out[i].SortText = "!" + sortText(i) // before the other items, folders first
	}
	return out
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// ignoreFileActions are the MissingDockerignore quick fixes: create the
// context's .dockerignore, or append to the ignore file in force, with the
// folders the finding names. Creating a file needs documentChanges with
// resource operations; without them only an existing file is extended.
func (s *Server) ignoreFileActions(snap *Snapshot, rg dockerfile.Span) []any {
	var fd *diagnostics.Finding
	for _, x := range snap.Findings() {
		if x.Code == diagnostics.MissingDockerignoreRule.Code && x.Span.Start <= rg.End && rg.Start <= x.Span.End {
			fd = &x
			break
		}
	}
	if fd == nil {
		return nil
	}
	c := s.documentContext(snap.URI)
	if c == nil {
		return nil
	}
	dirs := diagnostics.MissingDockerignoreDirs(c)
	if len(dirs) == 0 {
		return nil
	}
	var lines strings.Builder
	for _, d := range dirs {
		lines.WriteString(d + "\n")
	}
	name := ".dockerignore"
	if c.IgnoreFile != "" {
		name = path.Base(c.IgnoreFile)
	}
	title := fmt.Sprintf("Add %s to %s", strings.Join(dirs, ", "), name)
	diag := Diagnostic(snap, *fd)
	if c.IgnoreFile == "" {
		if !s.canCreateFiles() {
			return nil
		}
		target := uri.File(c.Abs(".dockerignore"))
		return []any{map[string]any{
			"title": title, "kind": protocol.QuickFix, "diagnostics": []protocol.Diagnostic{diag},
			"edit": map[string]any{"documentChanges": []any{
				map[string]any{"kind": "create", "uri": target, "options": map[string]bool{"ignoreIfExists": true}},
				map[string]any{"textDocument": map[string]any{"uri": target, "version": nil},
					"edits": []protocol.TextEdit{{NewText: lines.String()}}},
			}},
		}}
	}
	// append at the end of the existing file (read through the same root)
	data, err := c.ReadIgnoreFile()
	if err != nil {
		return nil
	}
	text := string(data)
	prefix := ""
	if text != "" && !strings.HasSuffix(text, "\n") {
		prefix = "\n"
	}
	end := endPosition(text)
	edit := protocol.TextEdit{Range: protocol.Range{Start: end, End: end}, NewText: prefix + lines.String()}
	return []any{protocol.CodeAction{Title: title, Kind: protocol.QuickFix, Diagnostics: []protocol.Diagnostic{diag},
		Edit: &protocol.WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{uri.File(c.IgnoreFileAbs()): {edit}}}}}
}

// endPosition is the LSP position after the last character of text.
func endPosition(text string) protocol.Position {
	line := strings.Count(text, "\n")
	last := text[strings.LastIndex(text, "\n")+1:]
	n := 0
	for _, r := range last {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return protocol.Position{Line: uint32(line), Character: uint32(n)}
}

func (s *Server) canCreateFiles() bool {
	caps := s.ClientCapabilities()
	if caps.Workspace == nil || caps.Workspace.WorkspaceEdit == nil || !caps.Workspace.WorkspaceEdit.DocumentChanges {
		return false
	}
	for _, op := range caps.Workspace.WorkspaceEdit.ResourceOperations {
		if op == "create" {
			return true
		}
	}
	return false
}

func wantsQuickFix(only []protocol.CodeActionKind) bool {
	if len(only) == 0 {
		return true
	}
	for _, k := range only {
		if k == protocol.QuickFix {
			return true
		}
	}
	return false
}
