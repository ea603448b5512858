package diagnostics

import (
	"sort"

	"github.com/msls-dev/msls/buildcontext"
	"github.com/msls-dev/msls/dockerfile"
)

// ParseErrorCode is the code of findings for instructions msls (BuildKit)
// cannot parse.
const ParseErrorCode = "ParseError"

// Options configure a check run. The zero value runs every rule at its
// default severity.
type Options struct {
	// Disabled rules are not run (by code).
	Disabled map[string]bool
	// Severity overrides a rule's default severity (by code).
	Severity map[string]Severity
	// NoBuildKit skips BuildKit's checks (they are the costliest part).
	NoBuildKit bool
	// NoInlineSuppression ignores `# msls ignore=`, `# hadolint ignore=` and
	// per-instruction `# check=skip=` comments.
	NoInlineSuppression bool
	// FirstSight says no earlier version of this document has been checked
	// (a document just opened, a file of `msls check`): BuildKit's checks
	// then run in one pass over the whole file, and the per-stage cache that
	// makes later versions cheap is filled after the findings are returned.
	FirstSight bool
	// Context is the Dockerfile's build context (nil: unknown); the rules of
	// context_rules.go need it.
	Context *buildcontext.Context
}

// FirstSight returns a copy of o (nil: the defaults) with FirstSight set.
func FirstSight(o *Options) *Options {
	c := Options{}
	if o != nil {
		c = *o
	}
	c.FirstSight = true
	return &c
}

func (o *Options) enabled(code string) bool { return o == nil || !o.Disabled[code] }

// Check runs every rule with the default configuration.
func Check(f *dockerfile.File) []Finding { return CheckWith(f, nil) }

// CheckWith runs the enabled rules over the file, applies severity overrides
// and suppression comments, and returns findings in source order.
func CheckWith(f *dockerfile.File, opts *Options) []Finding {
	// BuildKit's checks, the larger part of the work, run beside msls's own
	// rules: on a keystroke the wait is the longer of the two, not the sum.
	var bk chan []Finding
	if opts == nil || !opts.NoBuildKit {
		bk = make(chan []Finding, 1)
		first := opts != nil && opts.FirstSight
		go func() { bk <- buildKitFindings(f, first) }()
	}
	out := make([]Finding, 0, len(f.Errors)+8)
	for _, e := range f.Errors {
		out = append(out, Finding{Code: ParseErrorCode, Severity: SeverityError, Message: e.Message, Span: e.Span})
	}
	for _, r := range Rules() {
		if r.Check == nil || !opts.enabled(r.Code) {
			continue
		}
		out = append(out, runRule(r, f, opts)...)
	}
	if bk != nil {
		for _, fd := range <-bk {
			if opts.enabled(fd.Code) {
				out = append(out, fd)
			}
		}
	}
	out = contextFindings(f, opts, out)
	out = suppress(f, out, opts == nil || !opts.NoInlineSuppression)
	for i := range out {
		if r := registry[out[i].Code]; r != nil && out[i].URL == "" {
			out[i].URL = r.URL
		}
		if opts != nil {
			// An override replaces the rule's default level; findings a rule
			// deliberately softened (e.g. to information) keep theirs.
			if s, ok := opts.Severity[out[i].Code]; ok && (registry[out[i].Code] == nil || out[i].Severity == registry[out[i].Code].Severity) {
				out[i].Severity = s
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Span.Start != out[j].Span.Start {
			return out[i].Span.Start < out[j].Span.Start
		}
		if out[i].Code != out[j].Code {
			return out[i].Code < out[j].Code
		}
		// BuildKit reports some warnings of one instruction in map order:
		// the same text must give the same list
		if out[i].Message != out[j].Message {
			return out[i].Message < out[j].Message
		}
		return out[i].Span.End < out[j].Span.End
	})
	return out
}

// runRule runs one rule; a rule that panics on odd input loses its findings
// for this file instead of taking the server down.
func runRule(r *Rule, f *dockerfile.File, opts *Options) (out []Finding) {
	defer func() {
		if recover() != nil {
			out = nil
		}
	}()
	if r.checkOpts != nil {
		out = r.checkOpts(f, opts)
	} else {
		out = r.Check(f)
	}
	for i := range out {
		if out[i].Code == "" {
			out[i].Code = r.Code
		}
		if out[i].Severity == 0 {
			out[i].Severity = r.Severity
		}
	}
	return out
}
