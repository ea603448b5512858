// Package bklint runs BuildKit's build checks on an already parsed Dockerfile
// without building LLB: BuildKit's own DockerfileLint re-parses the text and
// converts every instruction to LLB (image resolution, exec and file ops),
// none of which the checks read. The instruction-level checks, the messages
// and the check configuration are BuildKit's own exported code; only the
// unexported dispatch-level bookkeeping of dockerfile2llb (environment per
// stage, stage inheritance, the per-stage trackers) is reproduced here, for
// the options msls lints with (see Resolver). Whatever is not modelled exactly
// makes Lint decline, so that the caller falls back to DockerfileLint.
package bklint

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"github.com/containerd/platforms"
	"github.com/distribution/reference"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/dfgitutil"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/moby/buildkit/frontend/subrequests/lint"
	"github.com/moby/buildkit/util/suggest"
	"github.com/moby/buildkit/util/system"
	"github.com/moby/sys/signal"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	mode "github.com/tonistiigi/dchapes-mode"
)

// declined marks input that Lint does not model or on which BuildKit's
// dispatch fails: either way the caller must ask DockerfileLint. The reason
// is for tests that look into what is declined.
type declined string

func (d declined) Error() string { return "bklint: declined at " + string(d) }

// Panic is the error of a Lint that panicked (a case bklint or BuildKit does
// not handle): the caller falls back as for any decline, and logs it.
type Panic struct {
	Value any
	Stack []byte
}

func (p *Panic) Error() string { return fmt.Sprint("bklint: panic: ", p.Value) }

// SourceMap is the source msls's DockerfileLint calls register; Lint
// registers the same so that the results compare equal.
func SourceMap() *llb.SourceMap {
	return &llb.SourceMap{Filename: "Dockerfile", Language: "Dockerfile", Definition: &llb.Definition{}}
}

// Lint runs BuildKit's build checks on an already parsed Dockerfile the way
// dockerfile2llb.DockerfileLint does under msls's options (the Resolver
// stand-in with env, every LLB capability, no target, no build arguments, no
// client), without building LLB. It returns an error, and no results, when
// the input uses something Lint does not model or on which BuildKit's
// dispatch could fail: the caller then runs DockerfileLint. The error says
// why: a *Panic for a panic, else the point of the input Lint does not model.
//
// When `# check=error=true` is set and a check fired, r.Error carries the
// error DockerfileLint reports after dispatching every stage (the warnings
// are complete then).
//
// cmds is nil or has one entry per child of res.AST: nil, or the typed
// command the caller already has for a node that gives the same command as
// that child (instructions.ParseInstruction of the same lines, whose
// comments set the same checks), so that BuildKit's typed parse of most
// instructions is not done again. Lint never modifies them: what dispatch
// expands in place it copies first, and what it cannot copy (a RUN with
// mounts) it parses again; the checks BuildKit's typed parse runs (on FROM,
// ARG and MAINTAINER) it runs itself. Typed commands are a third of Lint on
// the largest corpus files (docs/performance.md): this is what pays for
// taking them.
//
// memo, when not nil, is what the lints of earlier versions of the same
// document left (see Memo): the stages whose dispatch reads what it read
// then are not dispatched again. Lint leaves in it what this lint computed.
//
// text is what res is the parse of (its `# check=` directive configures the
// checks).
func Lint(text []byte, res *parser.Result, cmds []any, env []string, memo *Memo) (r *lint.LintResults, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, &Panic{Value: p, Stack: debug.Stack()}
		}
	}()
	if res == nil || res.AST == nil {
		return nil, declined("no AST")
	}
	if cmds != nil && len(cmds) != len(res.AST.Children) {
		return nil, declined("commands")
	}
	r = &lint.LintResults{}
	if err := run(r, text, res, cmds, env, memo); err != nil {
		return nil, err
	}
	return r, nil
}

// stage is the part of dockerfile2llb's dispatchState that the checks read.
type stage struct {
	st         instructions.Stage
	index      int
	base       *stage
	unreg      bool       // an image named by COPY --from or RUN --mount from=
	sources    [][]*stage // per command: the stages it copies or mounts from
	env        *llb.EnvList
	imgEnv     []string // the image config's Env (ENV only, not ARG)
	shellSet   bool     // the image config has a SHELL
	wd         string
	buildArgs  []instructions.KeyValuePairOptional
	workdirSet bool
	dispatched bool
	platform   ocispecs.Platform

	nodes  []*parser.Node // the FROM's, then one per command
	shared []bool         // per command: the caller's, to copy before dispatch (see Lint)
	memo   *stageMemo     // what its dispatch left, when memoised
}

type linterState struct {
	// memo is the document's Memo (nil: none); cur is what this lint
	// leaves in it, old what the last lint left when it read the same
	// globals (else nil), oldRefs the last lint's validRef answers.
	memo       *Memo
	cur, old   *memoGen
	oldRefs    map[string]bool
	lt         *linter.Linter
	shlex      *shell.Lex
	esc        rune // shlex's escape token
	rawLex     *shell.Lex
	globalArgs *llb.EnvList
	secretKeys map[string]bool // validateNoSecretKey's answers by key
}

