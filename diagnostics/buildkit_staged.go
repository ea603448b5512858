package diagnostics

import (
	"crypto/sha256"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/moby/buildkit/frontend/subrequests/lint"
	"github.com/moby/buildkit/solver/pb"

	"github.com/msls-dev/msls/dockerfile"
)

// BuildKit's lint pass (dockerfile2llb.DockerfileLint) costs ~95% of a check
// and grows with the whole file, though a keystroke changes one stage. Its
// findings for a stage depend only on the text before the first stage
// (directives, global ARGs), the stage's ancestors (`FROM <stage>`), the
// stage itself, and two file-wide facts: the names of earlier stages
// (DuplicateStageName) and the majority keyword casing
// (ConsistentInstructionCasing). So each stage is linted as a small "mini
// file" holding exactly that, and its warnings are remembered by the mini
// file's hash: after an edit only the changed stage (and the stages built on
// it) are linted again. TestStagedLintMatchesWholeFile holds the
// equivalence to one whole-file pass on the fixtures and the corpus.

// stagedWarning is a BuildKit warning with its line relative to the first
// line of the chunk (header or stage) it belongs to.
type stagedWarning struct {
	rule, description, url, detail string
	line                           int
}

type stagedCache struct {
	mu sync.Mutex
	m  map[[32]byte][]stagedWarning
}

// stagedCacheMax bounds the cache (entries are a few warnings each); when
// full it is simply cleared, which only costs one full lint.
const stagedCacheMax = 8192

var bkCache = &stagedCache{m: map[[32]byte][]stagedWarning{}}

func (c *stagedCache) get(k [32]byte) ([]stagedWarning, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	w, ok := c.m[k]
	return w, ok
}

func (c *stagedCache) put(k [32]byte, w []stagedWarning) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= stagedCacheMax {
		clear(c.m)
	}
	c.m[k] = w
}

// stagePlan is the chunking of one text: chunk i covers lines
// [start[i], start[i+1]); chunk 0 is the header, chunk i+1 is stage i.
type stagePlan struct {
	lines []string // the text's lines, line breaks kept
	start []int
	minis []string // per stage: its mini file
	keys  [][32]byte
	// stage i's own chunk begins at line miniStart[i] of minis[i].
	miniStart []int
	headerKey [32]byte
}

