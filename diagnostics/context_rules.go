package diagnostics

import (
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/util/suggest"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/buildcontext"
)

// The rules of this file need the build context (Options.Context); without
// one (a document outside every workspace folder, stdin) they find nothing.
// BuildKit's CopyIgnoredFile is reported here too, under BuildKit's name and
// with BuildKit's message: its lint pass is run without a build client, so
// it never sees the ignore patterns.

// CopySourceNotFoundRule: a COPY/ADD source that is not in the context.
var CopySourceNotFoundRule = register(&Rule{
	Code:     "CopySourceNotFound",
	Severity: SeverityError,
	Summary:  "A COPY/ADD source names nothing in the build context, so the build fails",
	Check:    needsContext,
})

// MissingDockerignoreRule: a broad COPY that sends dependency folders,
// virtual environments, build output or VCS data.
var MissingDockerignoreRule = register(&Rule{
	Code:     "MissingDockerignore",
	Severity: SeverityWarning,
	Summary:  "COPY . sends node_modules, .git, .venv or target/ to the build because no .dockerignore excludes them",
	Check:    needsContext,
})

func needsContext(*dockerfile.File) []Finding { return nil }

// heavyDirs are the folders MissingDockerignore looks for at the context
// root, with why they should stay out of the build.
var heavyDirs = []struct{ name, why string }{
	{".git", "version-control history"},
	{".venv", "a local virtual environment"},
	{"node_modules", "locally installed packages for the host's platform"},
	{"target", "local build output"},
	{"venv", "a local virtual environment"},
	{"__pycache__", "compiled bytecode"},
}

// contextVerdict says how far the folder msls took for the build context
// can be trusted for one Dockerfile. A Dockerfile in a subfolder is often
// built with another context (`docker build -f deploy/Dockerfile .`), and
// an error-level "not found" there is worse than silence.
type contextVerdict int

const (
	// contextUnproven: nothing for or against (the file copies only `.`,
	// wildcards, variables).
	contextUnproven contextVerdict = iota
	// contextEvident: configured with `context:`, or at least one of the
	// file's context sources is found in the folder.
	contextEvident
	// contextContradicted: the file names context sources, none is found.
	contextContradicted
)

// judgeContext weighs the file's context sources against the folder.
// Lookups are memoised by the context: this costs map reads per keystroke.
func judgeContext(f *dockerfile.File, c *buildcontext.Context) contextVerdict {
	if c.Explicit {
		return contextEvident
	}
	missing := false
	for _, in := range f.Instructions {
		if in.Err != nil {
			continue
		}
		for _, s := range buildcontext.Sources(in) {
			r := c.Lookup(s.Value, s.Parents)
			switch {
			case r.Source == "." || !r.Known:
			case r.Wildcard:
				if matchesProjectFile(r.Matched) {
					return contextEvident
				}
				// a wildcard may match nothing in the real context too
			case len(r.Matched) > 0 || len(r.Ignored) > 0:
				return contextEvident // (an ignored file is there too)
			default:
				missing = true
			}
		}
	}
	if missing {
		return contextContradicted
	}
	return contextUnproven
}

// matchesProjectFile: a wildcard's match is evidence only when it is more
// than the Dockerfiles and ignore files that sit beside any Dockerfile
// (`COPY *.* ./` in a folder of Dockerfiles).
func matchesProjectFile(es []buildcontext.Entry) bool {
	for _, e := range es {
		b := strings.ToLower(path.Base(e.Path))
		if e.Dir || !(b == "dockerfile" || strings.HasPrefix(b, "dockerfile.") || strings.HasSuffix(b, ".dockerfile") || strings.HasSuffix(b, "dockerignore")) {
			return true
		}
	}
	return false
}

// usableContext is the build context the model-based rules may use: none
// when the file's sources say the folder is not its context.
func usableContext(f *dockerfile.File, opts *Options) *buildcontext.Context {
	if opts == nil || opts.Context == nil || judgeContext(f, opts.Context) == contextContradicted {
		return nil
	}
	return opts.Context
}

// contextFindings appends the context rules' findings to out.
// (CacheBustingCopy takes the context through the build model instead:
// checkCacheBustingCopyWith.)
func contextFindings(f *dockerfile.File, opts *Options, out []Finding) []Finding {
	if opts == nil || opts.Context == nil {
		return out
	}
	c := opts.Context
	verdict := judgeContext(f, c)
	// A `<Dockerfile>.dockerignore` applies whatever the context is; the
	// folder's `.dockerignore` only when the folder is the context.
	ownIgnore := c.IgnoreFile != "" && path.Base(c.IgnoreFile) != ".dockerignore"
	var broadDone bool
	for _, in := range f.Instructions {
		if in.Err != nil {
			continue
		}
		srcs := buildcontext.Sources(in)
		for _, s := range srcs {
			r := c.Lookup(s.Value, s.Parents)
			ignoredFinding := false
			if !opts.NoBuildKit && opts.enabled(linter.RuleCopyIgnoredFile.Name) && (verdict != contextContradicted || ownIgnore) {
				if fd, ok := copyIgnoredFile(in, s, r, c); ok {
					out = append(out, fd)
					ignoredFinding = true
				}
			}
			if verdict == contextEvident && opts.enabled(CopySourceNotFoundRule.Code) && !ignoredFinding {
				if fd, ok := sourceNotFound(f, in, s, r, c); ok {
					out = append(out, fd)
				}
			}
			if !broadDone && r.Source == "." && verdict != contextContradicted && opts.enabled(MissingDockerignoreRule.Code) {
				if fd, ok := missingDockerignore(f, in, c); ok {
					out = append(out, fd)
					broadDone = true // one per file: the fix is one .dockerignore
				}
			}
		}
	}
	return out
}

