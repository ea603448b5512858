package diagnostics

import (
	"bytes"
	"context"
	"encoding/json"

	"strings"
	"sync"
	"sync/atomic"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/subrequests/lint"
	"github.com/moby/buildkit/solver/pb"
	"github.com/msls-dev/msls/dockerfile"
	digest "github.com/opencontainers/go-digest"
)

// buildkitRules are BuildKit's build checks, registered so that config,
// suppression, docs and SARIF know them. Their URLs are Docker's own pages.
var buildkitRules = []struct {
	name, desc, url string
	experimental    bool
	hadolint        []string
}{
	{linter.RuleStageNameCasing.Name, linter.RuleStageNameCasing.Description, linter.RuleStageNameCasing.URL, false, nil},
	{linter.RuleFromAsCasing.Name, linter.RuleFromAsCasing.Description, linter.RuleFromAsCasing.URL, false, nil},
	{linter.RuleNoEmptyContinuation.Name, linter.RuleNoEmptyContinuation.Description, linter.RuleNoEmptyContinuation.URL, false, nil},
	{linter.RuleConsistentInstructionCasing.Name, linter.RuleConsistentInstructionCasing.Description, linter.RuleConsistentInstructionCasing.URL, false, nil},
	{linter.RuleDuplicateStageName.Name, linter.RuleDuplicateStageName.Description, linter.RuleDuplicateStageName.URL, false, []string{"DL3024"}},
	{linter.RuleReservedStageName.Name, linter.RuleReservedStageName.Description, linter.RuleReservedStageName.URL, false, []string{"DL3063"}},
	{linter.RuleJSONArgsRecommended.Name, linter.RuleJSONArgsRecommended.Description, linter.RuleJSONArgsRecommended.URL, false, []string{"DL3025"}},
	{linter.RuleMaintainerDeprecated.Name, linter.RuleMaintainerDeprecated.Description, linter.RuleMaintainerDeprecated.URL, false, []string{"DL4000"}},
	{linter.RuleUndefinedArgInFrom.Name, linter.RuleUndefinedArgInFrom.Description, linter.RuleUndefinedArgInFrom.URL, false, nil},
	{linter.RuleWorkdirRelativePath.Name, linter.RuleWorkdirRelativePath.Description, linter.RuleWorkdirRelativePath.URL, false, []string{"DL3000"}},
	{linter.RuleUndefinedVar.Name, linter.RuleUndefinedVar.Description, linter.RuleUndefinedVar.URL, false, nil},
	{linter.RuleMultipleInstructionsDisallowed.Name, linter.RuleMultipleInstructionsDisallowed.Description, linter.RuleMultipleInstructionsDisallowed.URL, false, []string{"DL4003", "DL4004", "DL3012"}},
	{linter.RuleLegacyKeyValueFormat.Name, linter.RuleLegacyKeyValueFormat.Description, linter.RuleLegacyKeyValueFormat.URL, false, nil},
	{linter.RuleRedundantTargetPlatform.Name, linter.RuleRedundantTargetPlatform.Description, linter.RuleRedundantTargetPlatform.URL, false, []string{"DL3065"}},
	{linter.RuleSecretsUsedInArgOrEnv.Name, linter.RuleSecretsUsedInArgOrEnv.Description, linter.RuleSecretsUsedInArgOrEnv.URL, false, []string{"DL3064"}},
	{linter.RuleInvalidDefaultArgInFrom.Name, linter.RuleInvalidDefaultArgInFrom.Description, linter.RuleInvalidDefaultArgInFrom.URL, false, nil},
	{linter.RuleFromPlatformFlagConstDisallowed.Name, linter.RuleFromPlatformFlagConstDisallowed.Description, linter.RuleFromPlatformFlagConstDisallowed.URL, false, []string{"DL3029"}},
	{linter.RuleCopyIgnoredFile.Name, linter.RuleCopyIgnoredFile.Description, linter.RuleCopyIgnoredFile.URL, false, nil},
	{linter.RuleInvalidDefinitionDescription.Name, linter.RuleInvalidDefinitionDescription.Description, linter.RuleInvalidDefinitionDescription.URL, true, nil},
	{linter.RuleExposeProtoCasing.Name, linter.RuleExposeProtoCasing.Description, linter.RuleExposeProtoCasing.URL, false, nil},
	{linter.RuleExposeInvalidFormat.Name, linter.RuleExposeInvalidFormat.Description, linter.RuleExposeInvalidFormat.URL, false, []string{"DL3011"}},
}

func init() {
	for _, b := range buildkitRules {
		register(&Rule{Code: b.name, Severity: SeverityWarning, Summary: b.desc, URL: b.url, Source: SourceBuildKit, Hadolint: b.hadolint})
	}
}

