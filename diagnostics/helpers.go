package diagnostics

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/bklint"
)

// chain returns the stage and the stages it is built on (`FROM <stage>`),
// nearest first. Cycles cannot happen (a stage can only name an earlier one)
// but the walk is bounded anyway.
func chain(f *dockerfile.File, st *dockerfile.Stage) []*dockerfile.Stage {
	var out []*dockerfile.Stage
	for s := st; s != nil && len(out) <= len(f.Stages); {
		out = append(out, s)
		if s.Parent < 0 || s.Parent >= len(f.Stages) || s.Parent >= s.Index {
			break
		}
		s = f.Stages[s.Parent]
	}
	return out
}

// chainRoot is the last stage of chain(f, st), the one built on an image,
// found without making the chain.
func chainRoot(f *dockerfile.File, st *dockerfile.Stage) *dockerfile.Stage {
	for n := 0; n < len(f.Stages); n++ {
		if st.Parent < 0 || st.Parent >= len(f.Stages) || st.Parent >= st.Index {
			break
		}
		st = f.Stages[st.Parent]
	}
	return st
}

// finalChain is the set of stage indexes whose layers end up in the final
// image: the last stage and the stages it is built on.
func finalChain(f *dockerfile.File) map[int]bool {
	m := map[int]bool{}
	if fin := f.FinalStage(); fin != nil {
		for _, s := range chain(f, fin) {
			m[s.Index] = true
		}
	}
	return m
}

// firstLine is the span of an instruction from its keyword to the end of its
// first line: multi-line instructions get a one-line squiggle.
func firstLine(f *dockerfile.File, in *dockerfile.Instruction) dockerfile.Span {
	end := f.Lines.LineEnd(in.StartLine)
	if end > in.Span.End || end < in.KeywordSpan.Start {
		end = in.Span.End
	}
	return dockerfile.Span{Start: in.KeywordSpan.Start, End: end}
}

// lineOf is the 1-based line of an offset, for messages.
func lineOf(f *dockerfile.File, off int) int { return f.Lines.Line(off) + 1 }

// target returns the instruction ONBUILD wraps, or the instruction itself.
func target(in *dockerfile.Instruction) *dockerfile.Instruction {
	if in.Sub != nil {
		return in.Sub
	}
	return in
}

func hasVar(s string) bool { return strings.Contains(s, "$") }

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
		if bklint.PlainWord(a.Value, f.EscapeToken) {
			env[a.Name] = a.Value // what the lexer would return, without it
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

// argEnv is a shell.EnvGetter over a map.
type argEnv map[string]string

func (e argEnv) Get(k string) (string, bool) { v, ok := e[k]; return v, ok }
func (e argEnv) Keys() []string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	return keys
}
