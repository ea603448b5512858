// Command msls-bench measures Dockerfile language servers side by side over
// stdio: initialize, didOpen→publishDiagnostics, didChange→publishDiagnostics
// (full-text and incremental edits, and a burst of edits), completion latency
// and peak resident memory (VmHWM). Servers run in interleaved rounds
// (A B A B ...) so that drift of the machine hits each alike; it prints
// medians and the ratio of the first server to each other one, and can write
// JSON. It speaks plain LSP and knows nothing of msls, so any stdio server
// can be measured.
//
//	msls-bench -file testdata/bench/multistage-198.Dockerfile \
//	    -server msls='./msls' \
//	    -server node='node_modules/.bin/docker-langserver --stdio'
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

type serverFlag []serverSpec

type serverSpec struct {
	Name string   `json:"name"`
	Argv []string `json:"argv"`
}

func (s *serverFlag) String() string { return fmt.Sprint(*s) }

func (s *serverFlag) Set(v string) error {
	name, cmd, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(name) == "" {
		return errors.New(`want name=command, e.g. msls='./msls'`)
	}
	argv, err := splitWords(cmd)
	if err != nil {
		return err
	}
	if len(argv) == 0 {
		return fmt.Errorf("server %q: empty command", name)
	}
	*s = append(*s, serverSpec{Name: strings.TrimSpace(name), Argv: argv})
	return nil
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("msls-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var servers serverFlag
	fs.Var(&servers, "server", "`name=command` of a stdio LSP server; repeat for each server, the first is the reference of the ratios")
	file := fs.String("file", "testdata/bench/multistage-198.Dockerfile", "Dockerfile to open and edit")
	rounds := fs.Int("rounds", 5, "measured rounds per server (each starts a fresh server process)")
	warmup := fs.Int("warmup", 1, "unmeasured rounds per server first (file caches, JIT)")
	edits := fs.Int("edits", 30, "didChange edits per round, for each of full-text and incremental sync")
	burst := fs.Int("burst", 10, "edits sent back to back, timed until the last version's diagnostics (0 to skip)")
	completes := fs.Int("completions", 10, "completion requests per round")
	at := fs.String("completion", "", "completion position `line:character` (0-based; default: after \"RU\" of the first RUN)")
	editLine := fs.Int("edit-line", -1, "0-based line to type into (default: the last comment line after the first instruction)")
	docs := fs.Int("docs", 1, "open this many copies of the document and report peak RSS with all of them open")
	timeout := fs.Duration("timeout", 10*time.Second, "per-response timeout")
	jsonOut := fs.String("json", "", "also write the results as JSON to this `file`")
	quiet := fs.Bool("q", false, "no progress on stderr")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if len(servers) == 0 {
		fmt.Fprintln(stderr, "msls-bench: give at least one -server name=command")
		fs.Usage()
		return 2
	}
	if *rounds < 1 || *edits < 0 || *burst < 0 || *completes < 0 || *docs < 1 || *warmup < 0 {
		fmt.Fprintln(stderr, "msls-bench: -rounds and -docs must be >= 1; counts must not be negative")
		return 2
	}
	var completion *position
	if *at != "" {
		l, c, ok := strings.Cut(*at, ":")
		line, err1 := strconv.Atoi(l)
		char, err2 := strconv.Atoi(c)
		if !ok || err1 != nil || err2 != nil || line < 0 || char < 0 {
			fmt.Fprintf(stderr, "msls-bench: -completion %q: want line:character\n", *at)
			return 2
		}
		completion = &position{Line: line, Character: char}
	}
	text, err := os.ReadFile(*file)
	if err != nil {
		fmt.Fprintf(stderr, "msls-bench: %v\n", err)
		return 1
	}
	p, err := newPlan(*file, string(text), *edits, *burst, *completes, *docs, completion, *editLine, *timeout)
	if err != nil {
		fmt.Fprintf(stderr, "msls-bench: %v\n", err)
		return 1
	}

	samples := make([][]sample, len(servers))
	total := *warmup + *rounds
	for r := 0; r < total; r++ {
		for i, srv := range servers {
			s := runRound(srv.Argv, p)
			label := "round"
			if r < *warmup {
				label = "warmup"
			}
			if !*quiet {
				status := "ok"
				if s.Err != nil {
					status = s.Err.Error()
				}
				fmt.Fprintf(stderr, "%s %d/%d %s: %s\n", label, r+1, total, srv.Name, status)
			}
			if r >= *warmup {
				samples[i] = append(samples[i], s)
			}
		}
	}

	rep := summarize(p, servers, samples, *rounds, *warmup)
	rep.print(stdout)
	if *jsonOut != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err == nil {
			err = os.WriteFile(*jsonOut, append(b, '\n'), 0o644)
		}
		if err != nil {
			fmt.Fprintf(stderr, "msls-bench: %v\n", err)
			return 1
		}
	}
	for _, s := range rep.Servers {
		if len(s.Errors) == len(samples[0]) && len(s.Errors) > 0 {
			return 1 // a server that never completed a round is a failed run
		}
	}
	return 0
}

// splitWords splits a command line on blanks, honouring single and double
// quotes and backslash escapes, so commands can be given as one flag value.
func splitWords(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	inWord := false
	var quote rune
	escaped := false
	for _, r := range s {
		switch {
		case escaped:
			cur.WriteRune(r)
			escaped = false
		case r == '\\' && quote != '\'':
			escaped = true
			inWord = true
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote = r
			inWord = true
		case r == ' ' || r == '\t' || r == '\n':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 || escaped {
		return nil, fmt.Errorf("unterminated quote or escape in %q", s)
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out, nil
}
