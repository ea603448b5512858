package codeactions

import (
	"encoding/json"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/msls-dev/msls/internal/ecosystem"
)

type packageJSON struct {
	Scripts         map[string]string `json:"scripts"`
	Dependencies    map[string]string `json:"dependencies"`
	DevDependencies map[string]string `json:"devDependencies"`
	Workspaces      json.RawMessage   `json:"workspaces"`
}

var nodeLocks = []struct{ file, pm string }{
	{"package-lock.json", "npm"}, {"npm-shrinkwrap.json", "npm"}, {"yarn.lock", "yarn"},
	{"pnpm-lock.yaml", "pnpm"}, {"bun.lock", "bun"}, {"bun.lockb", "bun"},
}

// installFlags are options of the original install worth keeping on the
// generated ones; the rest (production/frozen switches) the split decides.
var installFlags = map[string]bool{"--legacy-peer-deps": true, "--no-audit": true, "--no-fund": true,
	"--ignore-engines": true, "--unsafe-perm": true, "--prefer-offline": true, "--silent": true, "--quiet": true,
	"--non-interactive": true, "--verbose": true, "--no-optional": true, "--force": true, "--no-progress": true}

var standaloneRE = regexp.MustCompile("output\\s*:\\s*[\"'`]standalone[\"'`]")

