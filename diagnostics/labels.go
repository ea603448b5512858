package diagnostics

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/msls-dev/msls/dockerfile"
)

// label is one key=value pair of a LABEL instruction.
type label struct {
	Key, Value string
	// Span is the source word holding the pair (or the key, in the legacy
	// `LABEL key value` form).
	Span dockerfile.Span
	In   *dockerfile.Instruction
}

// unquoteWord removes a word's quotes and escapes the way the build does
// (BuildKit's shell lexer); a word with variables is left as written.
func unquoteWord(f *dockerfile.File, w string) string {
	if hasVar(w) || !strings.ContainsAny(w, `"'\`+string(f.EscapeToken)) {
		return w
	}
	if u, _, err := shell.NewLex(f.EscapeToken).ProcessWord(w, shell.EnvsFromSlice(nil)); err == nil {
		return u
	}
	return w
}

// labelsOf lists the pairs of a LABEL instruction with quotes removed
// (variables are not expanded); nil for anything else. Values are read only
// when withValues is set (unquoting costs, and the key rule needs none).
func labelsOf(f *dockerfile.File, in *dockerfile.Instruction, withValues bool) []label {
	lc, ok := in.Command.(*instructions.LabelCommand)
	if !ok {
		if in.Command == nil && in.Is("LABEL") {
			return labelWords(f, in, withValues) // ONBUILD LABEL: BuildKit parses no command for it
		}
		return nil
	}
	out := make([]label, 0, len(lc.Labels))
	next := 0
	for _, kv := range lc.Labels {
		sp := in.KeywordSpan
		// the word whose key part is this key: words are in pair order
		for i := next; i < len(in.Args); i++ {
			k, _, _ := strings.Cut(in.Args[i].Value, "=")
			if k == kv.Key {
				sp, next = in.Args[i].Span, i+1
				break
			}
		}
		l := label{Key: unquoteWord(f, kv.Key), Span: sp, In: in}
		if withValues {
			l.Value = unquoteWord(f, kv.Value)
		}
		out = append(out, l)
	}
	return out
}

// labelWords reads the `key=value` words of a LABEL that BuildKit did not
// parse (the instruction an ONBUILD wraps). The legacy `LABEL key value`
// form has no `=` and is skipped.
func labelWords(f *dockerfile.File, in *dockerfile.Instruction, withValues bool) []label {
	var out []label
	for _, a := range in.Args {
		k, v, ok := strings.Cut(a.Value, "=")
		if !ok {
			continue
		}
		l := label{Key: unquoteWord(f, k), Span: a.Span, In: in}
		if withValues {
			l.Value = unquoteWord(f, v)
		}
		out = append(out, l)
	}
	return out
}
