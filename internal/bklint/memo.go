package bklint

import (
	"encoding/binary"
	"slices"
	"sync"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
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
//   - its own nodes (the FROM's and its commands', everything BuildKit's
//     typed parse and the checks read of them, comments included, their
//     lines relative to the FROM's);
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
// holds once: its base stage's id, then its nodes.
func (s *stage) appendKey(b []byte) []byte {
	var base uint64
	if s.base != nil {
		base = s.base.memo.id
	}
	b = binary.AppendUvarint(b, base)
	for _, n := range s.nodes {
		b = appendNode(b, n, s.nodes[0].StartLine)
	}
	return b
}

// appendNode appends every field of n and of the nodes it holds (its
// Children, and the nodes of its Next chain), its lines less line (nested
// nodes: as they are). BuildKit's parse makes the fields from the node's
// text; all are written so as not to depend on how.
func appendNode(b []byte, n *parser.Node, line int) []byte {
	b = appendFields(b, n, line)
	for m := n.Next; m != nil; m = m.Next {
		if m.StartLine == 0 && m.EndLine == 0 && m.Original == "" && len(m.Flags) == 0 && len(m.PrevComment) == 0 &&
			len(m.Attributes) == 0 && len(m.Heredocs) == 0 && len(m.Children) == 0 {
			// an argument (most nodes): its value only
			b = append(b, 2)
			b = appendString(b, m.Value)
			continue
		}
		b = append(b, 1)
		b = appendFields(b, m, 0)
	}
	return append(b, 0)
}

// appendFields is appendNode but for n's Next chain.
func appendFields(b []byte, n *parser.Node, line int) []byte {
	b = binary.AppendVarint(b, int64(n.StartLine-line))
	b = binary.AppendVarint(b, int64(n.EndLine-line))
	b = appendString(b, n.Value)
	b = appendString(b, n.Original)
	b = appendStrings(b, n.Flags)
	b = appendStrings(b, n.PrevComment)
	b = binary.AppendUvarint(b, uint64(len(n.Attributes)))
	if len(n.Attributes) > 0 {
		keys := make([]string, 0, len(n.Attributes))
		for k := range n.Attributes {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			b = appendString(b, k)
			b = appendBool(b, n.Attributes[k])
		}
	}
	b = binary.AppendUvarint(b, uint64(len(n.Heredocs)))
	for _, h := range n.Heredocs {
		b = appendString(b, h.Name)
		b = binary.AppendUvarint(b, uint64(h.FileDescriptor))
		b = appendBool(b, h.Expand)
		b = appendBool(b, h.Chomp)
		b = appendString(b, h.Content)
	}
	b = binary.AppendUvarint(b, uint64(len(n.Children)))
	for _, c := range n.Children {
		b = appendNode(b, c, 0)
	}
	return b
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

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
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
