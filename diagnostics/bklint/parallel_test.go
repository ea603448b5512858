package bklint

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// TestParallelInstructionParseMatches: the typed parse of a large file split
// over the cores gives what instructions.Parse gives: the same stages and
// global ARGs, the same warnings in the same order, the same called rules
// (they make the `# check=error=true` error), and an error where it errs.
// The threshold is lowered so that every corpus and testdata file (and its
// variants) takes the split path.
func TestParallelInstructionParseMatches(t *testing.T) {
	defer func(m int) { parallelParseMin = m }(parallelParseMin)
	parallelParseMin = 2
	corpus, testdata := testInputs(t)
	type warning struct {
		rule, msg string
		loc       []parser.Range
	}
	run := func(ast *parser.Node, check string, parse func(*parser.Node, *linter.Linter) ([]instructions.Stage, []instructions.ArgCommand, error)) (st []instructions.Stage, args []instructions.ArgCommand, failed bool, ws []warning, called []string) {
		cfg, err := linter.ParseLintOptions(check)
		if err != nil {
			cfg = &linter.Config{}
		}
		cfg.Warn = func(rule, _, _, msg string, loc []parser.Range) { ws = append(ws, warning{rule, msg, loc}) }
		lt := linter.New(cfg)
		st, args, err = parse(ast, lt)
		return st, args, err != nil, ws, *lt.CalledRules
	}
	split, n := 0, 0
	for k, m := range []map[string][]byte{corpus, testdata} {
		for name, text := range m {
			ins := []input{{name, text}}
			if k == 1 { // the variants (directives, casing, emptied lines) of the testdata files
				ins = append(ins, variants(name, text)...)
			}
			for _, v := range ins {
				res, err := parser.Parse(bytes.NewReader(v.text))
				if err != nil {
					continue
				}
				check, _, _, _ := parser.ParseDirective("check", v.text)
				n++
				if len(res.AST.Children) >= 2 {
					split++
				}
				s1, a1, f1, w1, c1 := run(res.AST, check, instructions.Parse)
				s2, a2, f2, w2, c2 := run(res.AST, check, func(ast *parser.Node, lt *linter.Linter) ([]instructions.Stage, []instructions.ArgCommand, error) {
					return parseInstructions(ast, nil, lt)
				})
				// and with the commands given, as msls's own parse has them
				given := make([]any, len(res.AST.Children))
				for i, node := range res.AST.Children {
					given[i] = typedCommand(node)
				}
				s3, a3, f3, w3, c3 := run(res.AST, check, func(ast *parser.Node, lt *linter.Linter) ([]instructions.Stage, []instructions.ArgCommand, error) {
					return parseInstructions(ast, given, lt)
				})
				if f1 != f2 || f1 != f3 {
					t.Fatalf("%s: instructions.Parse failed: %v, the split parse failed: %v, with commands given: %v", v.name, f1, f2, f3)
				}
				if f1 {
					continue
				}
				if !reflect.DeepEqual(s1, s2) || !reflect.DeepEqual(a1, a2) {
					t.Fatalf("%s: the split parse gives other stages or global ARGs", v.name)
				}
				if !reflect.DeepEqual(s1, s3) || !reflect.DeepEqual(a1, a3) {
					t.Fatalf("%s: the parse with commands given gives other stages or global ARGs", v.name)
				}
				if !reflect.DeepEqual(w1, w2) || !reflect.DeepEqual(c1, c2) {
					t.Fatalf("%s: the split parse warns otherwise\nwant %v %v\ngot  %v %v", v.name, w1, c1, w2, c2)
				}
				if !reflect.DeepEqual(w1, w3) || !reflect.DeepEqual(c1, c3) {
					t.Fatalf("%s: the parse with commands given warns otherwise\nwant %v %v\ngot  %v %v", v.name, w1, c1, w3, c3)
				}
			}
		}
	}
	if split < n/2 {
		t.Errorf("only %d of %d inputs took the split path", split, n)
	}
	t.Logf("%d inputs, %d parsed split", n, split)
}

// TestParallelDispatchMatches: stages dispatched on several workers give
// what dispatching them in order gives (the same warnings, the same error,
// the same declines), the threshold lowered so that every input of a few
// commands takes the parallel path.
func TestParallelDispatchMatches(t *testing.T) {
	ins := allInputs(t)
	defer func(m int) { parallelDispatchMin = m }(parallelDispatchMin)
	compared := 0
	for _, in := range ins {
		res, err := parser.Parse(bytes.NewReader(in.text))
		if err != nil {
			continue
		}
		check, _, _, _ := parser.ParseDirective("check", in.text)
		env := EnvFor(in.text)
		parallelDispatchMin = 1 << 30
		want, werr := lintOrDecline(res, nil, check, env)
		parallelDispatchMin = 2
		got, gerr := lintOrDecline(res, nil, check, env)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("%s: in order: %v; in parallel: %v", in.name, werr, gerr)
		}
		if werr != nil {
			continue
		}
		// (one instruction's warnings come in map order either way)
		if g, w := warningKeys(got), warningKeys(want); !reflect.DeepEqual(g, w) {
			t.Fatalf("%s: the warnings differ\n got: %v\nwant: %v", in.name, g, w)
		}
		if (got.Error == nil) != (want.Error == nil) || got.Error != nil && errorKey(got.Error.Message) != errorKey(want.Error.Message) {
			t.Fatalf("%s: error %v, want %v", in.name, got.Error, want.Error)
		}
		compared++
	}
	t.Logf("%d inputs compared", compared)
	if compared < len(ins)/2 {
		t.Errorf("only %d of %d inputs compared", compared, len(ins))
	}
}
