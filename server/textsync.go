package server

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"unicode/utf8"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"
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
	s.engine.Open(string(doc.URI))
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
// positions are clamped as the specification asks (as
// dockerfile.LineIndex.Offset does).
//
// Each change's positions refer to the text left by the change before it, so
// resolving them against the whole text, change by change, rebuilds a line
// index and copies the text per change: 5,000 changes in one didChange
// (a multi-cursor edit, a replace-all) cost O(changes × size). Instead the
// changes after the last full-text one are applied to the document held as
// lines in blocks (editDoc): a change costs the lines it touches plus one
// block, and the text is joined once at the end.
func applyChanges(text []byte, changes []contentChange) []byte {
	for i := len(changes) - 1; i >= 0; i-- {
		if changes[i].Range == nil {
			// Later changes apply to this text; earlier ones are irrelevant.
			text, changes = []byte(changes[i].Text), changes[i+1:]
			break
		}
	}
	switch len(changes) {
	case 0:
		return text
	case 1: // a keystroke: no need to split the text into lines
		c := changes[0]
		start := offsetOf(text, c.Range.Start)
		end := offsetOf(text, c.Range.End)
		if end < start {
			start, end = end, start
		}
		next := make([]byte, 0, len(text)-(end-start)+len(c.Text))
		next = append(next, text[:start]...)
		next = append(next, c.Text...)
		return append(next, text[end:]...)
	}
	d := newEditDoc(text)
	for _, c := range changes {
		d.apply(*c.Range, c.Text)
	}
	return d.join()
}

// offsetOf is dockerfile.LineIndex.Offset without building the index.
func offsetOf(text []byte, p protocol.Position) int {
	start := 0
	for l := uint32(0); l < p.Line; l++ {
		j := bytes.IndexByte(text[start:], '\n')
		if j < 0 {
			return len(text) // a line past the end: the end of the text
		}
		start += j + 1
	}
	line := text[start:]
	if j := bytes.IndexByte(line, '\n'); j >= 0 {
		line = line[:j+1]
	}
	return start + columnOffset(line, int(p.Character))
}

// columnOffset is the byte offset of a UTF-16 column in one line (with its
// '\n', if any), clamped as dockerfile.LineIndex.Offset clamps it: to the end
// of the line's content, which excludes a "\n" or "\r\n" line break (a
// lone '\r' at the end of the text is content); a column inside a surrogate
// pair maps to the start of its character.
func columnOffset(line []byte, character int) int {
	end := len(line)
	if end > 0 && line[end-1] == '\n' {
		end--
		if end > 0 && line[end-1] == '\r' {
			end--
		}
	}
	col := 0
	for i := 0; i < end; {
		if col >= character {
			return i
		}
		r, size := utf8.DecodeRune(line[i:])
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if col+w > character {
			return i
		}
		col += w
		i += size
	}
	return end
}

// editBlockLines is the size blocks of lines are cut to (a variable so tests
// can make blocks small).
var editBlockLines = 512

// editDoc is a document as its lines (each with its '\n', the last without
// one), in blocks of editBlockLines to 2×editBlockLines lines. Lines are
// never modified in place: they alias the original text or the pieces
// changes made.
type editDoc struct {
	blocks [][][]byte
}

// splitLines cuts text after each '\n'; there is always one more line than
// line breaks.
func splitLines(text []byte) [][]byte {
	lines := make([][]byte, 0, bytes.Count(text, []byte{'\n'})+1)
	for {
		j := bytes.IndexByte(text, '\n')
		if j < 0 {
			return append(lines, text[:len(text):len(text)])
		}
		lines = append(lines, text[:j+1:j+1])
		text = text[j+1:]
	}
}

// cutBlocks cuts lines into blocks; each block's capacity ends at its length,
// so growing one never writes into the next.
func cutBlocks(lines [][]byte) [][][]byte {
	n := editBlockLines
	blocks := make([][][]byte, 0, len(lines)/n+1)
	for len(lines) > 2*n {
		blocks = append(blocks, lines[:n:n])
		lines = lines[n:]
	}
	return append(blocks, lines)
}

func newEditDoc(text []byte) *editDoc {
	return &editDoc{blocks: cutBlocks(splitLines(text))}
}

// locate finds a line by block and index in it; past is true when the line
// is past the end (the last line is returned).
func (d *editDoc) locate(line int) (b, i int, past bool) {
	for b, blk := range d.blocks {
		if line < len(blk) {
			return b, line, false
		}
		line -= len(blk)
	}
	b = len(d.blocks) - 1
	return b, len(d.blocks[b]) - 1, true
}

// resolve turns a position into a line (block, index) and a byte offset in it.
func (d *editDoc) resolve(p protocol.Position) (b, i, off int) {
	b, i, past := d.locate(int(p.Line))
	line := d.blocks[b][i]
	if past {
		return b, i, len(line) // a line past the end: the end of the text
	}
	return b, i, columnOffset(line, int(p.Character))
}

func (d *editDoc) apply(r protocol.Range, text string) {
	b1, i1, o1 := d.resolve(r.Start)
	b2, i2, o2 := d.resolve(r.End)
	if b2 < b1 || b2 == b1 && (i2 < i1 || i2 == i1 && o2 < o1) {
		b1, i1, o1, b2, i2, o2 = b2, i2, o2, b1, i1, o1
	}
	first, last := d.blocks[b1][i1], d.blocks[b2][i2]
	piece := make([]byte, 0, o1+len(text)+len(last)-o2)
	piece = append(piece, first[:o1]...)
	piece = append(piece, text...)
	piece = append(piece, last[o2:]...)
	repl := splitLines(piece)
	if b2 != len(d.blocks)-1 || i2 != len(d.blocks[b2])-1 {
		// piece ends with last's line break: no empty line after it (only
		// the last line of the text has none)
		repl = repl[:len(repl)-1]
	}

	blk := d.blocks[b1]
	if b2 != b1 {
		// The change spans blocks: merge them (each is at most
		// 2×editBlockLines, and the lines between go away).
		for _, x := range d.blocks[b1+1 : b2] {
			i2 += len(x)
		}
		i2 += len(blk)
		blk = slices.Concat(d.blocks[b1 : b2+1]...)
	}
	blk = slices.Replace(blk, i1, i2+1, repl...)
	var out [][][]byte
	if len(blk) > 2*editBlockLines {
		out = cutBlocks(blk)
	} else {
		out = [][][]byte{blk}
	}
	d.blocks = slices.Replace(d.blocks, b1, b2+1, out...)
	// Blocks only split when they grow, so there are never more than
	// (lines ever held)/editBlockLines of them, and never an empty one.
}

func (d *editDoc) join() []byte {
	n := 0
	for _, blk := range d.blocks {
		for _, l := range blk {
			n += len(l)
		}
	}
	out := make([]byte, 0, n)
	for _, blk := range d.blocks {
		for _, l := range blk {
			out = append(out, l...)
		}
	}
	return out
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
