package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/msls-dev/msls/diagnostics"
)

func init() {
	registerCommand(command{name: "rules", summary: "list every rule: name, aliases, default severity, fixable, docs", run: runRules})
}

// jsonRule is one element of `msls rules --format json`.
type jsonRule struct {
	Name     string   `json:"name"`
	Aliases  []string `json:"aliases"`
	Source   string   `json:"source"`
	Severity string   `json:"severity"`
	// Fixable: the rule declares a fix (whether one finding gets it
	// depends on the text; `msls check --format json` says per finding).
	Fixable      bool `json:"fixable"`
	Experimental bool `json:"experimental,omitempty"`
	// DefaultOff: the rule runs only when configuration turns it on.
	DefaultOff bool   `json:"defaultOff,omitempty"`
	Summary    string `json:"summary"`
	URL        string `json:"url"`
}

//go:generate go test -run TestVSCodeSettingsSchema -update .

// runRules is `msls rules [--format text|json]`: the rule registry, the
// names configuration and suppression comments accept.
func runRules(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("msls rules", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text or json")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: msls rules [--format text|json]\n\n"+
			"Lists every rule: its name, its aliases (hadolint's ids; either works in .msls.yaml and in\n"+
			"`# msls ignore=` / `# hadolint ignore=` comments), default severity, whether it has a fix, and its docs.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "msls rules: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	rules := diagnostics.Rules()
	switch *format {
	case "json":
		out := make([]jsonRule, 0, len(rules))
		for _, r := range rules {
			aliases := r.Aliases
			if aliases == nil {
				aliases = []string{}
			}
			out = append(out, jsonRule{Name: r.Code, Aliases: aliases, Source: string(r.Source), Severity: r.Severity.String(),
				Fixable: r.Fixable(), Experimental: r.Experimental, DefaultOff: r.DefaultOff, Summary: r.Summary, URL: r.URL})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return 2
		}
	case "text":
		tw := tabwriter.NewWriter(stdout, 0, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tALIASES\tSOURCE\tSEVERITY\tFIXABLE\tDOCS")
		for _, r := range rules {
			aliases, fix := strings.Join(r.Aliases, ","), ""
			if aliases == "" {
				aliases = "-"
			}
			if r.Fixable() {
				fix = "yes"
			} else {
				fix = "-"
			}
			sev := r.Severity.String()
			if r.Experimental {
				sev += " (experimental)"
			}
			if r.DefaultOff {
				sev += " (off by default)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Code, aliases, r.Source, sev, fix, r.URL)
		}
		if err := tw.Flush(); err != nil {
			return 2
		}
	default:
		fmt.Fprintf(stderr, "msls rules: unknown --format %q (want text or json)\n", *format)
		return 2
	}
	return 0
}
