package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/safefs"
)

func init() {
	registerCommand(command{name: "check", summary: "lint Dockerfiles (files or directories)", run: runCheck})
	registerCheckFormat("text", writeText)
	registerCheckFormat("json", writeJSON)
}

// fileReport is what check found in one file.
type fileReport struct {
	Path string // as given or found; "-" is stdin
	// Lines converts spans to positions; the parsed File itself is dropped as
	// soon as its file is checked, so a large run keeps little alive.
	Lines    *dockerfile.LineIndex
	Findings []diagnostics.Finding
	// Fixable[i] says whether `msls fix` fixes Findings[i]; filled only for
	// the formats that report it (checkFormat.fixable).
	Fixable []bool
}

// checkFormatter writes the reports of a run (sorted by path, findings in
// source order).
type checkFormatter func(w io.Writer, reports []fileReport) error

var checkFormats = map[string]checkFormatter{}

// registerCheckFormat adds an output format for --format; call it from
// init() (e.g. sarif, github).
func registerCheckFormat(name string, f checkFormatter) {
	if _, dup := checkFormats[name]; dup {
		panic("msls check: format registered twice: " + name)
	}
	checkFormats[name] = f
}

// checkRun is one invocation of `msls check`. Extensions adjust it.
type checkRun struct {
	Format    string
	FailLevel string
	Paths     []string
	// Lint computes the findings of one file; an extension may replace it
	// (e.g. to apply a configuration file). path is the display path.
	Lint func(path string, f *dockerfile.File) ([]diagnostics.Finding, error)
}

// checkExtension plugs flags and behaviour into `msls check` (e.g. --config).
// Flags registers flags; Setup runs after flag parsing and may change the run
// (an error is a usage error: exit status 2).
type checkExtension struct {
	Flags func(fs *flag.FlagSet)
	Setup func(run *checkRun) error
}

var checkExtensions []checkExtension

func registerCheckExtension(e checkExtension) { checkExtensions = append(checkExtensions, e) }

// usageError makes runCheck exit with status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func runCheck(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	run, err := parseCheckArgs(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "msls check: %v\n", err)
		return 2
	}
	files, err := collectDockerfiles(run.Paths)
	if err != nil {
		fmt.Fprintf(stderr, "msls check: %v\n", err)
		return 2
	}
	applyGCDefaults(os.Getenv, checkGCPercent, checkMemoryLimit)
	reports, err := lintFiles(run, files, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "msls check: %v\n", err)
		return 2
	}
	if err := checkFormats[run.Format](stdout, reports); err != nil {
		fmt.Fprintf(stderr, "msls check: %v\n", err)
		return 2
	}
	threshold, _ := parseFailLevel(run.FailLevel)
	for _, r := range reports {
		for _, fd := range r.Findings {
			if fd.Severity >= diagnostics.SeverityError && fd.Severity <= threshold {
				return 1
			}
		}
	}
	return 0
}