func run(r *lint.LintResults, text []byte, res *parser.Result, cmds []any, env []string, memo *Memo) error {
	check, _, _, _ := parser.ParseDirective("check", text)
	cfg, err := linter.ParseLintOptions(check)
	if err != nil {
		return declined("check directive")
	}
	src := r.AddSource(SourceMap())
	cfg.Warn = func(rulename, description, url, fmtmsg string, location []parser.Range) {
		r.AddWarning(rulename, description, url, fmtmsg, src, location)
	}
	lt := linter.New(cfg)

	for _, w := range res.Warnings {
		if w.URL == linter.RuleNoEmptyContinuation.URL && w.Location != nil {
			lt.Run(&linter.RuleNoEmptyContinuation, []parser.Range{*w.Location}, linter.RuleNoEmptyContinuation.Format())
		}
	}

	stages, parts, metaArgs, err := parseInstructions(res.AST, cmds, lt)
	if err != nil || len(stages) == 0 {
		return declined("instructions")
	}
	validateStageNames(stages, lt)
	validateCommandCasing(stages, lt)

	target := platforms.DefaultSpec()
	if target.OS != "linux" {
		return declined("platform")
	}
	targetName := stages[len(stages)-1].Name

	ls := &linterState{lt: lt, shlex: shell.NewLex(res.EscapeToken), esc: res.EscapeToken}
	ls.rawLex = shell.NewLex('\\')
	ls.rawLex.SkipProcessQuotes = true
	var last *memoGen
	if memo != nil {
		ls.memo, last = memo, memo.load()
		if last != nil {
			ls.oldRefs = last.refs
		}
	}
	ls.cur = newMemoGen(last)

	// The global ARGs, evaluated once for the default-ARG check and for
	// the FROM lines (BuildKit evaluates them twice, the same way).
	metaKey, globalArgs, allArgs, err := ls.buildMetaArgs(last, target, targetName, metaArgs)
	if err == nil {
		ls.globalArgs = globalArgs
		ls.cur.globals = globalsKey(check, env, metaKey)
		if last != nil && last.globals == ls.cur.globals {
			ls.old = last
		}
		ls.validateBaseImagesWithDefaultArgs(stages)
	}
	if err != nil {
		return declined("global ARGs")
	}
	if v, ok := globalArgs.Get("SOURCE_DATE_EPOCH"); ok && v != "" {
		return declined("SOURCE_DATE_EPOCH")
	}

	// buildDispatchStates
	states := make([]*stage, 0, len(stages))
	byName := make(map[string]*stage, len(stages))
	fromArgKeys := map[string]struct{}{}
	for _, a := range allArgs {
		fromArgKeys[a] = struct{}{}
	}
	for _, k := range globalArgs.Keys() {
		fromArgKeys[k] = struct{}{}
	}
	add := func(s *stage) {
		s.index = len(states)
		states = append(states, s)
		if b, ok := byName[s.st.BaseName]; ok {
			s.base = b
		}
		if s.st.Name != "" {
			byName[strings.ToLower(s.st.Name)] = s
		}
	}
	for i, st := range stages {
		sl := withComments(lt, st.Comments)
		nameMatch, err := ls.fromWord(st.BaseName)
		reportUnusedFromArgs(fromArgKeys, nameMatch.Unmatched, st.Location, sl)
		if err != nil || nameMatch.Result == "" {
			return declined("base name")
		}
		st.BaseName = nameMatch.Result
		s := &stage{st: st, platform: target, nodes: parts[i].nodes, shared: parts[i].shared}
		if v := st.Platform; v != "" {
			pm, err := ls.fromWord(v)
			reportUnusedFromArgs(fromArgKeys, pm.Unmatched, st.Location, sl)
			reportRedundantTargetPlatform(st.Platform, pm, st.Location, globalArgs, sl)
			reportConstPlatformDisallowed(st.Name, pm, st.Location, sl)
			if err != nil || pm.Result == "" {
				return declined("platform flag")
			}
			p, err := platforms.Parse(pm.Result)
			if err != nil || p.OS != "linux" {
				return declined("platform flag")
			}
			s.platform = p
		}
		add(s)
	}
	nStages := len(states)
	for _, s := range states {
		if s.base != nil && hasOnbuild(s.base.st.Commands) {
			// the base's triggers run in this stage, parsed anew
			return declined("onbuild")
		}
	}

	// buildStageDependencyGraph: the sources of COPY --from and RUN --mount,
	// with images they name registered as extra states.
	// BuildKit adds a state for every mention of an image; all those of one
	// image are alike (resolved, dispatched, never read): one serves.
	images := map[string]*stage{}
	findOrAdd := func(from string) *stage {
		if s, ok := byName[strings.ToLower(from)]; ok {
			return s
		}
		if s, ok := images[from]; ok {
			return s
		}
		s := &stage{st: instructions.Stage{BaseName: from}, unreg: true, platform: target}
		add(s)
		images[from] = s
		return s
	}
	for _, s := range states[:nStages] {
		s.sources = make([][]*stage, len(s.st.Commands))
		for i, c := range s.st.Commands {
			var srcs []*stage
			switch c := c.(type) {
			case *instructions.CopyCommand:
				if c.From == "" {
					break
				}
				m, err := ls.processWord(c.From, shell.EnvsFromSlice(nil))
				if err != nil || m.Result != c.From {
					return declined("COPY --from variable")
				}
				if idx, err := atoi(c.From); err == nil {
					if idx < 0 || idx >= nStages {
						return declined("COPY --from index")
					}
					srcs = []*stage{states[idx]}
				} else {
					srcs = []*stage{findOrAdd(c.From)}
				}
			case *instructions.RunCommand:
				for _, m := range instructions.GetMounts(c) {
					from := m.From
					if from == "" {
						from = "scratch"
					}
					srcs = append(srcs, findOrAdd(from))
				}
			}
			for _, src := range srcs {
				// a stage defined at or after this one is a cycle or not
				// dispatched yet: BuildKit fails either way
				if !src.unreg && src.index >= s.index {
					return declined("stage order")
				}
			}
			s.sources[i] = srcs
		}
	}

	// resolveReachableStages (every stage, as for lint): base images.
	// The state of an image that COPY --from or RUN --mount names (unreg)
	// is never read: nothing dispatches on it.
	for _, s := range states {
		if s.base != nil {
			continue
		}
		if s.st.BaseName == "scratch" {
			s.dispatched = s.dispatched || s.unreg
			if !s.unreg {
				s.imgEnv = []string{"PATH=" + system.DefaultPathEnv("linux")}
				s.wd = "/"
			}
			continue
		}
		if !ls.validRef(s.st.BaseName) {
			return declined("image reference")
		}
		if s.unreg {
			// BuildKit marks the images that --from and from= name as
			// dispatched once resolved
			s.dispatched = true
			continue
		}
		// The stand-in resolves to an image of the requested platform, so
		// InvalidBaseImagePlatform cannot fire.
		s.imgEnv = append([]string(nil), env...)
	}

	// dispatchStages. Every stage a command reads from (COPY --from, RUN
	// --mount from=) comes before it (checked above): dispatched in order,
	// each is dispatched by the time it is read.
	for _, s := range states {
		s.dispatched = true
	}
	if err := ls.dispatchStages(r, states, text); err != nil {
		return err
	}

	if err := lt.Error(); err != nil {
		be := &lint.BuildError{Message: err.Error()}
		var le *parser.LocationError
		if errors.As(err, &le) {
			return declined("lint error")
		}
		r.Error = be
	}
	if ls.memo != nil {
		ls.memo.store(ls.cur)
	}
	return nil
}