func planStages(f *dockerfile.File, text []byte) (*stagePlan, bool) {
	if len(f.Stages) == 0 || len(f.Errors) > 0 {
		return nil, false
	}
	p := &stagePlan{lines: strings.SplitAfter(string(text), "\n")}
	for _, st := range f.Stages {
		first := st.From.StartLine
		if len(st.From.Comments) > 0 {
			first = f.Lines.Line(st.From.Comments[0].Span.Start)
		}
		if len(p.start) > 0 && first < p.start[len(p.start)-1] {
			return nil, false
		}
		p.start = append(p.start, first)
	}
	p.start = append([]int{0}, p.start...)
	p.start = append(p.start, len(p.lines))
	chunk := func(i int) string { return strings.Join(p.lines[p.start[i]:p.start[i+1]], "") }
	header := chunk(0)
	p.headerKey = sha256.Sum256([]byte("header\x00" + header))

	lower, upper := keywordCasing(f)
	deps := stageDeps(f)
	chunkNames := make([][]int, len(f.Stages))
	byName := map[string][]int{}
	for j, st := range f.Stages {
		if st.Name != "" {
			n := strings.ToLower(st.Name)
			byName[n] = append(byName[n], j)
		}
	}
	var b strings.Builder
	for k := range f.Stages {
		b.Reset()
		b.WriteString(header)
		if header != "" && !strings.HasSuffix(header, "\n") {
			b.WriteString("\n")
		}
		lines := strings.Count(b.String(), "\n")
		chain := deps[k]
		inChain := map[int]bool{}
		for _, a := range chain {
			inChain[a] = true
		}
		// Stubs stand for the earlier stages that are not ancestors: their
		// names (duplicate detection, --from) and, padded, the file's
		// majority keyword casing.
		miniLower, miniUpper := 0, 0
		for _, a := range append(chain, k) {
			l, u := stageCasing(f, f.Stages[a])
			miniLower += l
			miniUpper += u
		}
		kw := func(s string) string { return s }
		majorityLower := lower > upper
		if majorityLower {
			kw = strings.ToLower
		}
		// Only names the mini file can meet need a stub: those written in
		// it (--from=, mount from=) and those of its own stages.
		mentions := func(i int) []int {
			if chunkNames[i] == nil {
				chunkNames[i] = mentionedStages(chunk(i+1), byName)
			}
			return chunkNames[i]
		}
		stub := map[int]bool{}
		for _, c := range append(chain, k) {
			for _, j := range mentions(c) {
				if j < k && !inChain[j] {
					stub[j] = true
				}
			}
		}
		for j := 0; j < k; j++ {
			if !stub[j] {
				continue
			}
			b.WriteString(kw("FROM") + " scratch " + kw("AS") + " " + f.Stages[j].Name + "\n")
			lines++
			if majorityLower {
				miniLower++
			} else {
				miniUpper++
			}
		}
		if (miniLower > miniUpper) != majorityLower {
			b.WriteString(kw("FROM") + " scratch\n")
			lines++
			n := miniUpper - miniLower + 1
			if !majorityLower {
				n = miniLower - miniUpper
			}
			for i := 0; i < n; i++ {
				b.WriteString(kw("LABEL") + " msls.stub=1\n")
				lines++
			}
		}
		for _, a := range chain {
			c := chunk(a + 1)
			b.WriteString(c)
			if !strings.HasSuffix(c, "\n") {
				b.WriteString("\n")
			}
			lines += strings.Count(c, "\n")
			if !strings.HasSuffix(c, "\n") {
				lines++
			}
		}
		b.WriteString(chunk(k + 1))
		mini := b.String()
		p.minis = append(p.minis, mini)
		p.miniStart = append(p.miniStart, lines)
		p.keys = append(p.keys, sha256.Sum256([]byte(mini)))
	}
	return p, true
}

