package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/msls-dev/msls/codeactions"
	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/safefs"
	"github.com/msls-dev/msls/internal/udiff"
)

// fixBudget bounds the time one file's split may spend on its build context.
const fixBudget = 30 * time.Second

func init() {
	registerCommand(command{name: "fix", summary: "apply safe quick fixes (and --split): print a diff, or --write", run: runFix})
}

// runFix is `msls fix [--split] [--write] [--fail-level L] PATH...`. It
// applies every safe quick fix (and, with --split, the multi-stage split
// refactor first), then prints a unified diff or writes the files. Exit
// status as `msls check`, judged on the fixed text: 0 when nothing at or
// above --fail-level remains, 1 when something does, 2 on usage or I/O
// errors.
func runFix(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("msls fix", flag.ContinueOnError)
	fs.SetOutput(stderr)
	write := fs.Bool("write", false, "write the fixed files in place (for -, print the fixed text)")
	split := fs.Bool("split", false, "also split single-stage Dockerfiles into deps -> builder -> runner stages")
	failLevel := fs.String("fail-level", "warning", "exit 1 when a remaining finding is at least this severe: error, warning, info, hint or none")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: msls fix [--split] [--write] PATH...\n\n"+
			"Applies msls's safe quick fixes (files, directories searched for Dockerfiles, or - for stdin).\n"+
			"Without --write, prints a unified diff of the changes.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	threshold, ok := parseFailLevel(*failLevel)
	if !ok {
		fmt.Fprintf(stderr, "msls fix: unknown --fail-level %q\n", *failLevel)
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "msls fix: no paths given (use - for stdin)")
		return 2
	}
	files, err := collectDockerfiles(fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "msls fix: %v\n", err)
		return 2
	}
	status := 0
	for _, path := range files {
		var text []byte
		var ctx codeactions.Context
		if path == "-" {
			text, err = readStdin(stdin)
		} else {
			text, err = safefs.ReadFile(path, safefs.MaxDockerfile)
			ctx = fixContext(path)
		}
		if err != nil {
			fmt.Fprintf(stderr, "msls fix: %v\n", err)
			return 2
		}
		fixed, refusal := fixText(text, ctx, *split)
		codeactions.CloseContext(ctx)
		if refusal != "" {
			name := path
			if name == "-" {
				name = "<stdin>"
			}
			// Otherwise a refused split is silent: the user asked for it.
			fmt.Fprintf(stderr, "msls fix: %s: split not offered: %s\n", name, refusal)
		}
		switch {
		case *write && path == "-":
			if _, err := stdout.Write(fixed); err != nil {
				return 2
			}
		case *write:
			if string(fixed) != string(text) {
				if err := safefs.WriteFile(path, fixed); err != nil {
					fmt.Fprintf(stderr, "msls fix: %v\n", err)
					return 2
				}
			}
		default:
			name := path
			if name == "-" {
				name = "<stdin>"
			}
			fmt.Fprint(stdout, udiff.Unified("a/"+name, "b/"+name, text, fixed))
		}
		for _, fd := range diagnostics.Check(dockerfile.Parse(fixed)) {
			if fd.Severity >= diagnostics.SeverityError && fd.Severity <= threshold {
				status = 1
			}
		}
	}
	return status
}

// fixText runs the split (when asked and offered) and then the safe fixes.
// refusal says why a split that was asked for was not made.
func fixText(text []byte, ctx codeactions.Context, split bool) (fixed []byte, refusal string) {
	// A hostile build context (includes looping through links, huge
	// trees) must not hold the command for ever: past the budget, reads of
	// the context fail and the split is refused with a message.
	budget, cancel := context.WithTimeout(context.Background(), fixBudget)
	defer cancel()
	ctx = codeactions.WithContext(budget, ctx)
	if split {
		f := dockerfile.Parse(text)
		if ed, ok := codeactions.Split(f, ctx); ok {
			if out, err := codeactions.Apply(text, []dockerfile.Edit{ed}); err == nil {
				text = out
			} else {
				refusal = "the rewrite did not apply: " + err.Error()
			}
		} else {
			refusal = codeactions.SplitRefusal(f, ctx)
			if budget.Err() != nil {
				refusal = fmt.Sprintf("reading the build context took longer than %v", fixBudget)
			}
		}
	}
	out, _ := codeactions.FixAllText(text, ctx, nil)
	return out, refusal
}