// dispatchStages dispatches every stage's commands, in order, or takes what
// dispatching a stage left in the memo when its key is there (see Memo).
func (ls *linterState) dispatchStages(r *lint.LintResults, states []*stage, text []byte) error {
	var key []byte
	var lines []int
	if ls.memo != nil {
		key, lines = make([]byte, 0, 4096), lineStarts(text)
	}
	for _, s := range states {
		if s.unreg {
			continue // see resolveReachableStages
		}
		if ls.memo == nil || s.base != nil && s.base.memo == nil {
			if err := ls.dispatchStage(s, ls.lt); err != nil {
				return err
			}
			continue
		}
		key = s.appendKey(key[:0], text, lines)
		if e := ls.lookup(key); e != nil {
			e.restore(s, r, ls.lt)
			ls.cur.stages[e.key] = e
			continue
		}
		n := len(r.Warnings)
		if err := ls.dispatchStage(s, ls.lt); err != nil {
			return err
		}
		e := ls.memo.save(string(key), s, r.Warnings[n:])
		ls.cur.stages[e.key] = e
	}
	return nil
}

// dispatchStage sets up a stage from its base (or base image) and dispatches
// its commands, the checks running through lt.
func (ls *linterState) dispatchStage(s *stage, lt *linter.Linter) error {
	if b := s.base; b != nil {
		s.env = b.env
		s.imgEnv = append([]string(nil), b.imgEnv...)
		s.shellSet = b.shellSet
		s.wd = b.wd
		s.workdirSet = b.workdirSet
		s.buildArgs = append(s.buildArgs, b.buildArgs...)
		s.platform = b.platform
	} else {
		s.env = &llb.EnvList{}
	}
	hasPath := false
	for _, kv := range s.imgEnv {
		if k, _ := parseKeyValue(kv); k == "PATH" {
			hasPath = true
			break
		}
	}
	if !hasPath {
		s.imgEnv = append(s.imgEnv, "PATH="+system.DefaultPathEnv("linux"))
	}
	for _, kv := range s.imgEnv {
		k, v := parseKeyValue(kv)
		s.env = s.env.AddOrReplace(k, v)
	}
	var cmdTr, epTr, hcTr tracker
	for i, c := range s.st.Commands {
		if s.shared != nil && s.shared[i] {
			var err error
			if c, err = own(c, s.nodes[i+1]); err != nil {
				return err
			}
		}
		if err := ls.dispatch(lt, s, c, s.sources[i], &cmdTr, &epTr, &hcTr); err != nil {
			return err
		}
	}
	return nil
}

// atoi is strconv.Atoi without its error value for a word that is not a
// number (a stage name: most COPY --from).
func atoi(s string) (int, error) {
	digits := strings.TrimLeft(s, "+-")
	if len(s)-len(digits) > 1 || digits == "" || strings.TrimLeft(digits, "0123456789") != "" {
		return 0, errNotNumber
	}
	return strconv.Atoi(s)
}

var errNotNumber = errors.New("not a number")

func hasOnbuild(cmds []instructions.Command) bool {
	for _, c := range cmds {
		if _, ok := c.(*instructions.OnbuildCommand); ok {
			return true
		}
	}
	return false
}

type tracker struct {
	loc []parser.Range
	set bool
}

func (t *tracker) use(c instructions.Command, l *linter.Linter) {
	if t.set {
		msg := linter.RuleMultipleInstructionsDisallowed.Format(c.Name())
		l.Run(&linter.RuleMultipleInstructionsDisallowed, t.loc, msg)
	}
	t.loc, t.set = c.Location(), true
}

// processWord is shlex.ProcessWordWithMatches, without the lexer for a plain
// word (see plainWord), which it returns as it is, matching no variable.
func (ls *linterState) processWord(word string, env shell.EnvGetter) (shell.ProcessWordResult, error) {
	if PlainWord(word, ls.esc) {
		return shell.ProcessWordResult{Result: word}, nil
	}
	return ls.shlex.ProcessWordWithMatches(word, env)
}

// processed is what processWord returned for a word.
type processed struct {
	res shell.ProcessWordResult
	err error
}

// fromWord is processWord under the global ARGs (a FROM's base name or
// platform), each word processed once per lint and taken from the last
// lint's when it had the same globals: FROMs repeat base names and
// platforms. The results it shares are only read.
func (ls *linterState) fromWord(word string) (shell.ProcessWordResult, error) {
	p, ok := ls.cur.words[word]
	if !ok {
		if ls.old != nil {
			p, ok = ls.old.words[word]
		}
		if !ok {
			p.res, p.err = ls.processWord(word, ls.globalArgs)
		}
		ls.cur.words[word] = p
	}
	return p.res, p.err
}