// couldNameStage reports whether a FROM reference with variables can expand
// to a stage name: its literal parts must be made of characters a stage name
// may hold, so `node:${V}-alpine` or `$REGISTRY/app` never can.
func couldNameStage(ref string) bool {
	inVar := false
	for i := 0; i < len(ref); i++ {
		c := ref[i]
		switch {
		case c == '$':
			inVar = true
		case inVar && c == '{':
			end := strings.IndexByte(ref[i:], '}')
			if end < 0 {
				return true
			}
			i += end
			inVar = false
		case inVar && (c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'):
		default:
			inVar = false
			if !(c == '-' || c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
				return false
			}
		}
	}
	return true
}

// basePattern turns a FROM reference with variables into a regexp that
// matches every stage name it could expand to: literal parts kept, each
// variable standing for anything. Nil means "could be anything".
func basePattern(ref string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("(?i)^")
	for i := 0; i < len(ref); {
		if ref[i] != '$' {
			j := strings.IndexByte(ref[i:], '$')
			if j < 0 {
				j = len(ref) - i
			}
			b.WriteString(regexp.QuoteMeta(ref[i : i+j]))
			i += j
			continue
		}
		i++
		if i < len(ref) && ref[i] == '{' {
			end := strings.IndexByte(ref[i:], '}')
			if end < 0 {
				return nil
			}
			i += end + 1
		} else {
			for i < len(ref) && (ref[i] == '_' || ref[i] >= '0' && ref[i] <= '9' || ref[i] >= 'a' && ref[i] <= 'z' || ref[i] >= 'A' && ref[i] <= 'Z') {
				i++
			}
		}
		b.WriteString(".*")
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil
	}
	return re
}

// mentionedStages lists the stages whose name (case-insensitively) is a
// word of s; it never returns nil, so callers can memoise on nil.
func mentionedStages(s string, byName map[string][]int) []int {
	out := []int{}
	var buf []byte
	isName := func(c byte) bool {
		return c == '-' || c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	for i := 0; i < len(s); {
		if !isName(s[i]) {
			i++
			continue
		}
		buf = buf[:0]
		for ; i < len(s) && isName(s[i]); i++ {
			c := s[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf = append(buf, c)
		}
		out = append(out, byName[string(buf)]...)
	}
	return out
}

// stageDeps lists, per stage, the earlier stages its lint depends on, in
// order: its ancestors, or every earlier stage when its FROM names a
// variable (BuildKit expands it, so it may name any stage).
func stageDeps(f *dockerfile.File) [][]int {
	deps := make([][]int, len(f.Stages))
	for k, st := range f.Stages {
		switch {
		case strings.Contains(st.BaseImage, "$"):
			// BuildKit's lint expands the variables with the global ARG
			// defaults (there are no --build-args): when they resolve, the
			// base is known exactly.
			if name, ok := expandBase(f, st.BaseImage); ok {
				for j := 0; j < k; j++ {
					if f.Stages[j].Name != "" && strings.EqualFold(f.Stages[j].Name, name) {
						deps[k] = append(append([]int(nil), deps[j]...), j)
						sort.Ints(deps[k])
						break
					}
				}
				break
			}
			// Otherwise any earlier stage whose name fits the pattern may be
			// the base, with its own dependencies.
			if !couldNameStage(st.BaseImage) {
				break
			}
			re := basePattern(st.BaseImage)
			set := map[int]bool{}
			for j := 0; j < k; j++ {
				if re == nil || (f.Stages[j].Name != "" && re.MatchString(f.Stages[j].Name)) || (f.Stages[j].Name == "" && re.MatchString(strconv.Itoa(j))) {
					set[j] = true
					for _, d := range deps[j] {
						set[d] = true
					}
				}
			}
			for j := 0; j < k; j++ {
				if set[j] {
					deps[k] = append(deps[k], j)
				}
			}
		case st.Parent >= 0 && st.Parent < k:
			set := map[int]bool{st.Parent: true}
			for _, j := range deps[st.Parent] {
				set[j] = true
			}
			for j := 0; j < k; j++ {
				if set[j] {
					deps[k] = append(deps[k], j)
				}
			}
		}
	}
	return deps
}

// expandBase expands a FROM reference with the global ARG defaults, in
// order, as BuildKit does when no --build-arg is given; ok is false when some
// variable has no value (an ARG without default, or an automatic platform ARG).
func expandBase(f *dockerfile.File, base string) (string, bool) {
	lex := shell.NewLex(f.EscapeToken)
	env := argEnv{}
	for _, a := range f.GlobalArgs {
		if !a.HasValue {
			delete(env, a.Name)
			continue
		}
		v, _, err := lex.ProcessWord(a.Value, env)
		if err != nil {
			return "", false
		}
		env[a.Name] = v
	}
	res, err := lex.ProcessWordWithMatches(base, env)
	if err != nil || len(res.Unmatched) > 0 {
		return "", false
	}
	return res.Result, true
}

type argEnv map[string]string

func (e argEnv) Get(k string) (string, bool) { v, ok := e[k]; return v, ok }
func (e argEnv) Keys() []string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	return keys
}

// keywordCasing counts the stages' FROM and instruction keywords written all
// lower-case or all upper-case, as BuildKit's ConsistentInstructionCasing
// does (global ARGs before the first FROM do not count).
func keywordCasing(f *dockerfile.File) (lower, upper int) {
	for _, st := range f.Stages {
		l, u := stageCasing(f, st)
		lower += l
		upper += u
	}
	return lower, upper
}

func stageCasing(f *dockerfile.File, st *dockerfile.Stage) (lower, upper int) {
	for _, in := range st.Instructions {
		w := f.Slice(in.KeywordSpan)
		switch {
		case w == strings.ToLower(w):
			lower++
		case w == strings.ToUpper(w):
			upper++
		}
	}
	return lower, upper
}

// lintStaged returns BuildKit's lint results for text, linting only the
// stages whose mini file is not cached. force lints every stage as a mini
// file (for the equivalence test). It falls back to one whole-file pass when
// most stages changed, on any BuildKit error, and for files with parse
// errors.
func lintStaged(f *dockerfile.File, text []byte, force bool) *lint.LintResults {
	p, ok := planStages(f, text)
	if !ok {
		return lintText(text)
	}
	header, headerOK := bkCache.get(p.headerKey)
	found := make([][]stagedWarning, len(p.keys))
	var missing []int
	for i, k := range p.keys {
		if w, ok := bkCache.get(k); ok && !force {
			found[i] = w
		} else {
			missing = append(missing, i)
		}
	}
	if !force && (!headerOK || 2*len(missing) > len(p.keys)) {
		res := lintText(text)
		if res != nil && (res.Error == nil || isViolationError(res.Error)) {
			p.store(res)
		}
		return res
	}
	for _, i := range missing {
		res := lintText([]byte(p.minis[i]))
		if res == nil || (res.Error != nil && !isViolationError(res.Error)) {
			return lintText(text)
		}
		var own, head []stagedWarning
		ownEnd := strings.Count(p.minis[i], "\n") + 1
		for _, w := range res.Warnings {
			line, ok := warningLine(w)
			if !ok {
				return lintText(text)
			}
			switch {
			case line >= p.miniStart[i] && line < ownEnd:
				own = append(own, staged(w, line-p.miniStart[i]))
			case line < p.start[1]:
				head = append(head, staged(w, line))
			}
		}
		found[i] = own
		bkCache.put(p.keys[i], own)
		if !headerOK {
			header, headerOK = head, true
			bkCache.put(p.headerKey, head)
		}
	}
	res := &lint.LintResults{}
	for _, w := range header {
		res.Warnings = append(res.Warnings, w.warning(0))
	}
	for i, ws := range found {
		for _, w := range ws {
			res.Warnings = append(res.Warnings, w.warning(p.start[i+1]))
		}
	}
	return res
}

// isViolationError is the error `# check=error=true` adds when there are
// warnings: it says nothing the warnings do not, so it does not stop a
// stage's warnings from being cached (callers only look at the warnings).
func isViolationError(e *lint.BuildError) bool {
	return strings.HasPrefix(e.Message, "lint violation found for rules")
}

// store files a whole-file result under the chunks' keys.
func (p *stagePlan) store(res *lint.LintResults) {
	per := make([][]stagedWarning, len(p.start)-1)
	for _, w := range res.Warnings {
		line, ok := warningLine(w)
		if !ok {
			return // a warning without a place cannot be filed under a chunk
		}
		c := 0
		for c+1 < len(p.start)-1 && line >= p.start[c+1] {
			c++
		}
		per[c] = append(per[c], staged(w, line-p.start[c]))
	}
	bkCache.put(p.headerKey, per[0])
	for i, k := range p.keys {
		bkCache.put(k, per[i+1])
	}
}

// warningLine is the 0-based first line of a warning.
func warningLine(w lint.Warning) (int, bool) {
	if w.Location == nil || len(w.Location.Ranges) == 0 || w.Location.Ranges[0].Start == nil {
		return 0, false
	}
	return int(w.Location.Ranges[0].Start.Line) - 1, true
}

func staged(w lint.Warning, rel int) stagedWarning {
	return stagedWarning{rule: w.RuleName, description: w.Description, url: w.URL, detail: w.Detail, line: rel}
}

func (w stagedWarning) warning(base int) lint.Warning {
	line := int32(base + w.line + 1)
	return lint.Warning{RuleName: w.rule, Description: w.description, URL: w.url, Detail: w.detail,
		Location: &pb.Location{Ranges: []*pb.Range{{Start: &pb.Position{Line: line}, End: &pb.Position{Line: line}}}}}
}

// DropCaches empties the cache of BuildKit lint results (and the model's
// cache of BuildKit parse results), so that the next check of any text is a
// first sight: for benchmarks of a file opened or checked the first time.
func DropCaches() {
	bkCache.mu.Lock()
	clear(bkCache.m)
	bkCache.mu.Unlock()
	dockerfile.DropBuildKitCache()
}
