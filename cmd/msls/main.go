// Command msls is a language server for Dockerfiles, specialised in
// multi-stage builds. With no command it speaks LSP on stdin/stdout; `msls
// check` lints files from the command line with the same engine.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// command is one `msls <name>` subcommand. run returns the exit status.
type command struct {
	name    string
	summary string
	run     func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

var commands = map[string]command{}

// registerCommand adds a subcommand; files such as fix.go and fmt.go call it
// from init().
func registerCommand(c command) {
	if _, dup := commands[c.name]; dup {
		panic("msls: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return serve(nil, stdin, stdout, stderr)
	}
	switch a := args[0]; {
	case a == "-h" || a == "-help" || a == "--help":
		usage(stdout)
		return 0
	case a == "-version" || a == "--version":
		fmt.Fprintln(stdout, "msls", versionString())
		return 0
	case strings.HasPrefix(a, "-"):
		// `msls --stdio`, `msls --log-level=debug`: serve flags without the
		// command, as editors launch servers.
		return serve(args, stdin, stdout, stderr)
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "msls: unknown command %q (run 'msls help')\n", args[0])
		return 2
	}
	return c.run(args[1:], stdin, stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprint(w, `msls - a language server for Dockerfiles, specialised in multi-stage builds

Usage:
  msls [serve] [flags]        speak LSP on stdin/stdout (the default)
  msls <command> [arguments]

Commands:
`)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprint(w, `
Run 'msls <command> -h' for a command's flags.
`)
}

func init() {
	registerCommand(command{name: "help", summary: "show this help", run: func(args []string, _ io.Reader, stdout, stderr io.Writer) int {
		if len(args) > 0 {
			if c, ok := commands[args[0]]; ok {
				return c.run([]string{"-h"}, nil, stdout, stderr)
			}
			fmt.Fprintf(stderr, "msls: unknown command %q\n", args[0])
			return 2
		}
		usage(stdout)
		return 0
	}})
}
