package bklint

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/subrequests/lint"

	"github.com/msls-dev/msls/internal/corpustest"
)

// TestMemoMatchesFresh: linting a document's versions one after the other
// with one Memo answers, for every version, exactly what a lint without it
// answers (the same warnings, the same error, the same
// declines). The versions are every corpus and testdata file (and the
// testdata variants and cases), then a line inserted above the first FROM
// (every stage moves), then random edits; a third of the corpus files get
// `# check=error=true`, whose error lists the checks a memoised stage did not
// run. The corpus is required in CI (corpustest.Required via allInputs).
func TestMemoMatchesFresh(t *testing.T) {
	ins := allInputs(t)
	edits := 6
	if testing.Short() {
		edits = 3
	}
	type result struct {
		diffs                  []string
		versions, hits, warned int
		moved                  bool
	}
	results := fanOut(ins, func(in input, emit func(result)) {
		var o result
		h := fnv.New64a()
		h.Write([]byte(in.name))
		seed := h.Sum64()
		text := in.text
		if strings.HasPrefix(in.name, "/") && seed%3 == 0 { // a corpus file
			text = append([]byte("# check=error=true\n"), text...)
		}
		r := rand.New(rand.NewPCG(seed, 17))
		memo := &Memo{}
		for v := 0; v <= edits+1; v++ {
			switch {
			case v == 1:
				if i := bytes.Index(text, []byte("\nFROM")); i >= 0 {
					text = append(text[:i+1:i+1], append([]byte("\n"), text[i+1:]...)...)
					o.moved = true
				}
			case v > 1:
				text = corpustest.RandomEdit(r, text)
			}
			before := memo.ids
			got, gerr, stages, ok := memoLint(text, memo)
			if !ok {
				continue
			}
			want, werr, _, _ := memoLint(text, nil)
			o.versions++
			if d := resultDiff(got, gerr, want, werr); d != "" {
				o.diffs = append(o.diffs, fmt.Sprintf("%s, version %d: %s\n%s", in.name, v, d, text))
			}
			if gerr == nil && v > 0 {
				misses := int(memo.ids - before)
				o.hits += stages - misses
				for _, e := range memo.load().stages {
					if e.id <= before && len(e.warnings) > 0 {
						o.warned++
					}
				}
			}
		}
		emit(o)
	})
	versions, hits, warned, moved, failures := 0, 0, 0, 0, 0
	for o := range results {
		versions += o.versions
		hits += o.hits
		warned += o.warned
		if o.moved {
			moved++
		}
		for _, d := range o.diffs {
			if failures++; failures <= 10 {
				t.Error(d)
			}
		}
	}
	t.Logf("%d inputs (%d with every stage moved), %d versions, %d stages taken from the memo (%d with warnings)", len(ins), moved, versions, hits, warned)
	if hits < versions/5 || warned < 20 {
		t.Errorf("the memo answered for %d stages (%d with warnings) in %d versions: the test does not exercise it", hits, warned, versions)
	}
}

// memoLint lints text as msls does (the typed commands given) with memo;
// stages is the number of stages, ok false when the text does not parse.
func memoLint(text []byte, memo *Memo) (r *lint.LintResults, err error, stages int, ok bool) {
	res, perr := parser.Parse(bytes.NewReader(text))
	if perr != nil {
		return nil, nil, 0, false
	}
	cmds := make([]any, len(res.AST.Children))
	for i, node := range res.AST.Children {
		cmds[i] = typedCommand(node)
		if strings.EqualFold(node.Value, "from") {
			stages++
		}
	}
	r, err = Lint(text, res, cmds, EnvFor(text), memo)
	return r, err, stages, true
}

// resultDiff says how two answers of Lint differ ("" if they do
// not), with everything a caller reads of the warnings. They are compared
// sorted: BuildKit reports the undefined variables of an instruction in map
// order, so not even two lints without a memo agree on the order.
func resultDiff(got *lint.LintResults, gerr error, want *lint.LintResults, werr error) string {
	if (gerr == nil) != (werr == nil) {
		return fmt.Sprintf("declined: %v, want %v", gerr, werr)
	}
	if gerr != nil {
		return ""
	}
	if (got.Error == nil) != (want.Error == nil) || got.Error != nil && errorKey(got.Error.Message) != errorKey(want.Error.Message) {
		return fmt.Sprintf("error %v, want %v", got.Error, want.Error)
	}
	g, w := strings.Join(warningKeys(got), "\n  "), strings.Join(warningKeys(want), "\n  ")
	if g != w {
		return "warnings differ\n got:\n  " + g + "\n want:\n  " + w
	}
	return ""
}
