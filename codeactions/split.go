package codeactions

import (
	"fmt"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/contract"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// SplitTitle is the title of the split refactor.
const SplitTitle = "Split into multi-stage build (deps → builder → runner)"

// SplitAction offers the split refactor when the range lies in the stage it
// would rewrite.
func SplitAction(f *dockerfile.File, ctx Context, rng dockerfile.Span) (Action, bool) {
	st, _ := splitTarget(f)
	if st == nil {
		return Action{}, false
	}
	if len(f.Stages) > 1 && !(rng.End >= st.Span.Start && rng.Start <= st.Span.End) {
		return Action{}, false
	}
	ed, why := split(f, ctx)
	if why != "" {
		if !refusalShown(why) {
			return Action{}, false
		}
		return Action{Title: SplitTitle, Kind: KindRefactorRewrite, Disabled: why}, true
	}
	return Action{Title: SplitTitle, Kind: KindRefactorRewrite, Edits: []dockerfile.Edit{ed}}, true
}

// refusalShown says whether a refusal is worth a disabled action in the
// editor: those about the project (the split was plausible but would
// break it), not those saying the file is not a split candidate at all.
func refusalShown(why string) bool {
	for _, quiet := range []string{"is not an official node, golang or python image", "there is no FROM", "the file has errors", "is already multi-stage", "Windows image"} {
		if strings.Contains(why, quiet) {
			return false
		}
	}
	return true
}

// Split rewrites the stage that both builds and runs into deps -> builder ->
// runner stages. It returns one edit replacing that stage, or false when it
// cannot produce a correct file (unknown ecosystem, instructions it cannot
// place, a context that contradicts the Dockerfile).
func Split(f *dockerfile.File, ctx Context) (dockerfile.Edit, bool) {
	ed, why := split(f, ctx)
	return ed, why == ""
}

// SplitRefusal says why Split declines to rewrite f with ctx, as one line
// for a user (`msls fix --split` prints it); "" when Split would rewrite.
func SplitRefusal(f *dockerfile.File, ctx Context) string {
	_, why := split(f, ctx)
	return why
}

// split is Split with the reason for a refusal ("" when it rewrites).
func split(f *dockerfile.File, ctx Context) (dockerfile.Edit, string) {
	st, why := splitTarget(f)
	if st == nil {
		return dockerfile.Edit{}, why
	}
	a, ok := analyze(f, st, ctx)
	if !ok {
		return dockerfile.Edit{}, a.reason()
	}
	a.fixMkdirWorkdir()
	var text string
	switch a.lang {
	case "node":
		text, ok = a.splitNode()
	case "go":
		text, ok = a.splitGo()
	case "python":
		text, ok = a.splitPython()
	default:
		ok = false
	}
	if !ok {
		return dockerfile.Edit{}, a.reason()
	}
	if why := checkResult(f, st, text, ctx); why != "" {
		return dockerfile.Edit{}, why
	}
	start := st.From.Span.Start
	if len(st.From.Comments) > 0 {
		start = st.From.Comments[0].Span.Start
	}
	end := st.Span.End
	// The replacement ends with a line break; swallow the original one.
	if end < len(f.Text) && f.Text[end] == '\r' {
		end++
	}
	if end < len(f.Text) && f.Text[end] == '\n' {
		end++
	} else {
		text = strings.TrimSuffix(text, "\n")
	}
	if a.crlf {
		text = strings.ReplaceAll(text, "\n", "\r\n")
	}
	return dockerfile.Edit{Span: dockerfile.Span{Start: start, End: end}, NewText: text}, ""
}

// refuse records why the split gives up (the first reason wins: later
// checks may fail as a consequence) and returns false for the caller to
// return.
func (a *analysis) refuse(format string, args ...any) bool {
	if a.why == "" {
		a.why = fmt.Sprintf(format, args...)
	}
	return false
}

// reason is the recorded refusal, or a general one for the checks that
// record none.
func (a *analysis) reason() string {
	if a.why != "" {
		return a.why
	}
	return fmt.Sprintf("this %s stage does not follow a pattern the split can rewrite safely (see docs/code-actions.md)", a.lang)
}

// lineOf is the 1-based line of an instruction, for reasons.
func (a *analysis) lineOf(in *dockerfile.Instruction) int {
	l, _ := a.f.Lines.LineCol(in.Span.Start)
	return l
}

// quoted is an instruction's first line, shortened, for reasons.
func quoted(f *dockerfile.File, in *dockerfile.Instruction) string {
	t := f.Slice(in.Span)
	if i := strings.IndexAny(t, "\r\n"); i >= 0 {
		t = t[:i] + " …"
	}
	if len(t) > 60 {
		t = t[:57] + "..."
	}
	return "`" + t + "`"
}

// splitTarget is the stage the split would rewrite: the only stage, or a
// final stage built from an image (not from another stage) that copies
// nothing from other stages. Without one, it says why.
func splitTarget(f *dockerfile.File) (*dockerfile.Stage, string) {
	if len(f.Stages) == 0 {
		return nil, "there is no FROM instruction"
	}
	if len(f.Errors) > 0 {
		l, _ := f.Lines.LineCol(f.Errors[0].Span.Start)
		return nil, fmt.Sprintf("the file has errors (line %d: %s)", l, f.Errors[0].Message)
	}
	st := f.FinalStage()
	const already = "the final stage %s (line %d): the build is already multi-stage"
	if st.Parent >= 0 {
		l, _ := f.Lines.LineCol(st.From.Span.Start)
		return nil, fmt.Sprintf(already, "builds on stage "+stageName(f.Stages[st.Parent]), l)
	}
	if len(f.Stages) > 1 {
		for _, in := range st.Instructions {
			l, _ := f.Lines.LineCol(in.Span.Start)
			if fl, ok := in.Flag("from"); ok && f.StageByName(fl.Value) != nil {
				return nil, fmt.Sprintf(already, "copies from stage "+stageName(f.StageByName(fl.Value)), l)
			}
			for _, fl := range in.Flags {
				if fl.Name == "mount" && strings.Contains(fl.Value, "from=") {
					return nil, fmt.Sprintf(already, "mounts another stage or image", l)
				}
			}
		}
		if s := f.StageByName(st.BaseImage); s != nil {
			l, _ := f.Lines.LineCol(st.From.Span.Start)
			return nil, fmt.Sprintf(already, "builds on stage "+stageName(s), l)
		}
	}
	return st, ""
}

func stageName(s *dockerfile.Stage) string {
	if s.Name != "" {
		return "`" + s.Name + "`"
	}
	return fmt.Sprintf("#%d", s.Index)
}

// role says where an instruction (or a piece of a RUN) goes.
type role int

const (
	roleRuntime      role = iota // CMD, EXPOSE, LABEL...: runner, verbatim
	roleArg                      // stage ARG: every stage
	roleEnv                      // ENV: runner; also earlier stages when set before the build
	roleWorkdir                  // the single WORKDIR
	roleContextCopy              // COPY . .
	roleManifestCopy             // COPY package.json ./ (replaced by the generated manifest copy)
	roleSourceCopy               // COPY src ./src (into the app directory)
	roleExternalCopy             // COPY to a path outside the app directory
	roleInstall                  // the dependency install (replaced)
	roleProject                  // an install of the project itself (pip install ., poetry install)
	roleBuild                    // build steps
	roleSysPkg                   // apt-get/apk/... installs
	roleTool                     // npm i -g pnpm, pip install poetry, corepack enable
	roleUserAdd                  // useradd/adduser/groupadd/addgroup
	roleUser                     // USER
	roleSetup                    // any other RUN
	roleDrop                     // npm prune, cache cleaning: unnecessary after the split
)

// item is one instruction of the stage, or one piece of a RUN whose
// commands go to different stages.
type item struct {
	inst *dockerfile.Instruction
	role role
	// text is the instruction as it will be written: the original source
	// for whole instructions, a regenerated `RUN` for pieces.
	text     string
	comments []string
	cmds     []ecosystem.Command
	install  *ecosystem.Install
	pos      int // index in the stage, for ordering
}

// analysis is what the split knows about the stage.
type analysis struct {
	f    *dockerfile.File
	st   *dockerfile.Stage
	ctx  Context
	crlf bool

	why string                  // the first refusal recorded (refuse)
	cur *dockerfile.Instruction // the instruction being classified

	image   imageRef
	lang    string // node, go, python
	pm      string // npm, yarn, pnpm, pip, poetry, uv, go
	workdir string // absolute app directory
	// workdirText is the original WORKDIR instruction (with its comments),
	// or a generated one.
	workdirText string
	items       []*item
	freeComment []string // comment lines of the stage not attached to an instruction
}

func analyze(f *dockerfile.File, st *dockerfile.Stage, ctx Context) (*analysis, bool) {
	a := &analysis{f: f, st: st, ctx: ctx, image: parseImage(st.BaseImage)}
	a.crlf = strings.Contains(string(f.Text), "\r\n")
	if windowsImage(a.image) {
		return a, a.refuse("%s is a Windows image; the split writes Linux stages", st.BaseImage)
	}
	if st.Platform != "" && !strings.Contains(st.Platform, "$") {
		return a, a.refuse("the stage is pinned to --platform=%s, which the split does not handle", st.Platform)
	}
	switch {
	case a.image.official("node"):
		a.lang = "node"
	case a.image.official("golang"):
		a.lang = "go"
	case a.image.official("python"):
		a.lang = "python"
	default:
		return a, a.refuse("the base image %s is not an official node, golang or python image (the ecosystems the split knows)", st.BaseImage)
	}
	// The app directory: one absolute WORKDIR without variables.
	for _, in := range st.Instructions[1:] {
		if !in.Is("WORKDIR") {
			continue
		}
		if len(in.Args) != 1 || strings.Contains(in.ArgsText, "$") || !strings.HasPrefix(in.Args[0].Value, "/") {
			return a, a.refuse("WORKDIR on line %d is not one absolute path without variables", a.lineOf(in))
		}
		if !utf8.ValidString(in.Args[0].Value) {
			// the rewrite matches the path in RUN commands (fixMkdirWorkdir),
			// which a regular expression cannot do for bytes that are not UTF-8
			return a, a.refuse("WORKDIR on line %d is not valid UTF-8", a.lineOf(in))
		}
		wd := path.Clean(strings.Trim(in.Args[0].Value, `"'`))
		if a.workdir != "" && a.workdir != wd {
			return a, a.refuse("the stage changes WORKDIR (%s, then %s on line %d)", a.workdir, wd, a.lineOf(in))
		}
		a.workdir = wd
		a.workdirText = withComments(f, in)
	}
	for _, in := range st.Instructions[1:] {
		if in.Err != nil || in.Command == nil {
			return a, a.refuse("line %d (%s) does not parse", a.lineOf(in), quoted(f, in))
		}
		if !a.classify(in) {
			return a, a.refuse("line %d (%s) has no safe place in the deps, builder or runner stage", a.lineOf(in), quoted(f, in))
		}
	}
	// Comments in the stage that belong to no instruction are kept in the
	// runner rather than lost.
	attached := map[int]bool{}
	for _, in := range st.Instructions {
		for _, c := range in.Comments {
			attached[c.Span.Start] = true
		}
	}
	for _, c := range f.Comments {
		if c.Span.Start > st.From.Span.End && c.Span.End <= st.Span.End && !attached[c.Span.Start] && f.InstructionAt(c.Span.Start) == nil {
			a.freeComment = append(a.freeComment, f.Slice(c.Span))
		}
	}
	if a.workdir == "" {
		// Without a WORKDIR, relative paths resolve against /, and a split
		// that invents a directory would move them: only safe when no
		// instruction copies into a relative destination.
		for _, it := range a.items {
			if it.role == roleContextCopy || it.role == roleSourceCopy {
				return a, a.refuse("there is no WORKDIR and line %d copies sources to a relative path", a.lineOf(it.inst))
			}
		}
		a.workdir = "/app"
		a.workdirText = "WORKDIR /app"
	}
	return a, true
}

func withComments(f *dockerfile.File, in *dockerfile.Instruction) string {
	var b strings.Builder
	for _, c := range in.Comments {
		b.WriteString(f.Slice(c.Span))
		b.WriteByte('\n')
	}
	b.WriteString(instText(f, in))
	return b.String()
}

// instText is the instruction's source with CRLF normalised (the edit puts
// line breaks back as the file has them).
func instText(f *dockerfile.File, in *dockerfile.Instruction) string {
	return strings.ReplaceAll(f.Slice(in.Span), "\r\n", "\n")
}

func (a *analysis) add(in *dockerfile.Instruction, r role) *item {
	it := &item{inst: in, role: r, text: instText(a.f, in), pos: len(a.items)}
	for _, c := range in.Comments {
		it.comments = append(it.comments, a.f.Slice(c.Span))
	}
	a.items = append(a.items, it)
	return it
}

// classify gives an instruction its role; false means the split cannot
// place it.
func (a *analysis) classify(in *dockerfile.Instruction) bool {
	switch in.Keyword {
	case "ARG":
		a.add(in, roleArg)
	case "ENV":
		a.add(in, roleEnv)
	case "WORKDIR":
		a.add(in, roleWorkdir)
	case "USER":
		a.add(in, roleUser)
	case "SHELL", "FROM":
		return false
	case "COPY", "ADD":
		return a.classifyCopy(in)
	case "RUN":
		a.cur = in
		return a.classifyRun(in)
	case "CMD", "ENTRYPOINT", "EXPOSE", "LABEL", "HEALTHCHECK", "STOPSIGNAL", "VOLUME", "MAINTAINER", "ONBUILD":
		a.add(in, roleRuntime)
	default:
		return false
	}
	return true
}

func copyParts(in *dockerfile.Instruction) (srcs []string, dest string, ok bool) {
	if len(in.Args) < 2 || len(in.Heredocs) > 0 {
		return nil, "", false
	}
	for _, s := range in.Args[:len(in.Args)-1] {
		srcs = append(srcs, s.Value)
	}
	return srcs, in.Args[len(in.Args)-1].Value, true
}

func isWholeContext(src string) bool {
	switch src {
	case ".", "./", "*", "./*":
		return true
	}
	return false
}

// inApp resolves a COPY destination against the app directory; ok is false
// for destinations outside it.
func (a *analysis) inApp(dest string) (rel string, ok bool) {
	if strings.Contains(dest, "$") {
		return "", false
	}
	if !strings.HasPrefix(dest, "/") {
		return path.Clean(dest), true
	}
	wd := a.workdir
	if wd == "" {
		return "", false
	}
	d := path.Clean(dest)
	if d == wd {
		return ".", true
	}
	if strings.HasPrefix(d, wd+"/") {
		return strings.TrimPrefix(d, wd+"/"), true
	}
	return "", false
}

func (a *analysis) classifyCopy(in *dockerfile.Instruction) bool {
	for _, fl := range in.Flags {
		switch fl.Name {
		case "chown", "chmod", "link":
		case "from":
			// Copying a tool out of an image (`COPY --from=ghcr.io/astral-sh/uv /uv /bin/`).
			_, dest, ok := copyParts(in)
			if !ok || !strings.HasPrefix(dest, "/") {
				return false
			}
			if _, inside := a.inApp(dest); inside && a.workdir != "" {
				return false
			}
			a.add(in, roleTool)
			return true
		default:
			return false
		}
	}
	if len(in.Heredocs) > 0 {
		// A file written by a heredoc: runtime configuration or a script.
		if len(in.Args) == 0 || !strings.HasPrefix(in.Args[len(in.Args)-1].Value, "/") {
			return false
		}
		a.add(in, roleExternalCopy)
		return true
	}
	srcs, dest, ok := copyParts(in)
	if !ok {
		return false
	}
	for _, s := range srcs {
		if strings.Contains(s, "://") || strings.HasPrefix(s, "git@") {
			if !strings.HasPrefix(dest, "/") {
				return false
			}
			a.add(in, roleExternalCopy)
			return true
		}
		if strings.HasPrefix(s, "..") || strings.HasPrefix(s, "/") || strings.Contains(s, "$") {
			return false
		}
	}
	rel, inside := a.inApp(dest)
	if !inside {
		if !strings.HasPrefix(dest, "/") {
			return false
		}
		a.add(in, roleExternalCopy)
		return true
	}
	whole := false
	for _, s := range srcs {
		if isWholeContext(s) {
			whole = true
		}
	}
	if whole {
		if len(srcs) != 1 || rel != "." || in.Is("ADD") && len(srcs) != 1 {
			return false
		}
		a.add(in, roleContextCopy)
		return true
	}
	manifest := rel == "." || strings.HasSuffix(dest, "/")
	for _, s := range srcs {
		if !a.isManifestSource(s) {
			manifest = false
		}
	}
	if manifest && rel == "." {
		a.add(in, roleManifestCopy)
		return true
	}
	a.add(in, roleSourceCopy)
	return true
}

// isManifestSource reports whether a COPY source names only dependency
// manifests of the stage's language (package*.json, go.*, requirements.txt,
// lockfiles).
func (a *analysis) isManifestSource(s string) bool {
	s = strings.TrimPrefix(s, "./")
	if strings.Contains(s, "/") {
		return false
	}
	switch a.lang {
	case "node":
		switch s {
		case "package.json", "package*.json", "package-lock.json", "package-lock.json*", "npm-shrinkwrap.json",
			"yarn.lock", "yarn.lock*", "pnpm-lock.yaml", "pnpm-lock.yaml*", ".npmrc", ".npmrc*", ".yarnrc", ".yarnrc*":
			return true
		}
	case "go":
		switch s {
		case "go.mod", "go.sum", "go.*", "go.sum*":
			return true
		}
	case "python":
		switch s {
		case "pyproject.toml", "poetry.lock", "poetry.lock*", "uv.lock", "uv.lock*", "Pipfile", "Pipfile.lock":
			return true
		}
		return strings.HasPrefix(s, "requirements") && strings.HasSuffix(s, ".txt")
	}
	return false
}

// checkResult runs the stage contract (package contract) over the file the
// split would produce, with the build context: a result that copies what
// its stages do not make, or starts a program its runner lacks, is refused
// with the contract's reason rather than offered.
func checkResult(f *dockerfile.File, st *dockerfile.Stage, text string, ctx Context) string {
	start := st.From.Span.Start
	if len(st.From.Comments) > 0 {
		start = st.From.Comments[0].Span.Start
	}
	out := string(f.Text[:start]) + text
	if st.Span.End < len(f.Text) {
		out += strings.TrimLeft(string(f.Text[st.Span.End:]), "\r\n")
	}
	res := dockerfile.Parse([]byte(out))
	if len(res.Errors) > 0 {
		return fmt.Sprintf("the split's result does not parse (%s)", res.Errors[0].Message)
	}
	var files contract.Files
	if ctx != nil {
		files = ctx
	}
	for _, p := range contract.Check(res, files) {
		l, _ := res.Lines.LineCol(p.Span.Start)
		return fmt.Sprintf("the split would break the build (%s on its line %d: %s)", p.Kind, l, p.Message)
	}
	return ""
}