func (ls *linterState) dispatch(lt *linter.Linter, s *stage, cmd instructions.Command, sources []*stage, cmdTr, epTr, hcTr *tracker) error {
	l := withComments(lt, cmd.Comments())
	_, skip := cmd.(*instructions.ArgCommand)
	if rc, ok := cmd.(*instructions.RunCommand); ok && len(instructions.GetMounts(rc)) == 0 {
		// RUN expands only its mounts: without any, Expand would call
		// nothing, only reset the (maybe shared, see Lint) mount
		// state
		skip = true
	}
	if ex, ok := cmd.(instructions.SupportsSingleWordExpansion); ok && !skip {
		err := ex.Expand(func(word string) (string, error) {
			if PlainWord(word, ls.esc) {
				return word, nil
			}
			w, unmatched, err := ls.shlex.ProcessWord(word, s.env)
			reportUnmatchedVariables(cmd, s.buildArgs, s.env, unmatched, l)
			return w, err
		})
		if err != nil {
			return declined("expansion")
		}
	}
	if ex, ok := cmd.(instructions.SupportsSingleWordExpansionRaw); ok {
		err := ex.ExpandRaw(func(word string) (string, error) {
			if PlainWord(word, '\\') {
				return word, nil
			}
			w, unmatched, err := ls.rawLex.ProcessWord(word, s.env)
			reportUnmatchedVariables(cmd, s.buildArgs, s.env, unmatched, l)
			return w, err
		})
		if err != nil {
			return declined("expansion")
		}
	}

	switch c := cmd.(type) {
	case *instructions.MaintainerCommand, *instructions.OnbuildCommand:
	case *instructions.EnvCommand:
		for _, e := range c.Env {
			if e.NoDelim {
				l.Run(&linter.RuleLegacyKeyValueFormat, c.Location(), linter.RuleLegacyKeyValueFormat.Format(c.Name()))
			}
			ls.validateNoSecretKey("ENV", e.Key, c.Location(), l)
			s.env = s.env.AddOrReplace(e.Key, e.Value)
			s.imgEnv = addEnv(s.imgEnv, e.Key, e.Value)
		}
	case *instructions.RunCommand:
		return s.run(c, sources)
	case *instructions.WorkdirCommand:
		if !s.workdirSet && !system.IsAbs(c.Path, "linux") {
			l.Run(&linter.RuleWorkdirRelativePath, c.Location(), linter.RuleWorkdirRelativePath.Format(c.Path))
		}
		s.workdirSet = true
		wd, err := system.NormalizeWorkdir(s.wd, c.Path, "linux")
		if err != nil {
			return declined("WORKDIR")
		}
		s.wd = wd
	case *instructions.AddCommand:
		return checkCopy(true, c.SourcesAndDest, c.Chown, c.Chmod, c.Link, c.Checksum, c.KeepGitDir != nil)
	case *instructions.CopyCommand:
		return checkCopy(false, c.SourcesAndDest, c.Chown, c.Chmod, c.Link, "", false)
	case *instructions.LabelCommand:
		for _, v := range c.Labels {
			if v.NoDelim {
				l.Run(&linter.RuleLegacyKeyValueFormat, c.Location(), linter.RuleLegacyKeyValueFormat.Format(c.Name()))
			}
		}
	case *instructions.CmdCommand:
		cmdTr.use(c, l)
		if c.PrependShell && !s.shellSet {
			l.Run(&linter.RuleJSONArgsRecommended, c.Location(), linter.RuleJSONArgsRecommended.Format(c.Name()))
		}
	case *instructions.EntrypointCommand:
		epTr.use(c, l)
		if c.PrependShell && !s.shellSet {
			l.Run(&linter.RuleJSONArgsRecommended, c.Location(), linter.RuleJSONArgsRecommended.Format(c.Name()))
		}
	case *instructions.HealthCheckCommand:
		hcTr.use(c, l)
	case *instructions.ExposeCommand:
		for _, p := range c.Ports {
			ps, err := ls.shlex.ProcessWords(p, s.env)
			if err != nil {
				return declined("EXPOSE")
			}
			for _, p := range ps {
				if err := checkPort(p, c.Location(), l); err != nil {
					return err
				}
			}
		}
	case *instructions.UserCommand:
	case *instructions.VolumeCommand:
		for _, v := range c.Volumes {
			if v == "" {
				return declined("VOLUME")
			}
		}
	case *instructions.StopSignalCommand:
		if _, err := signal.ParseSignal(c.Signal); err != nil {
			return declined("STOPSIGNAL")
		}
	case *instructions.ShellCommand:
		s.shellSet = len(c.Shell) > 0
	case *instructions.ArgCommand:
		return ls.arg(s, c, l)
	default:
		return declined("instruction")
	}
	return nil
}

func (ls *linterState) arg(s *stage, c *instructions.ArgCommand, l *linter.Linter) error {
	for _, a := range c.Args {
		ls.validateNoSecretKey("ARG", a.Key, c.Location(), l)
		if a.Value == nil {
			if v, ok := ls.globalArgs.Get(a.Key); ok {
				a.Value = &v
			}
		} else if !PlainWord(*a.Value, ls.esc) {
			v, unmatched, err := ls.shlex.ProcessWord(*a.Value, s.env)
			reportUnmatchedVariables(c, s.buildArgs, s.env, unmatched, l)
			if err != nil {
				return declined("ARG")
			}
			a.Value = &v
		}
		if a.Value != nil {
			if _, ok := nonEnvArgs[a.Key]; !ok {
				s.env = s.env.AddOrReplace(a.Key, *a.Value)
			}
		}
		s.buildArgs = append(s.buildArgs, a)
	}
	return nil
}

// PlainWord reports whether BuildKit's shell lexer (with escape token esc)
// returns word as it is without looking up any variable: no `$`, no quote, no
// escape token, no `<` (a possible heredoc), and printable ASCII only
// (text/scanner rewrites invalid UTF-8 and complains about NUL). Most words
// of a Dockerfile are: lexing each of them was a third of dispatching.
func PlainWord(word string, esc rune) bool {
	for i := 0; i < len(word); i++ {
		c := word[i]
		if c < ' ' || c > '~' || c == '$' || c == '\'' || c == '"' || c == '<' || rune(c) == esc {
			return false
		}
	}
	return true
}

var nonEnvArgs = map[string]struct{}{
	"BUILDKIT_SBOM_SCAN_CONTEXT": {},
	"BUILDKIT_SBOM_SCAN_STAGE":   {},
}

