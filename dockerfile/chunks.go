package dockerfile

import (
	"sync"
	"sync/atomic"
)

// A file seen for the first time is scanned line by line, then handed to
// BuildKit's parser in pieces (see bulkNodes): on a large file the scan kept
// one core busy while the other waited for it. parseChunks instead cuts the
// file into chunks at lines that look like the start of an instruction, and
// scans and parses each chunk on its own core. A cut is a guess (the line
// before it could be part of a heredoc's body): it holds when the scan of the
// chunk before it ends exactly there, and BuildKit's parse ends that chunk's
// last instruction where the model does, so that each chunk was scanned and
// parsed from the very state a scan of the whole file would be in there.
// When any cut does not hold, the file is parsed as one piece.

// Knobs of the chunked cold parse (tests lower them).
var (
	// chunkLinesMin is the fewest lines per chunk.
	chunkLinesMin = 2000
	// chunkSearch is how far past its target a cut is looked for.
	chunkSearch = 500
	// maxChunks caps the chunks; 0 means two per core.
	maxChunks = 0
)

// chunkedParses counts the parses made in chunks, chunkMisses those given
// up because a cut did not hold (for tests).
var chunkedParses, chunkMisses atomic.Int64

// chunkHook, when set (by tests), is called at the start of each chunk's
// goroutine.
var chunkHook func(chunk int)

// parseChunks scans and attaches BuildKit's results to the whole file in
// chunks and reports whether it did; when it did not, nothing of p.f has
// changed.
func (p *parseState) parseChunks() bool {
	f := p.f
	// twice as many chunks as cores: the chunks' costs differ, and the
	// cores stay busy until the last one is done
	k := 2 * workers()
	if maxChunks > 0 {
		k = maxChunks
	}
	k = min(k, p.n/chunkLinesMin)
	if k < 2 || p.leadingEscape() {
		return false
	}
	cuts := []int{0}
	for c := 1; c < k; c++ {
		from := max(p.n*c/k, cuts[len(cuts)-1]+1)
		if cut, ok := p.findCut(from, min(from+chunkSearch, p.n)); ok {
			cuts = append(cuts, cut)
		}
	}
	if len(cuts) < 2 {
		return false
	}
	chunks := make([]*parseState, len(cuts))
	ends := make([]int, len(cuts))
	var panicked atomic.Bool
	var wg sync.WaitGroup
	for c, from := range cuts {
		cp := &parseState{f: &File{Text: f.Text, Lines: f.Lines, EscapeToken: '\\'}, esc: '\\', n: p.n, base: from, serial: true}
		if c+1 < len(cuts) {
			cp.stop = cuts[c+1]
		}
		chunks[c] = cp
		wg.Go(func() {
			defer func() {
				// the parse in one piece, on the caller's goroutine, meets
				// the same input (and its callers recover)
				if recover() != nil {
					panicked.Store(true)
				}
			}()
			if chunkHook != nil {
				chunkHook(c)
			}
			cp.scan(from, from > 0)
			ends[c] = cp.line
			if cp.stop == 0 || ends[c] == cp.stop {
				cp.attachBuildKit(0, len(cp.f.Instructions))
			}
		})
	}
	wg.Wait()
	if panicked.Load() {
		return false
	}
	for c, cp := range chunks[:len(chunks)-1] {
		if ends[c] != cp.stop || cp.esc != '\\' || len(cp.f.Instructions) == 0 {
			chunkMisses.Add(1)
			return false
		}
		last := cp.f.Instructions[len(cp.f.Instructions)-1]
		if last.Node == nil || last.Node.EndLine != last.EndLine+1 || last.EndLine+1 != cp.stop {
			chunkMisses.Add(1)
			return false
		}
	}
	for c, cp := range chunks {
		if c == 0 {
			f.Directives, f.dirErrs, f.EscapeToken = cp.f.Directives, cp.f.dirErrs, cp.f.EscapeToken
		}
		f.Instructions = append(f.Instructions, cp.f.Instructions...)
		f.Comments = append(f.Comments, cp.f.Comments...)
		f.Errors = append(f.Errors, cp.f.Errors...)
	}
	chunkedParses.Add(1)
	return true
}

// leadingEscape reports whether the lines a parser directive may be on name
// an escape directive (chunks other than the first assume the default).
func (p *parseState) leadingEscape() bool {
	t := p.f.Text
	for line := 0; line < p.n; line++ {
		start, end := p.lineContent(line)
		i := skipSpace(t, start, end)
		m := directiveRE.FindSubmatchIndex(t[i:end])
		if m == nil {
			return false
		}
		if name := string(t[i+m[2] : i+m[3]]); len(name) == len("escape") && lowerASCII(name) == "escape" {
			return true
		}
	}
	return false
}

// findCut returns the first line in [from, to) that starts with a letter
// (an instruction's keyword) right after a line that has something else than
// a comment and does not end with an escape character (a line continuation
// with either escape token).
func (p *parseState) findCut(from, to int) (int, bool) {
	t := p.f.Text
	for line := max(from, 1); line < to; line++ {
		start, end := p.lineContent(line)
		i := skipSpace(t, start, end)
		if i == end || !isNameStart(t[i]) {
			continue
		}
		ps, pe := p.lineContent(line - 1)
		j := skipSpace(t, ps, pe)
		if j == pe || t[j] == '#' {
			continue
		}
		e := pe
		for e > j && isSpace(t[e-1]) {
			e--
		}
		if c := t[e-1]; c == '\\' || c == '`' {
			continue
		}
		return line, true
	}
	return 0, false
}