func (a *analysis) splitNode() (string, bool) {
	l := a.landmarks()
	if l.inst < 0 {
		return "", a.refuse("no dependency install (npm ci, npm install, yarn install, pnpm install) found in the stage")
	}
	var pkg *packageJSON
	lockFile := ""
	if a.ctx != nil {
		raw := readFile(a.ctx, "package.json")
		if raw == nil {
			return "", a.refuse("no package.json in the build context (the Dockerfile's directory), so the dependencies cannot be installed from the manifests alone")
		}
		pkg = &packageJSON{}
		if err := json.Unmarshal(raw, pkg); err != nil {
			return "", a.refuse("package.json in the build context is not valid JSON (%v)", err)
		}
		switch {
		case len(pkg.Workspaces) > 0 && string(pkg.Workspaces) != "null":
			return "", a.refuse("package.json declares workspaces (a monorepo): the manifest-only install would miss the packages' own manifests")
		case exists(a.ctx, "pnpm-workspace.yaml"):
			return "", a.refuse("the build context is a pnpm workspace (pnpm-workspace.yaml): the manifest-only install would miss the packages' own manifests")
		case exists(a.ctx, ".yarnrc.yml"):
			return "", a.refuse("the build context uses Yarn Berry (.yarnrc.yml), which the split does not handle")
		}
		for _, s := range []string{"preinstall", "install", "postinstall", "prepare"} {
			if _, ok := pkg.Scripts[s]; ok {
				// Lifecycle scripts run during the manifest-only install and
				// often need the sources or dev dependencies.
				return "", a.refuse("package.json has a %q script, which the manifest-only install would run without the sources", s)
			}
		}
		pms := map[string]string{}
		for _, lk := range nodeLocks {
			if exists(a.ctx, lk.file) {
				if _, dup := pms[lk.pm]; !dup {
					pms[lk.pm] = lk.file
				}
			}
		}
		switch {
		case len(pms) == 0:
		case a.pm != "" && pms[a.pm] != "":
			lockFile = pms[a.pm]
		case len(pms) == 1 && a.pm == "":
			for pm, f := range pms {
				a.pm, lockFile = pm, f
			}
		default:
			var locks []string
			for _, f := range pms {
				locks = append(locks, f)
			}
			sort.Strings(locks)
			if a.pm != "" {
				return "", a.refuse("the stage installs with %s but the build context has the lockfile(s) %s", a.pm, strings.Join(locks, ", "))
			}
			return "", a.refuse("the build context has lockfiles of several package managers (%s)", strings.Join(locks, ", "))
		}
	}
	if a.pm == "bun" {
		return "", a.refuse("bun projects are not split")
	}
	if a.pm == "" {
		return "", a.refuse("no npm, yarn or pnpm install found in the stage")
	}
	for _, it := range a.items {
		if it.role == roleProject || it.role == roleInstall && it.install == nil {
			return "", false
		}
	}
	startWords, script, simple := a.resolveStart(pkg)
	if ds := devServer(startWords); ds != "" {
		via := ""
		if script != "" {
			via = " (the \"" + script + "\" script of package.json)"
		}
		return "", a.refuse("the start command runs a development server, `%s`%s: a production runner has no devDependencies and no sources to watch. Build the app and start the build output (or serve it) instead", ds, via)
	}
	// startExec replaces a start command that only goes through the package
	// manager to run node (`pnpm start` -> `node server.js`): the runner
	// then needs no pnpm, which corepack would otherwise download at start.
	startExec := ""
	if simple && script != "" && len(startWords) > 1 && path.Base(startWords[0]) == "node" && a.pm == "pnpm" {
		js, _ := json.Marshal(startWords)
		startExec = strings.ReplaceAll(string(js), `","`, `", "`)
	}
	if a.ctx != nil && len(startWords) > 1 && path.Base(startWords[0]) == "node" {
		for _, w := range startWords[1:] {
			if strings.HasPrefix(w, "-") {
				continue
			}
			if rel, ok := a.inApp(w); ok {
				if dev, _ := a.devOnlyImports(pkg, a.sourceEntry(rel)); len(dev) > 0 {
					return "", a.refuse("the app requires %s, which package.json lists only in devDependencies: the runner installs without devDependencies, so move them to dependencies first", strings.Join(dev, ", "))
				}
			}
			break
		}
	}
	inst := a.items[l.inst]
	extra := []string{}
	for _, w := range inst.install.Cmd.Args() {
		if installFlags[w] || strings.HasPrefix(w, "--registry=") || strings.HasPrefix(w, "--loglevel=") || strings.HasPrefix(w, "--network-timeout=") {
			extra = append(extra, w)
		}
	}
	var runFlags []string
	for _, fl := range inst.inst.Flags {
		runFlags = append(runFlags, a.f.Slice(fl.Span))
	}
	run := func(cmd string) string {
		return "RUN " + strings.Join(append(append(append([]string{}, runFlags...), cmd), extra...), " ")
	}
	var full, prod, manifests string
	switch a.pm {
	case "npm":
		full = "npm ci"
		if a.ctx != nil && lockFile == "" {
			full = "npm install"
		}
		prod = full + " --omit=dev"
		manifests = "package*.json"
		if a.ctx != nil {
			manifests = "package.json"
			if lockFile != "" {
				manifests += " " + lockFile
			}
		}
	case "yarn":
		full = "yarn install --frozen-lockfile"
		prod = "yarn install --frozen-lockfile --production"
		manifests = "package.json yarn.lock"
		if a.ctx != nil && lockFile == "" {
			manifests = "package.json"
		}
	case "pnpm":
		full, prod = "pnpm install --frozen-lockfile", "pnpm install --prod --frozen-lockfile"
		manifests = "package.json pnpm-lock.yaml"
		if a.ctx != nil && lockFile == "" {
			full, prod, manifests = "pnpm install", "pnpm install --prod", "package.json"
		}
	}
	for _, rc := range []string{".npmrc", ".yarnrc"} {
		if exists(a.ctx, rc) {
			manifests += " " + rc
		}
	}
	manifestCopy := "COPY " + manifests + " ./"

	next, standalone := a.nextJS(pkg)
	hasBuild := l.lastBuild >= 0
	// Node steps the runner does not need: tools used only to install or
	// build (unless the start command calls them).
	cmdText := a.entryText()
	if startExec != "" {
		cmdText = startExec
	}
	toolKeep := func(it *item) bool {
		if it.role != roleTool {
			return true
		}
		return toolUsed(it, cmdText)
	}

	// Everything after the install that is not the build's input or steps
	// must be placeable.
	for _, it := range a.items {
		if it.role == roleSetup && !isPre(it, l) && hasBuild && it.pos > l.lastBuild {
			// would run in a runner that has no sources
			return "", a.refuse("line %d (%s) runs after the build and would land in the runner, which has no sources", a.lineOf(it.inst), quoted(a.f, it.inst))
		}
		if it.role == roleSetup && l.src >= 0 && it.pos > l.src && it.pos < l.inst && hasBuild {
			return "", false
		}
	}

	deps := &stageText{}
	a.header(deps, a.stageFrom(a.image.String(), "deps"), nil)
	a.preInstall(deps, l, nil)
	deps.add(manifestCopy)
	if next && standalone {
		deps.add(run(full))
	} else {
		deps.add(run(prod))
	}

	var builder *stageText
	if hasBuild {
		builder = &stageText{}
		a.header(builder, a.stageFrom(a.image.String(), "builder"), nil)
		a.preInstall(builder, l, nil)
		if next && standalone {
			builder.add("COPY --from=deps " + path.Join(a.workdir, "node_modules") + " ./node_modules")
		} else {
			builder.add(manifestCopy)
			builder.add(run(full))
		}
		for _, it := range a.items {
			if isPre(it, l) && it.role != roleContextCopy && it.role != roleSourceCopy {
				continue
			}
			switch it.role {
			case roleContextCopy, roleSourceCopy, roleBuild:
				builder.item(it)
			case roleEnv, roleSetup:
				if it.pos < l.lastBuild && !isEnv(it, "NODE_ENV") {
					builder.item(it)
				}
			}
		}
	}

	runner := &stageText{}
	runImage := nodeRuntimeImage(a.image)
	if a.runtimeNeedsFullImage() {
		runImage = a.image
	}
	a.header(runner, a.stageFrom(runImage.String(), "runner"), a.fromComments())
	for _, c := range a.freeComment {
		runner.add(c)
	}
	if !a.setsEnv("NODE_ENV") {
		runner.add("ENV NODE_ENV=production")
	}
	if next && standalone && hasBuild && !a.setsEnv("HOSTNAME") {
		// The standalone server.js listens on $HOSTNAME, which a container
		// sets to its own name; `next start` listened on every address.
		runner.add(`ENV HOSTNAME=0.0.0.0`)
	}
	wd := a.workdir
	var artifacts []string
	mirror := !hasBuild
	if hasBuild {
		switch {
		case next && standalone:
			if a.ctx == nil || exists(a.ctx, "public") {
				artifacts = append(artifacts, "COPY --from=builder "+path.Join(wd, "public")+" ./public")
			}
			artifacts = append(artifacts,
				"COPY --from=builder --chown=node:node "+path.Join(wd, ".next/standalone")+" ./",
				"COPY --from=builder --chown=node:node "+path.Join(wd, ".next/static")+" ./.next/static")
		case next:
			artifacts = append(artifacts, "COPY --from=deps "+path.Join(wd, "node_modules")+" ./node_modules")
			if a.ctx == nil || exists(a.ctx, "public") {
				artifacts = append(artifacts, "COPY --from=builder "+path.Join(wd, "public")+" ./public")
			}
			cfg := ""
			for _, c := range []string{"next.config.js", "next.config.mjs", "next.config.ts", "next.config.cjs"} {
				if exists(a.ctx, c) {
					cfg += " " + path.Join(wd, c)
				}
			}
			if a.ctx == nil {
				cfg = " " + path.Join(wd, "next.config.*")
			}
			artifacts = append(artifacts,
				"COPY --from=builder --chown=node:node "+path.Join(wd, ".next")+" ./.next",
				"COPY --from=builder "+path.Join(wd, "package.json")+cfg+" ./")
		default:
			outs, needSource := a.nodeOutputs(pkg)
			if needSource {
				mirror = true
				break
			}
			artifacts = append(artifacts, "COPY --from=deps "+path.Join(wd, "node_modules")+" ./node_modules")
			for _, o := range outs {
				artifacts = append(artifacts, "COPY --from=builder "+path.Join(wd, o)+" ./"+o)
			}
			artifacts = append(artifacts, "COPY --from=builder "+path.Join(wd, "package.json")+" ./package.json")
		}
	}
	placed := false
	block := first(l.inst, l.src)
	for _, it := range a.items {
		pre := isPre(it, l)
		switch it.role {
		case roleArg, roleWorkdir, roleUser, roleManifestCopy, roleDrop:
			continue
		case roleInstall:
			if mirror && !placed {
				runner.add("COPY --from=deps " + path.Join(wd, "node_modules") + " ./node_modules")
				placed = true
			}
			continue
		case roleContextCopy, roleSourceCopy:
			if mirror {
				runner.item(it)
			}
			continue
		case roleBuild:
			continue
		case roleTool:
			if !toolKeep(it) {
				continue
			}
		case roleSetup:
			if hasBuild && !pre && it.pos < l.lastBuild {
				continue
			}
		case roleEnv:
			if hasBuild && !pre && it.pos < l.lastBuild && !isEnv(it, "NODE_ENV") && !a.envUsedAtRuntime(it) {
				// build-time settings stay in the builder... unless they
				// also describe the runtime, which we cannot tell: keep.
			}
		}
		if !mirror && !placed && it.pos > block {
			for _, ar := range artifacts {
				runner.add(ar)
			}
			placed = true
		}
		runner.item(it)
	}
	if !placed {
		for _, ar := range artifacts {
			runner.add(ar)
		}
	}
	if mirror && hasBuild {
		// The start command reads the sources: copy them from the context
		// (above) and overlay the built tree from the builder.
		runner.add("COPY --from=builder " + wd + " ./")
		runner.add("COPY --from=deps " + path.Join(wd, "node_modules") + " ./node_modules")
	}
	if u := a.finalUser(); u != nil {
		runner.user(withItemComments(u))
	} else {
		for _, it := range a.items {
			if it.role == roleUserAdd {
				// the original made its own user but runs as root
				return "", a.refuse("line %d creates a user but the stage never switches to it (USER): the split would change who the app runs as", a.lineOf(it.inst))
			}
		}
		runner.user("USER node")
	}
	if next && standalone {
		a.rewriteStart(runner, `["node", "server.js"]`)
	} else if startExec != "" {
		a.rewriteStart(runner, startExec)
	}
	runner.sinkStart()
	return joinStages(deps, builder, runner), true
}

