package bklint

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// TestLintWithCommandsMatchesLint: given the typed commands of the nodes (as
// msls's parse has them), Lint answers exactly what it answers without,
// and leaves the commands as they were: dispatch expands variables in place,
// so a command it shares instead of copying would come back changed (ENV
// values, COPY sources, WORKDIR paths with variables in the corpus).
func TestLintWithCommandsMatchesLint(t *testing.T) {
	ins := allInputs(t)
	results := fanOut(ins, func(in input, emit func(outcome)) { emit(lintCommandsOutcome(in)) })
	answered, expanded, failures := 0, 0, 0
	for o := range results {
		if o.diff != "" {
			failures++
			if failures <= 20 {
				t.Errorf("%s: %s", o.name, o.diff)
			}
		}
		if o.answered {
			answered++
			if o.vars {
				expanded++
			}
		}
	}
	t.Logf("%d inputs, %d answered, %d of them with variables in shared commands", len(ins), answered, expanded)
	if expanded < min(20, answered/10) {
		t.Errorf("only %d answered inputs have variables to expand: the test does not show that commands stay as given", expanded)
	}
}

func lintCommandsOutcome(in input) (o outcome) {
	o.name = in.name
	res, err := parser.Parse(bytes.NewReader(in.text))
	if err != nil {
		return o
	}
	env := EnvFor(in.text)
	given := make([]any, len(res.AST.Children))
	fresh := make([]any, len(res.AST.Children))
	for i, node := range res.AST.Children {
		given[i], fresh[i] = typedCommand(node), typedCommand(node)
		if c, ok := private(given[i]); ok && c != nil {
			if strings.Contains(node.Original, "$") {
				o.vars = true
			}
		}
	}
	want, werr := Lint(in.text, res, nil, env, nil)
	got, gerr := Lint(in.text, res, given, env, nil)
	wok, gok := werr == nil, gerr == nil
	for i := range given {
		if !reflect.DeepEqual(given[i], fresh[i]) {
			o.diff = "Lint changed the command of line " + res.AST.Children[i].Original
			return o
		}
	}
	if wok != gok {
		o.diff = "Lint with and without the commands disagree on declining"
		return o
	}
	if !wok {
		return o
	}
	o.answered = true
	if (want.Error == nil) != (got.Error == nil) || want.Error != nil && errorKey(want.Error.Message) != errorKey(got.Error.Message) {
		o.diff = "the errors differ"
	} else if g, w := strings.Join(warningKeys(got), "\n"), strings.Join(warningKeys(want), "\n"); g != w {
		o.diff = "warnings differ\n got:\n  " + g + "\n want:\n  " + w
	}
	return o
}

// allInputs is every corpus file, every testdata file and its variants, and
// the hand-made cases.
func allInputs(t *testing.T) []input {
	corpus, testdata := testInputs(t)
	for _, c := range oracleCases {
		testdata["case:"+c.name] = []byte(c.text)
	}
	var ins []input
	for k, m := range []map[string][]byte{corpus, testdata} {
		for name, text := range m {
			ins = append(ins, input{name, text})
			if k == 1 {
				ins = append(ins, variants(name, text)...)
			}
		}
	}
	return ins
}

// typedCommand is the command msls's parse keeps for a node: BuildKit's typed
// parse with a silent linter (a nil one fails on `# check=` comments), nil
// when it fails.
func typedCommand(node *parser.Node) any {
	c, err := instructions.ParseInstructionWithLinter(node, linter.New(&linter.Config{}))
	if err != nil {
		return nil
	}
	return c
}

// outcome is what lintCommandsOutcome found for one input.
type outcome struct {
	name, diff string
	answered   bool
	vars       bool // a command given to be shared or copied has a variable
}