// run reproduces the ways BuildKit's dispatchRun fails on Linux; RUN has no
// dispatch-level check of its own.
func (s *stage) run(c *instructions.RunCommand, sources []*stage) error {
	if len(c.Files) > 0 && (len(c.CmdLine) != 1 || !c.PrependShell) {
		return declined("RUN heredoc")
	}
	mounts := instructions.GetMounts(c)
	if len(mounts) != len(sources) {
		return declined("RUN mounts")
	}
	for i, m := range mounts {
		from := m.From
		if from == "" && m.Type == instructions.MountTypeCache {
			from = "scratch"
		}
		if from != "" && !sources[i].dispatched {
			return declined("RUN mount from")
		}
		switch m.Type {
		case instructions.MountTypeSecret:
			if m.Source == "" && m.CacheID == "" && m.Target == "" {
				return declined("RUN secret")
			}
			continue
		case instructions.MountTypeSSH:
			if m.Source != "" {
				return declined("RUN ssh")
			}
			continue
		}
		target := m.Target
		if !system.IsAbsolutePath(filepath.Clean(m.Target)) {
			target = filepath.Join("/", s.wd, m.Target)
		}
		if target == "/" {
			return declined("RUN mount target")
		}
	}
	switch instructions.GetSecurity(c) {
	case instructions.SecurityInsecure, instructions.SecuritySandbox:
	default:
		return declined("RUN security")
	}
	switch instructions.GetNetwork(c) {
	case instructions.NetworkDefault, instructions.NetworkNone, instructions.NetworkHost:
	default:
		return declined("RUN network")
	}
	return nil
}

// checkCopy reproduces the ways BuildKit's dispatchCopy fails on Linux. An
// ADD of a Git reference is modelled when BuildKit's dispatch cannot fail on
// it (a valid reference, no --checksum or --keep-git-dir to reconcile with
// the reference's own): no check reads it. keepGitDir: the ADD has a --keep-git-dir flag.
func checkCopy(isAdd bool, p instructions.SourcesAndDest, chown, chmod string, link bool, checksum string, keepGitDir bool) error {
	if chown != "" && link {
		co, ok := llb.WithUser(chown).(llb.ChownOpt)
		if !ok || (co.User != nil && co.User.Name != "") || (co.Group != nil && co.Group.Name != "") {
			return declined("COPY --chown")
		}
	}
	if chmod != "" {
		if v, err := strconv.ParseUint(chmod, 8, 32); err == nil {
			if v > 0o7777 {
				return declined("COPY --chmod")
			}
		} else if _, err := mode.Parse(chmod); err != nil {
			return declined("COPY --chmod")
		}
	}
	if checksum != "" {
		if !isAdd || len(p.SourcePaths) != 1 || !isHTTP(p.SourcePaths[0]) {
			return declined("ADD --checksum")
		}
		if _, err := digest.Parse(checksum); err != nil {
			return declined("ADD --checksum")
		}
	}
	for _, src := range p.SourcePaths {
		if !strings.Contains(src, ":") && !strings.HasPrefix(src, "github.com/") {
			// a Git reference is a URL (scheme://) or SCP-style (user@host:path),
			// or BuildKit's deprecated github.com/ form; parsing each local
			// path as one was a tenth of Lint's time
			continue
		}
		ref, isGit, err := dfgitutil.ParseGitRef(src)
		if err != nil && isGit {
			return declined("Git source") // BuildKit fails
		}
		if err == nil && ref != nil && !ref.IndistinguishableFromLocal {
			if !isAdd || checksum != "" || (keepGitDir && ref.KeepGitDir != nil) {
				return declined("Git source")
			}
			continue
		}
		if isHTTP(src) && !isAdd {
			return declined("COPY URL")
		}
	}
	return nil
}

func isHTTP(src string) bool {
	return strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://")
}

// checkPort parses an EXPOSE port spec ([ip:][hostPort:]port[/proto]) as
// BuildKit does, running its two checks; a spec BuildKit rejects declines.
func checkPort(raw string, loc []parser.Range, l *linter.Linter) error {
	parts := strings.Split(raw, ":")
	var ip, hostPort string
	containerPort := parts[len(parts)-1]
	if len(parts) >= 2 {
		hostPort = parts[len(parts)-2]
	}
	if len(parts) >= 3 {
		ip = strings.Join(parts[:len(parts)-2], ":")
	}
	port, proto, _ := strings.Cut(containerPort, "/")
	if port == "" {
		return declined("EXPOSE")
	}
	switch strings.ToLower(proto) {
	case "", "tcp", "udp", "sctp":
	default:
		return declined("EXPOSE")
	}
	if proto != strings.ToLower(proto) {
		l.Run(&linter.RuleExposeProtoCasing, loc, linter.RuleExposeProtoCasing.Format(raw))
	}
	if ip != "" || hostPort != "" {
		l.Run(&linter.RuleExposeInvalidFormat, loc, linter.RuleExposeInvalidFormat.Format(raw))
	}
	if ip != "" {
		// BuildKit validates the address with package net, which msls's
		// packages do not link (docs/safety.md); a rare form, left to it
		return declined("EXPOSE with an address")
	}
	start, end, ok := portRange(port)
	if !ok {
		return declined("EXPOSE")
	}
	if hostPort != "" {
		hs, he, ok := portRange(hostPort)
		if !ok {
			return declined("EXPOSE")
		}
		if end-start != he-hs && end != start {
			return declined("EXPOSE")
		}
	}
	return nil
}

func portRange(s string) (start, end int, ok bool) {
	if s == "" {
		return 0, 0, false
	}
	a, b, hasEnd := strings.Cut(s, "-")
	start, ok = portNumber(a)
	if !ok {
		return 0, 0, false
	}
	if !hasEnd || a == b {
		return start, start, true
	}
	end, ok = portNumber(b)
	if !ok || end < start {
		return 0, 0, false
	}
	return start, end, true
}

func portNumber(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 0)
	if err != nil || n < 0 || n > 65535 {
		return 0, false
	}
	return int(n), true
}

func defaultArgs(tp ocispecs.Platform, target string) *llb.EnvList {
	if target == "" {
		target = "default"
	}
	bp := tp // no build platforms given: the build platform is the default spec
	kv := [...][2]string{
		{"BUILDPLATFORM", platforms.Format(bp)},
		{"BUILDOS", bp.OS},
		{"BUILDOSVERSION", bp.OSVersion},
		{"BUILDARCH", bp.Architecture},
		{"BUILDVARIANT", bp.Variant},
		{"TARGETPLATFORM", platforms.FormatAll(tp)},
		{"TARGETOS", tp.OS},
		{"TARGETOSVERSION", tp.OSVersion},
		{"TARGETARCH", tp.Architecture},
		{"TARGETVARIANT", tp.Variant},
		{"TARGETSTAGE", target},
	}
	env := &llb.EnvList{}
	for _, p := range kv {
		env = env.AddOrReplace(p[0], p[1])
	}
	return env
}

