package diagnostics

import (
	"context"
	"crypto/sha256"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/subrequests/lint"
	"github.com/moby/buildkit/solver/pb"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/bklint"
)

// BuildKitFindings runs BuildKit's build checks in-process (no daemon, no
// registry) and maps their line-only locations onto the model's spans.
// Instructions msls could not parse are blanked out first (keeping line
// numbers) so that one bad line does not hide the checks of the others.
func BuildKitFindings(f *dockerfile.File) []Finding { return buildKitFindings(f, nil) }

// buildKitFindings is BuildKitFindings with opts' cache and panic report.
func buildKitFindings(f *dockerfile.File, opts *Options) (out []Finding) {
	if len(f.Instructions) == 0 {
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			opts.panicked("BuildKit's checks", r)
			out = nil
		}
	}()
	bad, stub := lintBadLines(f)
	text := lintText(f, bad, stub)
	var state *LintState
	var sum [sha256.Size]byte
	if opts != nil && opts.Lint != nil {
		state, sum = opts.Lint, sha256.Sum256(text)
	}
	res, ok := state.last(sum)
	if !ok {
		res = lintFile(f, text, bad, stub, opts)
		state.keep(sum, res)
	}
	if res == nil {
		return nil
	}
	errorLevel := false
	if d, ok := f.Directive("check"); ok {
		if cfg, err := linter.ParseLintOptions(d.Value); err == nil && cfg.ReturnAsError {
			errorLevel = true
		}
	}
	for _, w := range res.Warnings {
		line := -1
		if w.Location != nil && len(w.Location.Ranges) > 0 && w.Location.Ranges[0].Start != nil {
			line = int(w.Location.Ranges[0].Start.Line) - 1
		}
		fd := Finding{Code: w.RuleName, Severity: SeverityWarning, Message: w.Detail, URL: w.URL, Span: buildkitSpan(f, w.RuleName, w.Detail, line)}
		if fd.Message == "" {
			fd.Message = w.Description
		}
		if errorLevel {
			fd.Severity = SeverityError
		}
		switch w.RuleName {
		case linter.RuleMaintainerDeprecated.Name:
			fd.Deprecated = true
		}
		out = append(out, fd)
	}
	return out
}

// lintFile returns BuildKit's lint results for text, f's lint input (bad and
// stub are what it hides).
func lintFile(f *dockerfile.File, text []byte, bad func(int) bool, stub map[int]string, opts *Options) *lint.LintResults {
	res := lintPass(f, text, bad, stub, opts)
	if res != nil && res.Error != nil && strings.Contains(res.Error.Message, "check options") {
		// an invalid `# check=` directive stops BuildKit before any check:
		// run without it (the directive itself is reported as a ParseError
		// by the model or by CheckDirective below).
		if d, ok := f.Directive("check"); ok {
			checkLine := f.Lines.Line(d.Span.Start)
			bad := func(line int) bool { return line == checkLine || bad(line) }
			res = lintPass(f, lintText(f, bad, nil), bad, nil, opts)
		}
	}
	return res
}

// lintPass is the one path of BuildKit's checks: one bklint pass over the
// parse of text assembled from f's nodes and typed commands (lintNodes),
// else, where either declines, BuildKit's own DockerfileLint.
func lintPass(f *dockerfile.File, text []byte, bad func(int) bool, stub map[int]string, opts *Options) *lint.LintResults {
	env := bklint.EnvFor(text)
	if observeLint != nil {
		observeLint(text, env)
	}
	var memo *bklint.Memo
	if opts != nil && opts.Lint != nil {
		memo = &opts.Lint.memo
	}
	res, err := lintNodes(f, text, env, bad, stub, memo)
	opts.declined(err)
	if res == nil {
		res = dockerfileLint(text, env)
	}
	return res
}

// lintNodes is bklint's pass over the parse of text assembled from f's nodes
// (see lintResult), or nil when either declines (err: why bklint did); memo
// is the document's (nil: none).
func lintNodes(f *dockerfile.File, text []byte, env []string, bad func(int) bool, stub map[int]string, memo *bklint.Memo) (*lint.LintResults, error) {
	if !lintEngine {
		return nil, nil
	}
	res, cmds, ok := lintResult(f, bad, stub)
	if !ok {
		return nil, nil
	}
	return bklint.Lint(text, res, cmds, env, memo)
}