func withItemComments(it *item) string {
	if len(it.comments) == 0 {
		return it.text
	}
	return strings.Join(it.comments, "\n") + "\n" + it.text
}

func isEnv(it *item, name string) bool {
	if it.inst == nil || !it.inst.Is("ENV") {
		return false
	}
	for _, w := range it.inst.Args {
		if w.Value == name || strings.HasPrefix(w.Value, name+"=") {
			return true
		}
	}
	return false
}

func (a *analysis) setsEnv(name string) bool {
	for _, it := range a.items {
		if isEnv(it, name) {
			return true
		}
	}
	return false
}

func (a *analysis) envUsedAtRuntime(*item) bool { return true }

// entryText is the text of the start command (CMD and ENTRYPOINT).
func (a *analysis) entryText() string {
	cmd, ep := a.entrypoint()
	var b strings.Builder
	for _, it := range []*item{ep, cmd} {
		if it != nil {
			for _, w := range it.inst.Args {
				b.WriteString(w.Value)
				b.WriteByte(' ')
			}
		}
	}
	return b.String()
}

// toolUsed reports whether a tool-installing step matters to the start
// command (`npm i -g pm2` for `pm2-runtime`, corepack for `pnpm start`).
func toolUsed(it *item, cmdText string) bool {
	words := strings.Fields(strings.NewReplacer("\"", " ", "'", " ", ",", " ", "[", " ", "]", " ").Replace(cmdText))
	uses := func(n string) bool {
		for _, w := range words {
			if w == n || strings.HasPrefix(w, n+"-") || path.Base(w) == n {
				return true
			}
		}
		return false
	}
	for _, c := range it.cmds {
		switch c.Name() {
		case "corepack":
			if uses("pnpm") || uses("yarn") {
				return true
			}
			continue
		case "npm", "yarn", "pnpm":
			args := c.Args()
			if len(args) > 0 && (args[0] == "config" || args[0] == "set") {
				continue
			}
		}
		for _, w := range c.Args() {
			if strings.HasPrefix(w, "-") {
				continue
			}
			n := w
			if i := strings.LastIndexByte(n, '@'); i > 0 {
				n = n[:i]
			}
			n = path.Base(n)
			if uses(n) {
				return true
			}
		}
	}
	return false
}