// buildMetaArgs evaluates the global ARGs in order; it returns the
// environment FROM lines see and the names of every global ARG.
func buildMetaArgs(args *llb.EnvList, shlex *shell.Lex, cmds []instructions.ArgCommand) (*llb.EnvList, []string, error) {
	var names []string
	for _, c := range cmds {
		for _, kp := range c.Args {
			if kp.Value != nil {
				res, err := shlex.ProcessWordWithMatches(*kp.Value, args)
				if err != nil {
					return nil, nil, err
				}
				args = args.AddOrReplace(kp.Key, res.Result)
			}
			names = append(names, kp.Key)
		}
	}
	return args, names, nil
}

// validRef reports whether BuildKit can parse name as an image reference;
// base images repeat, each is parsed twice (the default-ARG check and the
// resolution), and the answers are the same from one lint to the next
// (distribution/reference's regular expressions were a sixth of a lint).
func (ls *linterState) validRef(name string) bool {
	ok, seen := ls.cur.refs[name]
	if !seen {
		ok, seen = ls.oldRefs[name]
		if !seen {
			_, err := reference.ParseNormalizedNamed(name)
			ok = err == nil
		}
		ls.cur.refs[name] = ok
	}
	return ok
}

// validateBaseImagesWithDefaultArgs is BuildKit's InvalidDefaultArgInFrom,
// given the global ARGs evaluated (ls.globalArgs).
func (ls *linterState) validateBaseImagesWithDefaultArgs(stages []instructions.Stage) {
	l := ls.lt
	for _, st := range stages {
		m, err := ls.fromWord(st.BaseName)
		if err != nil {
			return
		}
		if !ls.validRef(m.Result) {
			l.Run(&linter.RuleInvalidDefaultArgInFrom, st.Location, linter.RuleInvalidDefaultArgInFrom.Format(st.BaseName))
		}
	}
}

func validateStageNames(stages []instructions.Stage, l *linter.Linter) {
	seen := map[string]struct{}{}
	for _, st := range stages {
		if st.Name == "" {
			continue
		}
		if st.Name == "context" || st.Name == "scratch" {
			l.Run(&linter.RuleReservedStageName, st.Location, linter.RuleReservedStageName.Format(st.Name))
		}
		if _, ok := seen[st.Name]; ok {
			l.Run(&linter.RuleDuplicateStageName, st.Location, linter.RuleDuplicateStageName.Format(st.Name))
		}
		seen[st.Name] = struct{}{}
	}
}

func validateCommandCasing(stages []instructions.Stage, l *linter.Linter) {
	lower, upper := 0, 0
	count := func(name string) {
		switch {
		case isLower(name):
			lower++
		case isUpper(name):
			upper++
		}
	}
	for _, st := range stages {
		count(st.OrigCmd)
		for _, c := range st.Commands {
			count(c.Name())
		}
	}
	majorityLower := lower > upper
	check := func(name string, loc []parser.Range) {
		want := ""
		if majorityLower && !isLower(name) {
			want = "lowercase"
		} else if !majorityLower && !isUpper(name) {
			want = "uppercase"
		}
		if want != "" {
			l.Run(&linter.RuleConsistentInstructionCasing, loc, linter.RuleConsistentInstructionCasing.Format(name, want))
		}
	}
	for _, st := range stages {
		check(st.OrigCmd, st.Location)
		for _, c := range st.Commands {
			check(c.Name(), c.Location())
		}
	}
}

// isLower is name == strings.ToLower(name), without a copy for ASCII.
func isLower(name string) bool { return caseIs(name, 'A', strings.ToLower) }

// isUpper is name == strings.ToUpper(name), without a copy for ASCII.
func isUpper(name string) bool { return caseIs(name, 'a', strings.ToUpper) }

// caseIs reports whether name has no ASCII letter from first to first+25
// (the other case), falling back to name == to(name) past ASCII.
func caseIs(name string, first byte, to func(string) string) bool {
	for i := 0; i < len(name); i++ {
		if c := name[i]; c >= 0x80 {
			return name == to(name)
		} else if first <= c && c <= first+25 {
			return false
		}
	}
	return true
}

func reportUnmatchedVariables(cmd instructions.Command, buildArgs []instructions.KeyValuePairOptional, env shell.EnvGetter, unmatched map[string]struct{}, l *linter.Linter) {
	if len(unmatched) == 0 {
		return
	}
	for _, a := range buildArgs {
		delete(unmatched, a.Key)
	}
	if len(unmatched) == 0 {
		return
	}
	keys := env.Keys()
	for name := range unmatched {
		if _, ok := nonEnvArgs[name]; ok {
			continue
		}
		match, _ := suggest.Search(name, keys, true)
		l.Run(&linter.RuleUndefinedVar, cmd.Location(), linter.RuleUndefinedVar.Format(name, match))
	}
}

func reportUnusedFromArgs(known map[string]struct{}, unmatched map[string]struct{}, loc []parser.Range, l *linter.Linter) {
	if len(unmatched) == 0 {
		return
	}
	keys := make([]string, 0, len(known))
	for k := range known {
		keys = append(keys, k)
	}
	for name := range unmatched {
		if _, ok := known[name]; ok {
			continue
		}
		match, _ := suggest.Search(name, keys, true)
		l.Run(&linter.RuleUndefinedArgInFrom, loc, linter.RuleUndefinedArgInFrom.Format(name, match))
	}
}