// imageEnv is the environment the stand-in base image declares. BuildKit's
// UndefinedVar consults the base image's config; without a registry msls
// cannot read it, so the variables official images commonly set are declared
// here to keep `ENV PATH=$PATH:...` and friends from being reported.
var imageEnv = []string{
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "HOSTNAME=", "LANG=C.UTF-8", "LC_ALL=",
	"GOPATH=/go", "GOLANG_VERSION=", "GOTOOLCHAIN=", "GOROOT=", "GOOS=", "GOARCH=",
	"NODE_VERSION=", "YARN_VERSION=", "NPM_CONFIG_PREFIX=", "NODE_ENV=",
	"PYTHON_VERSION=", "PYTHON_PIP_VERSION=", "PYTHON_SETUPTOOLS_VERSION=", "PYTHON_GET_PIP_URL=", "PYTHON_SHA256=", "GPG_KEY=", "PYTHONPATH=", "VIRTUAL_ENV=",
	"JAVA_HOME=", "JAVA_VERSION=", "JDK_VERSION=", "MAVEN_HOME=", "MAVEN_CONFIG=", "GRADLE_HOME=", "GRADLE_VERSION=", "CATALINA_HOME=", "TOMCAT_VERSION=",
	"RUBY_VERSION=", "RUBY_MAJOR=", "RUBY_DOWNLOAD_SHA256=", "GEM_HOME=", "BUNDLE_PATH=", "BUNDLE_SILENCE_ROOT_WARNING=", "BUNDLE_APP_CONFIG=",
	"CARGO_HOME=", "RUSTUP_HOME=", "RUST_VERSION=",
	"PHP_VERSION=", "PHP_INI_DIR=", "PHP_CFLAGS=", "PHP_CPPFLAGS=", "PHP_LDFLAGS=", "PHPIZE_DEPS=", "APACHE_CONFDIR=", "APACHE_ENVVARS=", "COMPOSER_HOME=",
	"DOTNET_VERSION=", "ASPNET_VERSION=", "ASPNETCORE_URLS=", "ASPNETCORE_HTTP_PORTS=", "DOTNET_RUNNING_IN_CONTAINER=", "DOTNET_SDK_VERSION=", "NUGET_XMLDOC_MODE=", "APP_UID=",
	"NGINX_VERSION=", "NJS_VERSION=", "PKG_RELEASE=", "HTTPD_PREFIX=", "HTTPD_VERSION=",
	"LD_LIBRARY_PATH=", "DEBIAN_FRONTEND=", "TZ=", "USER=", "SHELL=", "TERM=", "PWD=",
	"CONDA_DIR=", "NVM_DIR=", "ANDROID_HOME=", "ANDROID_SDK_ROOT=", "ELIXIR_VERSION=", "OTP_VERSION=", "ERLANG_VERSION=", "MIX_ENV=", "HEX_HOME=",
	"DOCKER_VERSION=", "KUBECTL_VERSION=", "TARGETPLATFORM=", "TARGETOS=", "TARGETARCH=", "TARGETVARIANT=", "BUILDPLATFORM=", "BUILDOS=", "BUILDARCH=", "BUILDVARIANT=",
}

// offlineResolver answers BuildKit's base-image lookups without a registry:
// every image is a non-empty image of the requested platform whose Env holds
// env (a subset of imageEnv).
type offlineResolver struct{ env []string }

func (r offlineResolver) ResolveImageConfig(_ context.Context, ref string, opt sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	var key strings.Builder
	for _, kv := range r.env {
		key.WriteString(kv)
		key.WriteByte(0)
	}
	if opt.ImageOpt != nil && opt.ImageOpt.Platform != nil {
		p := opt.ImageOpt.Platform
		key.WriteString("\x01" + p.OS + "/" + p.Architecture + "/" + p.Variant)
	}
	if dt, ok := imageConfigs.Load(key.String()); ok {
		return ref, "", dt.([]byte), nil
	}
	dt, err := r.config(opt)
	if err == nil && imageConfigCount.Add(1) <= 1024 { // bounded: past that, marshal each time
		imageConfigs.Store(key.String(), dt)
	}
	return ref, "", dt, err
}

// imageConfigs memoises the stand-in image configs by environment and
// platform (BuildKit asks once per FROM; the answers are few). BuildKit only
// reads the bytes.
var (
	imageConfigs     sync.Map
	imageConfigCount atomic.Int32
)