// nextJS reports whether the project is a Next.js app and whether it builds
// the standalone output.
func (a *analysis) nextJS(pkg *packageJSON) (next, standalone bool) {
	if pkg != nil {
		_, d := pkg.Dependencies["next"]
		_, dd := pkg.DevDependencies["next"]
		next = d || dd || strings.Contains(pkg.Scripts["build"], "next build")
	}
	for _, it := range a.items {
		if (it.role == roleBuild || it.role == roleRuntime) && regexp.MustCompile(`\bnext (build|start)\b`).MatchString(it.text) {
			next = true
		}
	}
	if !next {
		return false, false
	}
	for _, c := range []string{"next.config.js", "next.config.mjs", "next.config.ts", "next.config.cjs"} {
		if standaloneRE.Match(readFile(a.ctx, c)) {
			standalone = true
		}
	}
	return next, standalone
}

// nodeOutputs finds the build output directories the start command needs,
// relative to the app directory. needSource is set when the start command
// runs files that are sources (or cannot be told apart from them).
func (a *analysis) nodeOutputs(pkg *packageJSON) (outs []string, needSource bool) {
	scripts := map[string]string{}
	if pkg != nil {
		scripts = pkg.Scripts
	}
	var paths, dirs []string
	known := true
	var visit func(words []string, depth int)
	visit = func(words []string, depth int) {
		if len(words) == 0 {
			return
		}
		name := path.Base(words[0])
		args := words[1:]
		if name == "npx" && len(args) > 0 {
			name, args = args[0], args[1:]
		}
		switch name {
		case "node", "nodemon", "pm2-runtime", "pm2", "forever":
			for i := 0; i < len(args); i++ {
				w := args[i]
				if w == "-r" || w == "--require" || w == "--import" || w == "--env-file" {
					i++
					continue
				}
				if strings.HasPrefix(w, "-") || w == "start" {
					continue
				}
				paths = append(paths, w)
				return
			}
		case "npm", "yarn", "pnpm":
			script := ""
			switch {
			case len(args) == 0:
			case args[0] == "start":
				script = "start"
			case (args[0] == "run" || args[0] == "run-script") && len(args) > 1:
				script = args[1]
			case name != "npm":
				script = args[0]
			}
			if script == "" {
				known = false
				return
			}
			body, ok := scripts[script]
			if !ok {
				if pkg != nil && script == "start" {
					paths = append(paths, "server.js") // npm's default start
					return
				}
				known = false
				return
			}
			if depth > 2 {
				known = false
				return
			}
			for _, c := range ecosystem.SplitCommands(body) {
				visit(wordsOf(c), depth+1)
			}
		case "serve", "http-server":
			for i := 0; i < len(args); i++ {
				w := args[i]
				if w == "-l" || w == "--listen" || w == "-p" || w == "--port" || w == "-c" || w == "--config" {
					i++
					continue
				}
				if !strings.HasPrefix(w, "-") {
					if rel, ok := a.inApp(w); ok && rel != "." && !strings.Contains(rel, "/") {
						dirs = append(dirs, rel)
						return
					}
					paths = append(paths, w+"/")
					return
				}
			}
			known = false
		case "ts-node", "tsx", "babel-node":
			needSource = true
		default:
			needSource = true
		}
	}
	cmd, ep := a.entrypoint()
	if ep != nil {
		visit(argWords(ep), 0)
	} else if cmd != nil {
		visit(argWords(cmd), 0)
	} else {
		known = false
	}
	set := map[string]bool{}
	for _, d := range dirs {
		set[d] = true
	}
	for _, p := range paths {
		rel, ok := a.inApp(p)
		if !ok {
			continue
		}
		rel = strings.TrimPrefix(rel, "./")
		dir, _, found := strings.Cut(rel, "/")
		if !found || dir == "src" || dir == "." || dir == ".." {
			needSource = true
			continue
		}
		set[dir] = true
	}
	if len(set) == 0 && !needSource {
		_ = known
		set[a.buildOutputDir(scripts)] = true
	}
	for d := range set {
		outs = append(outs, d)
	}
	sort.Strings(outs)
	return outs, needSource
}