// lintFiles reads, parses and checks the files on every core; the reports
// keep the order of files. The first read or configuration error wins.
func lintFiles(run *checkRun, files []string, stdin io.Reader) ([]fileReport, error) {
	reports := make([]fileReport, len(files))
	errs := make([]error, len(files))
	one := func(i int) {
		path := files[i]
		var text []byte
		var err error
		if path == "-" {
			text, err = readStdin(stdin)
		} else {
			text, err = safefs.ReadFile(path, safefs.MaxDockerfile)
		}
		if err != nil {
			errs[i] = err
			return
		}
		f := dockerfile.Parse(text)
		findings, err := run.Lint(path, f)
		if err != nil {
			errs[i] = fmt.Errorf("%s: %v", path, err)
			return
		}
		sort.SliceStable(findings, func(i, j int) bool { return findings[i].Span.Start < findings[j].Span.Start })
		reports[i] = fileReport{Path: path, Lines: f.Lines, Findings: findings}
		if needsFixable[run.Format] {
			reports[i].Fixable = fixable(path, f, findings)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				one(i)
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return reports, nil
}

func parseCheckArgs(args []string, stderr io.Writer) (*checkRun, error) {
	run := &checkRun{Lint: func(_ string, f *dockerfile.File) ([]diagnostics.Finding, error) {
		return diagnostics.Check(f), nil
	}}
	fs := flag.NewFlagSet("msls check", flag.ContinueOnError)
	fs.StringVar(&run.Format, "format", "text", "output format: "+strings.Join(formatNames(), ", "))
	fs.StringVar(&run.FailLevel, "fail-level", "warning", "exit 1 when a finding is at least this severe: error, warning, info, hint or none")
	for _, e := range checkExtensions {
		if e.Flags != nil {
			e.Flags(fs)
		}
	}
	// flag would print the whole usage on every error; errors get one line.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	printUsage := func() {
		fmt.Fprintf(stderr, `Usage: msls check [flags] PATH...

Lint Dockerfiles. A directory means every Dockerfile below it: Dockerfile,
Dockerfile.*, Dockerfile-*, *.Dockerfile, *_Dockerfile, Containerfile and the
like, in any case (not templates such as Dockerfile.template); "-" reads
standard input.
Exit status: 0 nothing at or above --fail-level, 1 something was found,
2 usage or I/O error.

Flags:
`)
		fs.SetOutput(stderr)
		fs.PrintDefaults()
	}
	// Flags may come after paths (`msls check . --format json`).
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				printUsage()
				return nil, err
			}
			return nil, usageError{strings.TrimSpace(firstLine(err.Error()))}
		}
		rest = fs.Args()
		if len(rest) == 0 {
			break
		}
		if rest[0] == "--" {
			run.Paths = append(run.Paths, rest[1:]...)
			break
		}
		run.Paths = append(run.Paths, rest[0])
		rest = rest[1:]
	}
	if len(run.Paths) == 0 {
		return nil, usageError{"no paths given (usage: msls check [flags] PATH...)"}
	}
	if _, ok := checkFormats[run.Format]; !ok {
		return nil, usageError{fmt.Sprintf("unknown --format %q (want %s)", run.Format, strings.Join(formatNames(), ", "))}
	}
	if _, ok := parseFailLevel(run.FailLevel); !ok {
		return nil, usageError{fmt.Sprintf("unknown --fail-level %q (want error, warning, info, hint or none)", run.FailLevel)}
	}
	for _, e := range checkExtensions {
		if e.Setup != nil {
			if err := e.Setup(run); err != nil {
				return nil, err
			}
		}
	}
	return run, nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func formatNames() []string {
	names := make([]string, 0, len(checkFormats))
	for n := range checkFormats {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// parseFailLevel maps a level name to the least severe severity that fails
// the run; "none" fails on nothing.
func parseFailLevel(s string) (diagnostics.Severity, bool) {
	switch strings.ToLower(s) {
	case "error":
		return diagnostics.SeverityError, true
	case "warning", "warn":
		return diagnostics.SeverityWarning, true
	case "info", "information":
		return diagnostics.SeverityInformation, true
	case "hint":
		return diagnostics.SeverityHint, true
	case "none", "never":
		return 0, true
	}
	return 0, false
}

// isDockerfileName says whether a directory walk picks up a file: one of whose
// name parts (split on '.', '-' and '_') is "Dockerfile" or "Containerfile",
// in any case (Dockerfile, Dockerfile.prod, Dockerfile-windows, api.Dockerfile,
// build_dockerfile, Containerfile), unless its extension says it is something
// else: a template to be rendered first, docs, scripts, backups.
func isDockerfileName(name string) bool {
	parts := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == '.' || r == '-' || r == '_' })
	found := false
	for _, p := range parts {
		if p == "dockerfile" || p == "containerfile" {
			found = true
		}
	}
	if !found {
		return false
	}
	switch parts[len(parts)-1] {
	case "template", "tmpl", "tpl", "j2", "jinja", "erb", "in", "md", "txt", "sh", "yml", "yaml", "json", "orig", "bak", "swp", "rej":
		return false
	}
	return true
}

// collectDockerfiles expands the paths: files are taken as given, directories
// are walked. The result is sorted per argument and free of duplicates.
func collectDockerfiles(paths []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, p := range paths {
		if p == "-" {
			add(p)
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			add(p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if d.Name() == ".git" && path != p {
					return filepath.SkipDir
				}
				return nil
			}
			if isDockerfileName(d.Name()) && d.Type().IsRegular() {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		for _, f := range found {
			add(f)
		}
	}
	return out, nil
}

func writeText(w io.Writer, reports []fileReport) error {
	for _, r := range reports {
		for _, fd := range r.Findings {
			line, col := r.Lines.LineCol(fd.Span.Start)
			if _, err := fmt.Fprintf(w, "%s:%d:%d: %s %s: %s\n", r.Path, line, col, fd.Severity, fd.Code, fd.Message); err != nil {
				return err
			}
		}
	}
	return nil
}

// jsonFinding is one element of `--format json` output (a JSON array).
type jsonFinding struct {
	Path      string `json:"path"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"endLine"`
	EndColumn int    `json:"endColumn"`
	Severity  string `json:"severity"`
	Code      string `json:"code"`
	Message   string `json:"message"`
	URL       string `json:"url,omitempty"`
	// Aliases are the rule's other names that apply to this finding
	// (hadolint's ids).
	Aliases []string `json:"aliases,omitempty"`
	// Fixable is true exactly when `msls fix` fixes the finding.
	Fixable bool `json:"fixable,omitempty"`
}

func writeJSON(w io.Writer, reports []fileReport) error {
	out := []jsonFinding{}
	for _, r := range reports {
		for i, fd := range r.Findings {
			line, col := r.Lines.LineCol(fd.Span.Start)
			endLine, endCol := r.Lines.LineCol(fd.Span.End)
			out = append(out, jsonFinding{
				Path: r.Path, Line: line, Column: col, EndLine: endLine, EndColumn: endCol,
				Severity: fd.Severity.String(), Code: fd.Code, Message: fd.Message, URL: fd.URL,
				Aliases: diagnostics.FindingAliases(fd),
				Fixable: i < len(r.Fixable) && r.Fixable[i],
			})
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// readStdin reads a Dockerfile from standard input, at most
// safefs.MaxDockerfile bytes (`msls check - </dev/zero` must not eat the
// memory).
func readStdin(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, safefs.MaxDockerfile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > safefs.MaxDockerfile {
		return nil, &safefs.TooLargeError{Name: "<stdin>", Size: int64(len(data)), Limit: safefs.MaxDockerfile}
	}
	return data, nil
}
