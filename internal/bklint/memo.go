package bklint

import (
	"bytes"
	"encoding/binary"
	"slices"
	"sync"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/subrequests/lint"
	"github.com/moby/buildkit/solver/pb"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// Memo is what the lints of a document's versions hand to the next one. A
// keystroke into an instruction changes one stage; dispatching the stages
// (the environment, the expansion of every word, the per-stage checks) was
// most of a lint, and every other stage's dispatch reads what it read in the
// last version, only at other lines. So a stage is dispatched once per key:
//
//   - its text, from its FROM's first line through its last command's last
//     line: BuildKit's parse of its commands, their comments included, is
//     made from it, and where the stage sits in the file is not in it (the
//     comments above the FROM are read only by the whole-file checks);
//   - its base stage's key (the state it starts from), or none for an image;
//   - the globals: the check directive, the stand-in image's environment,
//     the escape token and the global ARGs (which FROM lines and ARGs
//     without a value read).
//
// For a key seen in the last lint, the stage's warnings are those its
// dispatch gave then, moved to its lines now, and its final state (which its
// child stages start from) is the one it had. The whole-file checks (casing,
// stage names, FROM lines, global ARGs) run on every lint. The answers of
// distribution/reference for base image names, the evaluation of the global
// ARGs and of the FROM words are kept the same way.
//
// A Memo keeps what the last lint that did not decline used, so it is
// bounded by the document's size. Safe for concurrent use; its owner (the
// engine) keeps one per document and drops it with the document.
type Memo struct {
	mu   sync.Mutex
	last *memoGen
	ids  uint64
}

// memoGen is what one lint leaves in a Memo. It is not changed once stored.
type memoGen struct {
	globals string                // globalsKey of the lint
	stages  map[string]*stageMemo // by stage key (see stage.appendKey)
	words   map[string]processed  // fromWord's answers under the globals
	refs    map[string]bool       // validRef's answers

	metaKey  string // metaArgsKey of the global ARGs
	metaEnv  *llb.EnvList
	metaArgs []string
}

// newMemoGen returns an empty memoGen, its maps sized as last's (nil: none).
func newMemoGen(last *memoGen) *memoGen {
	if last == nil {
		last = &memoGen{}
	}
	return &memoGen{stages: make(map[string]*stageMemo, len(last.stages)), words: make(map[string]processed, len(last.words)),
		refs: make(map[string]bool, len(last.refs))}
}

func (m *Memo) load() *memoGen {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.last
}

func (m *Memo) store(g *memoGen) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.last = g
}

// stageMemo is what dispatching a stage gave: the warnings (at the lines of
// the lint that stored them, whose FROM was at line) and the final state.
// It is only read once stored, and so are the values it shares.
type stageMemo struct {
	key      string
	id       uint64 // in the keys of its child stages
	line     int
	warnings []lint.Warning

	env        *llb.EnvList
	imgEnv     []string
	shellSet   bool
	wd         string
	workdirSet bool
	buildArgs  []instructions.KeyValuePairOptional
	platform   ocispecs.Platform
}

// save records what dispatching s gave, ws being the warnings it added.
func (m *Memo) save(key string, s *stage, ws []lint.Warning) *stageMemo {
	m.mu.Lock()
	m.ids++
	id := m.ids
	m.mu.Unlock()
	e := &stageMemo{key: key, id: id, line: s.nodes[0].StartLine, warnings: slices.Clone(ws),
		env: s.env, imgEnv: s.imgEnv, shellSet: s.shellSet, wd: s.wd, workdirSet: s.workdirSet,
		buildArgs: s.buildArgs, platform: s.platform}
	s.memo = e
	return e
}