var allCaps = pb.Caps.CapSet(pb.Caps.All())

// lintEngine is whether BuildKit's checks go through bklint, which checks the
// parsed text without building LLB, before DockerfileLint (tests compare the
// two).
var lintEngine = true

// observeLint, when set (by tests), sees every text and environment given to
// BuildKit's checks.
var observeLint func(text []byte, env []string)

// dockerfileLint is BuildKit's DockerfileLint under the options bklint
// models.
func dockerfileLint(text []byte, env []string) *lint.LintResults {
	// Without a client BuildKit has no capability set and some RUN --mount
	// forms dereference it: declare every LLB capability as supported.
	opt := dockerfile2llb.ConvertOpt{MetaResolver: bklint.Resolver{Env: env}, LLBCaps: &allCaps, SourceMap: bklint.SourceMap()}
	res, err := dockerfile2llb.DockerfileLint(context.Background(), text, opt)
	if err != nil {
		return nil
	}
	return res
}

// buildkitSpan picks the most precise span for a BuildKit warning on a
// 0-based line: the named part when the rule points at one, else the
// instruction's first line.
func buildkitSpan(f *dockerfile.File, rule, detail string, line int) dockerfile.Span {
	var in *dockerfile.Instruction
	for _, cand := range f.Instructions {
		if cand.StartLine <= line && line <= cand.EndLine {
			in = cand
			break
		}
	}
	if in == nil {
		if line < 0 {
			return dockerfile.Span{}
		}
		return dockerfile.Span{Start: f.Lines.LineStart(line), End: f.Lines.LineEnd(line)}
	}
	firstLine := dockerfile.Span{Start: in.KeywordSpan.Start, End: f.Lines.LineEnd(in.StartLine)}
	if line > in.StartLine {
		firstLine = dockerfile.Span{Start: f.Lines.LineStart(line), End: f.Lines.LineEnd(line)}
	}
	switch rule {
	case "FromAsCasing":
		if len(in.Args) >= 2 {
			return in.Args[1].Span
		}
	case "StageNameCasing", "ReservedStageName", "DuplicateStageName":
		if len(in.Args) >= 3 {
			return in.Args[2].Span
		}
	case "JSONArgsRecommended", "LegacyKeyValueFormat":
		if in.ArgsSpan.Len() > 0 {
			return in.ArgsSpan
		}
	case "ConsistentInstructionCasing", "MaintainerDeprecated", "MultipleInstructionsDisallowed":
		return in.KeywordSpan
	case "RedundantTargetPlatform", "FromPlatformFlagConstDisallowed":
		if fl, ok := in.Flag("platform"); ok {
			return fl.Span
		}
	case "UndefinedVar", "UndefinedArgInFrom":
		// detail: Usage of undefined variable '$NAME' ...
		if name := quotedVar(detail); name != "" {
			for _, r := range in.VarRefs {
				if r.Name == name {
					return r.Span
				}
			}
		}
	case "SecretsUsedInArgOrEnv":
		// detail: Do not use ARG or ENV instructions for sensitive data (ARG "NAME")
		if i := strings.LastIndexByte(detail, '"'); i > 0 {
			if j := strings.LastIndexByte(detail[:i], '"'); j >= 0 {
				name := detail[j+1 : i]
				for _, a := range in.Args {
					if a.Value == name || strings.HasPrefix(a.Value, name+"=") {
						return dockerfile.Span{Start: a.Span.Start, End: a.Span.Start + len(name)}
					}
				}
			}
		}
	case "WorkdirRelativePath", "ExposeProtoCasing", "ExposeInvalidFormat":
		if in.ArgsSpan.Len() > 0 {
			return in.ArgsSpan
		}
	}
	return firstLine
}

func quotedVar(detail string) string {
	i := strings.Index(detail, "'$")
	if i < 0 {
		return ""
	}
	rest := detail[i+2:]
	j := strings.IndexByte(rest, '\'')
	if j < 0 {
		return ""
	}
	return strings.Trim(rest[:j], "{}")
}
