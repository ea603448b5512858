package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/format"
	"github.com/msls-dev/msls/internal/safefs"
)

func init() {
	registerCommand(command{name: "fmt", summary: "format Dockerfiles: print a diff, --write them, or --check them", run: runFmt})
}

// runFmt is `msls fmt [--write | --check] [--indent N] [--tabs]
// [--keep-indentation] PATH...`. Without --write or --check it prints a
// unified diff of what formatting would change. Exit status: 0, 1 when
// --check finds an unformatted file, 2 on a usage or I/O error.
func runFmt(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("msls fmt", flag.ContinueOnError)
	fs.SetOutput(stderr)
	write := fs.Bool("write", false, "write the formatted files in place (\"-\": formatted text to stdout)")
	check := fs.Bool("check", false, "list the files that are not formatted and exit 1 if there are any")
	indent := fs.Int("indent", 4, "spaces of indentation for continuation lines")
	tabs := fs.Bool("tabs", false, "indent continuation lines with a tab")
	keep := fs.Bool("keep-indentation", false, "keep the indentation of continuation lines as written")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: msls fmt [--write | --check] [flags] PATH...\n\n"+
			"Formats Dockerfiles (files, directories searched for Dockerfiles, or - for stdin).\n"+
			"Without --write or --check, prints a unified diff of the changes.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *write && *check {
		fmt.Fprintln(stderr, "msls fmt: --write and --check cannot be combined")
		return 2
	}
	if *indent < 1 || *indent > 16 {
		fmt.Fprintln(stderr, "msls fmt: --indent must be between 1 and 16")
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "msls fmt: no paths given (use - for stdin)")
		return 2
	}
	opt := format.Options{IndentWidth: *indent, UseTabs: *tabs, KeepIndentation: *keep}
	files, err := collectDockerfiles(fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "msls fmt: %v\n", err)
		return 2
	}
	status := 0
	for _, path := range files {
		var text []byte
		if path == "-" {
			text, err = readStdin(stdin)
		} else {
			text, err = safefs.ReadFile(path, safefs.MaxDockerfile)
		}
		if err != nil {
			fmt.Fprintf(stderr, "msls fmt: %v\n", err)
			return 2
		}
		out := format.Format(dockerfile.Parse(text), opt)
		changed := !bytes.Equal(out, text)
		switch {
		case *check:
			if changed {
				fmt.Fprintln(stdout, path)
				status = 1
			}
		case *write && path == "-":
			stdout.Write(out)
		case *write:
			if changed {
				// temp file + fsync + rename: a full disk never truncates the file
				if err := safefs.WriteFile(path, out); err != nil {
					fmt.Fprintf(stderr, "msls fmt: %v\n", err)
					return 2
				}
				fmt.Fprintf(stderr, "formatted %s\n", path)
			}
		default:
			if changed {
				fmt.Fprint(stdout, format.Unified(path, text, out))
			}
		}
	}
	return status
}