// restore gives s the final state e recorded and adds e's warnings to r,
// moved to s's lines, and their rules to the rules lt ran (what lt.Error
// lists under `# check=error=true`: every check that passes lt's filters adds
// its rule there and one warning). Child stages copy what they change of the
// state.
func (e *stageMemo) restore(s *stage, r *lint.LintResults, lt *linter.Linter) {
	s.env, s.imgEnv, s.shellSet, s.wd, s.workdirSet = e.env, e.imgEnv, e.shellSet, e.wd, e.workdirSet
	s.buildArgs, s.platform = e.buildArgs, e.platform
	s.memo = e
	delta := int32(s.nodes[0].StartLine - e.line)
	for _, w := range e.warnings {
		if delta != 0 && w.Location != nil {
			loc := &pb.Location{SourceIndex: w.Location.SourceIndex, Ranges: make([]*pb.Range, len(w.Location.Ranges))}
			for i, rg := range w.Location.Ranges {
				loc.Ranges[i] = &pb.Range{
					Start: &pb.Position{Line: rg.Start.Line + delta, Character: rg.Start.Character},
					End:   &pb.Position{Line: rg.End.Line + delta, Character: rg.End.Character},
				}
			}
			w.Location = loc
		}
		r.Warnings = append(r.Warnings, w)
		*lt.CalledRules = append(*lt.CalledRules, w.RuleName)
	}
}

// lookup returns what a stage of this key left in this lint or the last.
func (ls *linterState) lookup(key []byte) *stageMemo {
	if e, ok := ls.cur.stages[string(key)]; ok {
		return e
	}
	if ls.old != nil {
		return ls.old.stages[string(key)]
	}
	return nil
}

// appendKey appends s's key (see Memo) but for the globals, which a memoGen
// holds once: its base stage's id, then its text (text is what the lint's
// AST is the parse of, lines its line starts).
func (s *stage) appendKey(b, text []byte, lines []int) []byte {
	var base uint64
	if s.base != nil {
		base = s.base.memo.id
	}
	b = binary.AppendUvarint(b, base)
	from, last := s.nodes[0].StartLine-1, min(s.nodes[len(s.nodes)-1].EndLine, len(lines)-1)
	return append(b, text[lines[from]:lines[last]]...)
}

// lineStarts returns the offset in text of each line BuildKit's scanner
// numbers (lines[i] starts 1-based line i+1), then len(text).
func lineStarts(text []byte) []int {
	lines := make([]int, 1, bytes.Count(text, []byte{'\n'})+2)
	for i, c := range text {
		if c == '\n' {
			lines = append(lines, i+1)
		}
	}
	if lines[len(lines)-1] != len(text) {
		lines = append(lines, len(text))
	}
	return lines
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendStrings(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = appendString(b, s)
	}
	return b
}

// metaArgsKey is what the evaluation of the global ARGs reads: the escape
// token, the target stage's name (TARGETSTAGE) and the ARGs.
func metaArgsKey(esc rune, target string, cmds []instructions.ArgCommand) string {
	b := binary.AppendVarint(nil, int64(esc))
	b = appendString(b, target)
	for _, c := range cmds {
		for _, kp := range c.Args {
			b = appendString(b, kp.Key)
			if kp.Value == nil {
				b = append(b, 0)
			} else {
				b = append(b, 1)
				b = appendString(b, *kp.Value)
			}
		}
	}
	return string(b)
}

// globalsKey is what a stage's dispatch reads beside its nodes and its base
// stage: the check directive, the stand-in image's environment and the
// global ARGs (by metaArgsKey, escape token included).
func globalsKey(check string, env []string, metaKey string) string {
	b := appendString(nil, check)
	b = appendStrings(b, env)
	return string(appendString(b, metaKey))
}

// buildMetaArgs evaluates the global ARGs (the package's buildMetaArgs),
// taking the evaluation from last when it had the same key, and records it
// in ls.cur.
func (ls *linterState) buildMetaArgs(last *memoGen, target ocispecs.Platform, targetName string, cmds []instructions.ArgCommand) (key string, env *llb.EnvList, names []string, err error) {
	key = metaArgsKey(ls.esc, targetName, cmds)
	if last != nil && last.metaKey == key && last.metaEnv != nil {
		env, names = last.metaEnv, last.metaArgs
	} else {
		env, names, err = buildMetaArgs(defaultArgs(target, targetName), ls.shlex, cmds)
		if err != nil {
			return key, nil, nil, err
		}
	}
	ls.cur.metaKey, ls.cur.metaEnv, ls.cur.metaArgs = key, env, names
	return key, env, names, nil
}