func reportRedundantTargetPlatform(platformVar string, m shell.ProcessWordResult, loc []parser.Range, env shell.EnvGetter, l *linter.Linter) {
	if len(m.Matched) != 1 || len(m.Unmatched) != 0 {
		return
	}
	if _, ok := m.Matched["TARGETPLATFORM"]; !ok {
		return
	}
	if v, _ := env.Get("TARGETPLATFORM"); m.Result == v {
		l.Run(&linter.RuleRedundantTargetPlatform, loc, linter.RuleRedundantTargetPlatform.Format(platformVar))
	}
}

func reportConstPlatformDisallowed(stageName string, m shell.ProcessWordResult, loc []parser.Range, l *linter.Linter) {
	if len(m.Matched) > 0 || len(m.Unmatched) > 0 {
		return
	}
	p, err := platforms.Parse(m.Result)
	if err != nil {
		return
	}
	if strings.Contains(stageName, p.OS) || strings.Contains(stageName, p.Architecture) {
		return
	}
	l.Run(&linter.RuleFromPlatformFlagConstDisallowed, loc, linter.RuleFromPlatformFlagConstDisallowed.Format(m.Result))
}

// secretKey and publicKey are BuildKit's SecretsUsedInArgOrEnv patterns: a
// secret-looking word as the whole name or its first or last _-separated part,
// unless an allow-listed word is too.
var (
	secretKey = regexp.MustCompile(`(?i)(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)`)
	publicKey = regexp.MustCompile(`(?i)(?:_|^)(?:public|file|version)(?:_|$)`)
)

// withComments is l.WithMergedConfigFromComments(comments), which parses
// every comment as a possible `check=` directive: comments that cannot be one
// (most) leave l as it is.
func withComments(l *linter.Linter, comments []string) *linter.Linter {
	for _, c := range comments {
		if containsFold(c, "check") {
			return l.WithMergedConfigFromComments(comments)
		}
	}
	return l
}

// containsFold reports whether s contains the lower-case ASCII word w in any
// case.
func containsFold(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(w)], w) {
			return true
		}
	}
	return false
}

// validateNoSecretKey is BuildKit's SecretsUsedInArgOrEnv; its two regular
// expressions run once per key of a Lint (the same names come back in every
// stage).
func (ls *linterState) validateNoSecretKey(instruction, key string, loc []parser.Range, l *linter.Linter) {
	secret, ok := ls.secretKeys[key]
	if !ok {
		secret = secretKey.MatchString(key) && !publicKey.MatchString(key)
		if ls.secretKeys == nil {
			ls.secretKeys = map[string]bool{}
		}
		ls.secretKeys[key] = secret
	}
	if secret {
		l.Run(&linter.RuleSecretsUsedInArgOrEnv, loc, linter.RuleSecretsUsedInArgOrEnv.Format(instruction, key))
	}
}

func addEnv(env []string, k, v string) []string {
	for i, kv := range env {
		if key, _ := parseKeyValue(kv); key == k {
			env[i] = k + "=" + v
			return env
		}
	}
	return append(env, k+"="+v)
}

func parseKeyValue(kv string) (string, string) {
	k, v, _ := strings.Cut(kv, "=")
	return k, v
}

// reused returns what BuildKit's typed parse of node gives, taken from cmd,
// the caller's command for that node (see Lint), and runs the checks
// that parse runs (on FROM, ARG and MAINTAINER). ok is false when node must
// be parsed instead; shared is true when the command is the caller's and
// dispatch may change it: dispatchStage makes it its own first (own), so
// that a stage the memo answers for copies and parses nothing.
func reused(node *parser.Node, cmd any, l *linter.Linter) (c any, ok, shared bool) {
	switch c := cmd.(type) {
	case *instructions.Stage:
		// instructions.Parse copies the Stage, and appends to its own
		// copy's (empty) Commands
		return c, fromChecks(node, c, l), false
	case *instructions.ArgCommand:
		if len(node.PrevComment) > 0 { // the check reads the comment above
			keys := make([]string, len(c.Args))
			for i, a := range c.Args {
				keys[i] = a.Key
			}
			definitionDescription("ARG", keys, node, withComments(l, node.PrevComment))
		}
		return c, true, false // neither dispatch nor the global ARGs change it
	case *instructions.MaintainerCommand:
		withComments(l, node.PrevComment).Run(&linter.RuleMaintainerDeprecated, node.Location(), linter.RuleMaintainerDeprecated.Format())
		return c, true, false
	case *instructions.RunCommand, *instructions.EnvCommand, *instructions.LabelCommand, *instructions.AddCommand,
		*instructions.CopyCommand, *instructions.WorkdirCommand, *instructions.UserCommand, *instructions.StopSignalCommand,
		*instructions.VolumeCommand, *instructions.CmdCommand, *instructions.EntrypointCommand, *instructions.HealthCheckCommand,
		*instructions.ShellCommand, *instructions.ExposeCommand, *instructions.OnbuildCommand:
		return c, true, true // the types private handles
	}
	return nil, false, false
}

// own returns a command dispatch may expand in place for c, the caller's
// command for node: private's copy, or (a RUN with mounts, whose mount state
// cannot be copied) node parsed again. BuildKit's typed parse of a RUN runs no
// check.
func own(c instructions.Command, node *parser.Node) (instructions.Command, error) {
	if cp, ok := private(c); ok {
		return cp, nil
	}
	v, err := instructions.ParseInstructionWithLinter(node, linter.New(&linter.Config{}))
	if err != nil {
		return nil, declined("instructions")
	}
	cp, ok := v.(instructions.Command)
	if !ok {
		return nil, declined("instructions")
	}
	return cp, nil
}

// fromChecks runs the checks of BuildKit's typed parse of a FROM: the stage
// name in lower case, AS in the case of FROM, and (experimental) a
// description comment that names the stage. It reports false, having run
// none, for a node it does not model.
func fromChecks(node *parser.Node, st *instructions.Stage, lt *linter.Linter) bool {
	var args []string
	for n := node.Next; n != nil; n = n.Next {
		if len(n.Children) > 0 {
			return false
		}
		args = append(args, n.Value)
	}
	l := withComments(lt, node.PrevComment)
	if len(args) == 3 && args[2] != strings.ToLower(args[2]) {
		l.Run(&linter.RuleStageNameCasing, node.Location(), linter.RuleStageNameCasing.Format(args[2]))
	}
	if len(args) >= 3 {
		lower, upper := node.Value == strings.ToLower(node.Value), node.Value == strings.ToUpper(node.Value)
		if lower && args[1] != strings.ToLower(args[1]) || !lower && upper && args[1] != strings.ToUpper(args[1]) {
			l.Run(&linter.RuleFromAsCasing, node.Location(), linter.RuleFromAsCasing.Format(node.Value, args[1]))
		}
	}
	if st.Name != "" {
		definitionDescription("FROM", []string{st.Name}, node, l)
	}
	return true
}