func (r offlineResolver) config(opt sourceresolver.Opt) ([]byte, error) {
	img := map[string]any{
		"rootfs": map[string]any{"type": "layers", "diff_ids": []string{"sha256:0000000000000000000000000000000000000000000000000000000000000000"}},
		"config": map[string]any{"Env": r.env},
	}
	if opt.ImageOpt != nil && opt.ImageOpt.Platform != nil {
		img["os"] = opt.ImageOpt.Platform.OS
		img["architecture"] = opt.ImageOpt.Platform.Architecture
		if opt.ImageOpt.Platform.Variant != "" {
			img["variant"] = opt.ImageOpt.Platform.Variant
		}
	}
	return json.Marshal(img)
}

// envFor keeps the imageEnv entries whose name the text mentions as $NAME or
// ${NAME: the image's environment only matters to BuildKit's checks through
// the variables a Dockerfile uses (UndefinedVar), and every base image of a
// lint is resolved, so the full list was a fifth of the lint's cost.
func envFor(text []byte) []string {
	var env []string
	for _, kv := range imageEnv {
		name := kv[:strings.IndexByte(kv, '=')]
		if mentions(text, name) {
			env = append(env, kv)
		}
	}
	return env
}

func mentions(text []byte, name string) bool {
	for i := 0; ; {
		k := bytes.Index(text[i:], []byte(name))
		if k < 0 {
			return false
		}
		at := i + k
		end := at + len(name)
		before := at > 0 && (text[at-1] == '$' || (text[at-1] == '{' && at > 1 && text[at-2] == '$'))
		after := end == len(text) || !isNameByte(text[end])
		if before && after {
			return true
		}
		i = at + 1
	}
}

func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// BuildKitFindings runs BuildKit's build checks in-process (no daemon, no
// registry) and maps their line-only locations onto the model's spans.
// Instructions msls could not parse are blanked out first (keeping line
// numbers) so that one bad line does not hide the checks of the others.
func BuildKitFindings(f *dockerfile.File) (out []Finding) {
	if len(f.Instructions) == 0 {
		return nil
	}
	defer func() {
		if recover() != nil {
			out = nil
		}
	}()
	bad := badLines(f)
	text := lintInput(f, bad)
	res := lintStaged(f, text, lintAuto)
	if res == nil {
		return nil
	}
	if res.Error != nil && strings.Contains(res.Error.Message, "check options") {
		// an invalid `# check=` directive stops BuildKit before any check:
		// run without it (the directive itself is reported as a ParseError
		// by the model or by CheckDirective below).
		if d, ok := f.Directive("check"); ok {
			checkLine := f.Lines.Line(d.Span.Start)
			text = f.LintText(func(line int) bool { return line == checkLine || bad(line) })
			res = lintText(text)
			if res == nil {
				return nil
			}
		}
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

var allCaps = pb.Caps.CapSet(pb.Caps.All())

func lintText(text []byte) *lint.LintResults {
	return lintWithEnv(text, envFor(text))
}

func lintWithEnv(text []byte, env []string) *lint.LintResults {
	// Without a client BuildKit has no capability set and some RUN --mount
	// forms dereference it: declare every LLB capability as supported.
	opt := dockerfile2llb.ConvertOpt{MetaResolver: offlineResolver{env: env}, LLBCaps: &allCaps}
	opt.SourceMap = &llb.SourceMap{Filename: "Dockerfile", Language: "Dockerfile", Definition: &llb.Definition{}}
	res, err := dockerfile2llb.DockerfileLint(context.Background(), text, opt)
	if err != nil {
		return nil
	}
	return res
}

// lintInput is the text BuildKit's checks get: the lint text with the lines
// of instructions in error emptied, except that a FROM in error becomes
// `FROM scratch` (its keyword as written) on its first line, so that its
// stage keeps its place and the rest of the file is checked as it stands.
func lintInput(f *dockerfile.File, bad func(line int) bool) []byte {
	var stub map[int]string
	for _, st := range f.Stages {
		if st.From.Err != nil {
			if stub == nil {
				stub = map[int]string{}
			}
			stub[st.From.StartLine] = f.Slice(st.From.KeywordSpan) + " scratch"
		}
	}
	return f.LintTextStubbed(bad, stub)
}

// badLines reports the lines BuildKit must not see: those of instructions
// with a parse error and of invalid parser directives, so that one bad line
// does not hide the checks of the rest (line numbers are kept).
func badLines(f *dockerfile.File) func(line int) bool {
	if len(f.Errors) == 0 {
		return func(int) bool { return false }
	}
	bad := map[int]bool{}
	for _, in := range f.Instructions {
		if in.Err != nil {
			for l := in.StartLine; l <= in.EndLine; l++ {
				bad[l] = true
			}
		}
	}
	for _, e := range f.Errors {
		if f.InstructionAt(e.Span.Start) == nil { // a directive error
			bad[f.Lines.Line(e.Span.Start)] = true
		}
	}
	return func(line int) bool { return bad[line] }
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