// buildOutputDir guesses where the build writes from the build script.
func (a *analysis) buildOutputDir(scripts map[string]string) string {
	text := scripts["build"]
	for _, it := range a.items {
		if it.role == roleBuild {
			text += " " + it.text
		}
	}
	if m := regexp.MustCompile(`--out[Dd]ir[= ]+\.?/?([A-Za-z0-9_.-]+)`).FindStringSubmatch(text); m != nil {
		return m[1]
	}
	if strings.Contains(text, "react-scripts build") {
		return "build"
	}
	return "dist"
}

func argWords(it *item) []string {
	if it.inst.JSON {
		var out []string
		for _, w := range it.inst.Args {
			out = append(out, w.Value)
		}
		return out
	}
	cmds := ecosystem.SplitCommands(it.inst.ArgsText)
	if len(cmds) != 1 {
		return []string{"sh"}
	}
	return wordsOf(cmds[0])
}

func wordsOf(c ecosystem.Command) []string {
	var out []string
	for _, w := range c.Words {
		out = append(out, w.Text)
	}
	return out
}

// rewriteStart replaces the runner's CMD (and drops an ENTRYPOINT that
// would wrap it) with the given exec-form command.
func (a *analysis) rewriteStart(s *stageText, execForm string) {
	replaced := false
	for i := 0; i < len(s.lines); i++ {
		kw := strings.ToUpper(firstWord(lastLine(s.lines[i])))
		if kw == "CMD" {
			pre := ""
			for _, l := range strings.SplitAfter(s.lines[i], "\n") {
				if !strings.HasPrefix(strings.TrimSpace(l), "#") {
					break
				}
				pre += l
			}
			s.lines[i] = pre + "CMD " + execForm
			replaced = true
		}
		if kw == "ENTRYPOINT" {
			s.lines = append(s.lines[:i], s.lines[i+1:]...)
			i--
		}
	}
	if !replaced {
		s.add("CMD " + execForm)
	}
}