// definitionDescription is BuildKit's experimental check that the comment
// right above an ARG or a named FROM starts with the name it defines.
func definitionDescription(instruction string, keys []string, node *parser.Node, l *linter.Linter) {
	comments := node.PrevComment
	if len(comments) == 0 || len(keys) == 0 {
		return
	}
	rule := &linter.RuleInvalidDefinitionDescription
	if _, on := l.ExperimentalRules[rule.Name]; rule.Experimental && !on && !l.ExperimentalAll {
		// what l.Run drops first: not worth the message (every FROM of the
		// lint text has a comment above)
		return
	}
	first, _, _ := strings.Cut(comments[len(comments)-1], " ")
	if slices.Contains(keys, first) {
		return
	}
	example := keys[0]
	if len(keys) > 1 {
		example = "<arg_key>"
	}
	l.Run(&linter.RuleInvalidDefinitionDescription, node.Location(), linter.RuleInvalidDefinitionDescription.Format(instruction, example))
}

// private returns a command of the caller's (see Lint) that dispatch
// may use: itself where dispatch only reads it, else a copy of what Expand
// changes in place. ok is false for a RUN with mounts (its mount state cannot
// be copied), to parse again.
func private(cmd any) (c instructions.Command, ok bool) {
	switch c := cmd.(type) {
	case nil:
		return nil, false
	case *instructions.RunCommand:
		// dispatch does not expand a RUN without mounts
		return c, len(instructions.GetMounts(c)) == 0
	case *instructions.EnvCommand:
		cp := shallow(c)
		cp.Env = slices.Clone(c.Env)
		return cp, true
	case *instructions.LabelCommand:
		cp := shallow(c)
		cp.Labels = slices.Clone(c.Labels)
		return cp, true
	case *instructions.AddCommand:
		cp := shallow(c)
		cloneSources(&cp.SourcesAndDest)
		return cp, true
	case *instructions.CopyCommand:
		cp := shallow(c)
		cloneSources(&cp.SourcesAndDest)
		return cp, true
	case *instructions.WorkdirCommand:
		return shallow(c), true
	case *instructions.UserCommand:
		return shallow(c), true
	case *instructions.StopSignalCommand:
		return shallow(c), true
	case *instructions.VolumeCommand:
		cp := shallow(c)
		cp.Volumes = slices.Clone(c.Volumes)
		return cp, true
	case *instructions.CmdCommand, *instructions.EntrypointCommand, *instructions.HealthCheckCommand,
		*instructions.ShellCommand, *instructions.ExposeCommand, *instructions.OnbuildCommand:
		return c.(instructions.Command), true
	}
	return nil, false
}

// shallow returns a copy of *c: its own fields, sharing what they point to.
func shallow[T any](c *T) *T {
	cp := *c
	return &cp
}

// cloneSources gives s its own copies of the slices Expand and ExpandRaw
// change in place.
func cloneSources(s *instructions.SourcesAndDest) {
	s.SourcePaths, s.SourceContents = slices.Clone(s.SourcePaths), slices.Clone(s.SourceContents)
}

// parsedStage is what parseInstructions knows of a stage beside BuildKit's
// Stage: its nodes (the FROM's, then one per command) and which of its
// commands are the caller's (see reused).
type parsedStage struct {
	nodes  []*parser.Node
	shared []bool
}

// parseInstructions is instructions.Parse, taking the typed command of each
// node from reuse where it can (see Lint).
func parseInstructions(ast *parser.Node, reuse []any, lt *linter.Linter) ([]instructions.Stage, []parsedStage, []instructions.ArgCommand, error) {
	var sizes []int // each stage's nodes, its FROM's included: its slices are allocated once
	for _, node := range ast.Children {
		if strings.EqualFold(node.Value, "from") {
			sizes = append(sizes, 0)
		}
		if len(sizes) > 0 {
			sizes[len(sizes)-1]++
		}
	}
	stages := make([]instructions.Stage, 0, len(sizes))
	parts := make([]parsedStage, 0, len(sizes))
	var metaArgs []instructions.ArgCommand
	for i, node := range ast.Children {
		var cmd any
		ok, shared := false, false
		if reuse != nil {
			cmd, ok, shared = reused(node, reuse[i], lt)
		}
		if !ok {
			c, err := instructions.ParseInstructionWithLinter(node, lt)
			if err != nil {
				return nil, nil, nil, err
			}
			cmd, shared = c, false
		}
		// what instructions.Parse does with the commands
		if len(stages) == 0 {
			if a, ok := cmd.(*instructions.ArgCommand); ok {
				metaArgs = append(metaArgs, *a)
				continue
			}
		}
		switch c := cmd.(type) {
		case *instructions.Stage:
			k, st := 1, *c
			if len(stages) < len(sizes) { // always, unless a reused command is a FROM's the node is not
				k = sizes[len(stages)]
			}
			if st.Commands == nil {
				st.Commands = make([]instructions.Command, 0, k-1)
			}
			stages = append(stages, st)
			parts = append(parts, parsedStage{nodes: append(make([]*parser.Node, 0, k), node), shared: make([]bool, 0, k-1)})
		case instructions.Command:
			stage, err := instructions.CurrentStage(stages)
			if err != nil {
				return nil, nil, nil, err
			}
			stage.AddCommand(c)
			p := &parts[len(parts)-1]
			p.nodes = append(p.nodes, node)
			p.shared = append(p.shared, shared)
		default:
			return nil, nil, nil, declined("instructions")
		}
	}
	return stages, parts, metaArgs, nil
}
