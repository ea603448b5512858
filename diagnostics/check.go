package diagnostics

import (
	"errors"
	"runtime/debug"
	"sort"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/bklint"
	"github.com/msls-dev/msls/internal/buildcontext"
)

// ParseErrorCode is the code of findings for instructions msls (BuildKit)
// cannot parse.
const ParseErrorCode = "ParseError"

// Options configure a check run. The zero value runs every rule at its
// default severity.
type Options struct {
	// Disabled rules are not run (by code).
	Disabled map[string]bool
	// Enabled turns on rules that are off by default (Rule.DefaultOff).
	Enabled map[string]bool
	// Settings are the rule settings beyond on/off (nil: none).
	Settings *Settings
	// Severity overrides a rule's default severity (by code).
	Severity map[string]Severity
	// NoBuildKit skips BuildKit's checks (they are the costliest part).
	NoBuildKit bool
	// NoInlineSuppression ignores `# msls ignore=`, `# hadolint ignore=` and
	// per-instruction `# check=skip=` comments.
	NoInlineSuppression bool
	// Lint, when set, is what BuildKit's checks keep between the versions
	// of the document (see LintState).
	Lint *LintState
	// OnPanic, when set, is told of a panic recovered in a rule or in
	// BuildKit's checks (whose findings are then left out), with the
	// goroutine's stack.
	OnPanic func(where string, v any, stack []byte)
	// Context is the Dockerfile's build context (nil: unknown); the rules of
	// context_rules.go need it.
	Context *buildcontext.Context
}

// declined reports to o.OnPanic a panic bklint recovered from (the caller
// falls back to BuildKit's DockerfileLint); other declines are expected.
func (o *Options) declined(err error) {
	var p *bklint.Panic
	if o != nil && o.OnPanic != nil && errors.As(err, &p) {
		o.OnPanic("bklint", p.Value, p.Stack)
	}
}

// panicked reports a recovered panic to o.OnPanic.
func (o *Options) panicked(where string, v any) {
	if o != nil && o.OnPanic != nil {
		o.OnPanic(where, v, debug.Stack())
	}
}

func (o *Options) enabled(code string) bool {
	if r := registry[code]; r != nil {
		return o.ruleEnabled(r)
	}
	return o == nil || !o.Disabled[code]
}

// ruleEnabled is enabled(r.Code) for a registered rule.
func (o *Options) ruleEnabled(r *Rule) bool {
	if r.DefaultOff {
		return o != nil && o.Enabled[r.Code] && !o.Disabled[r.Code]
	}
	return o == nil || !o.Disabled[r.Code]
}

// Settings are the rule settings that are more than on/off and a severity;
// they come from `.hadolint.yaml` (trustedRegistries, label-schema,
// strict-labels) or the same keys of `.msls.yaml`.
type Settings struct {
	// TrustedRegistries, when not empty, are the only registries images may
	// come from (UntrustedRegistry); "*" wildcards as in hadolint.
	TrustedRegistries []string
	// LabelSchema maps required label names to their type: text, url,
	// semver, hash, rfc3339, spdx or email (the LabelSchema* rules).
	LabelSchema map[string]string
	// StrictLabels also flags labels the schema does not name.
	StrictLabels bool
}

var noSettings = &Settings{}

func (o *Options) settings() *Settings {
	if o == nil || o.Settings == nil {
		return noSettings
	}
	return o.Settings
}

// WithContext returns a copy of o (nil: the defaults) that judges with the
// build context bc; o itself when bc is nil (the context is unknown).
func (o *Options) WithContext(bc *buildcontext.Context) *Options {
	if bc == nil {
		return o
	}
	var cp Options
	if o != nil {
		cp = *o
	}
	cp.Context = bc
	return &cp
}

// Check runs every rule with the default configuration.
func Check(f *dockerfile.File) []Finding { return CheckWith(f, nil) }

// CheckWith runs the enabled rules over the file, applies severity overrides
// and suppression comments, and returns findings in source order.
func CheckWith(f *dockerfile.File, opts *Options) []Finding {
	// BuildKit's checks run here, in the caller's goroutine, not beside
	// msls's own rules: a second goroutine waits for another thread to wake
	// (~0.1 ms on a virtual machine, as long as either half takes on a
	// 200-line file), and the server's other thread is usually blocked
	// reading the client. Measured: docs/performance.md, "Session 8".
	var bk []Finding
	if opts == nil || !opts.NoBuildKit {
		bk = buildKitFindings(f, opts)
	}
	out := make([]Finding, 0, len(f.Errors)+8)
	for _, e := range f.Errors {
		out = append(out, Finding{Code: ParseErrorCode, Severity: SeverityError, Message: e.Message, Span: e.Span, Aliases: parseErrorAliases(e.Message)})
	}
	for _, r := range ordered {
		if (r.Check == nil && r.CheckOpts == nil) || !opts.ruleEnabled(r) {
			continue
		}
		out = append(out, runRule(r, f, opts)...)
	}
	if bk != nil {
		for _, fd := range bk {
			if opts.enabled(fd.Code) {
				fd.Aliases = buildkitFindingAliases(fd)
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
		if v := recover(); v != nil {
			if p, ok := v.(*rulePanic); ok && opts != nil && opts.OnPanic != nil {
				// a runCheck's panic, recovered where it happened
				opts.OnPanic("rule "+r.Code, p.value, p.stack)
			} else {
				opts.panicked("rule "+r.Code, v)
			}
			out = nil
		}
	}()
	if r.CheckOpts != nil {
		out = r.CheckOpts(f, opts)
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