// copyIgnoredFile is BuildKit's check (validateCopySourcePath): only when
// the ignore file has no `!` exceptions, which BuildKit cannot judge.
func copyIgnoredFile(in *dockerfile.Instruction, s buildcontext.Source, r buildcontext.Result, c *buildcontext.Context) (Finding, bool) {
	if len(c.Patterns) == 0 || c.HasExceptions() {
		return Finding{}, false
	}
	if r.Source == "." {
		if !rootIgnored(c.Patterns) {
			return Finding{}, false
		}
	} else if !r.PatternIgnored {
		return Finding{}, false
	}
	cmd := "Copy"
	if in.Is("ADD") {
		cmd = "Add"
	}
	msg := linter.RuleCopyIgnoredFile.Format(cmd, filepath.ToSlash(filepath.Clean(s.Value)))
	if c.IgnoreFile != "" && path.Base(c.IgnoreFile) != ".dockerignore" {
		msg += " (" + path.Base(c.IgnoreFile) + ")"
	}
	sev := SeverityWarning
	if r := RuleByCode(linter.RuleCopyIgnoredFile.Name); r != nil {
		sev = r.Severity
	}
	return Finding{Code: linter.RuleCopyIgnoredFile.Name, Severity: sev, Message: msg, Span: s.Span}, true
}

// rootIgnored is BuildKit's copySourceRootIgnored.
func rootIgnored(patterns []string) bool {
	for _, p := range patterns {
		switch p {
		case "*", "**", "**/*":
			return true
		}
	}
	return false
}

// sourceNotFound: BuildKit requires a source without wildcards to exist
// (with --parents too); a wildcard may match nothing (AllowEmptyWildcard).
func sourceNotFound(f *dockerfile.File, in *dockerfile.Instruction, s buildcontext.Source, r buildcontext.Result, c *buildcontext.Context) (Finding, bool) {
	if r.Wildcard || !r.Known || len(r.Matched) > 0 || r.Source == "." {
		return Finding{}, false
	}
	where := "the build context"
	if c.Dir != "." {
		where += " (" + c.Dir + "/)"
	}
	fd := Finding{Code: CopySourceNotFoundRule.Code, Severity: SeverityError, Span: s.Span}
	if len(r.Ignored) > 0 || r.PatternIgnored {
		fd.Message = fmt.Sprintf("%s source `%s` is excluded by %s, so it is not in %s and the build fails", in.Keyword, s.Value, path.Base(c.IgnoreFile), where)
		return fd, true
	}
	fd.Message = fmt.Sprintf("%s source `%s` does not exist in %s: the build fails with \"not found\"", in.Keyword, s.Value, where)
	dir := path.Dir(r.Source)
	if kids, _ := c.Children(dir); len(kids) > 0 {
		names := make([]string, 0, len(kids))
		want := len(path.Base(r.Source))
		for _, k := range kids {
			// suggest.Search accepts a distance under 3: skip names whose
			// length alone rules them out (folders of hundreds of files)
			if n := path.Base(k.Path); !k.Ignored && abs(len(n)-want) < 3 {
				names = append(names, n)
			}
		}
		if m, ok := suggest.Search(path.Base(r.Source), names, true); ok {
			repl := m
			if i := strings.LastIndex(s.Value, "/"); i >= 0 {
				repl = s.Value[:i+1] + m
			}
			fd.Message += fmt.Sprintf("; did you mean `%s`?", repl)
			text := f.Slice(s.Span)
			if text == s.Value { // unquoted: replace the word as it is
				fd.Fixes = append(fd.Fixes, Fix{Title: fmt.Sprintf("Change to `%s`", repl), Edits: []dockerfile.Edit{{Span: s.Span, NewText: repl}}, Preferred: true})
			}
		}
	}
	return fd, true
}

// missingDockerignore: a copy of the whole context while heavy folders sit
// at its root and the ignore file does not exclude them.
func missingDockerignore(f *dockerfile.File, in *dockerfile.Instruction, c *buildcontext.Context) (Finding, bool) {
	var names, whys []string
	for _, h := range heavyDirs {
		e, ok := c.Entry(h.name)
		if !ok || !e.Dir || e.Ignored || c.Ignored(h.name+"/x") {
			continue
		}
		names = append(names, h.name)
		whys = append(whys, fmt.Sprintf("%s/ (%s)", h.name, h.why))
	}
	if len(names) == 0 {
		return Finding{}, false
	}
	what := "no .dockerignore"
	if c.IgnoreFile != "" {
		what = path.Base(c.IgnoreFile) + " does not"
	}
	verb := "excludes"
	if c.IgnoreFile != "" {
		verb = "exclude"
	}
	cost := "slower builds and a larger context"
	if slices.Contains(names, "node_modules") {
		cost += ", and node_modules built for the host's platform may break in the image"
	}
	msg := fmt.Sprintf("%s %s sends %s into the build because %s %s %s: %s",
		in.Keyword, strings.Join(strings.Fields(f.Slice(in.ArgsSpan)), " "), strings.Join(whys, ", "), what, verb, pronoun(len(names)), cost)
	return Finding{Code: MissingDockerignoreRule.Code, Severity: SeverityWarning, Message: msg, Span: firstLine(f, in)}, true
}

func pronoun(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// MissingDockerignoreDirs are the folders a MissingDockerignore finding
// would add to the ignore file (for the quick fix, which writes a file and
// so lives with the server).
func MissingDockerignoreDirs(c *buildcontext.Context) []string {
	var out []string
	for _, h := range heavyDirs {
		if e, ok := c.Entry(h.name); ok && e.Dir && !e.Ignored && !c.Ignored(h.name+"/x") {
			out = append(out, h.name)
		}
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
