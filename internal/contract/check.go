package contract

import (
	"fmt"
	"path"
	"strings"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// systemDirs are directories an official image may already fill: a path
// under them that no step made may still come from the base image.
var systemDirs = []string{"/usr", "/etc", "/var", "/lib", "/lib64", "/lib32", "/libx32", "/bin", "/sbin", "/proc",
	"/sys", "/dev", "/run", "/go", "/root", "/tmp", "/nodejs", "/opt/java", "/home/node/.npm"}

func underSystem(p string) bool {
	if p == "/" || p == "/home" || p == "/opt" || p == "/srv" || p == "/mnt" {
		return true
	}
	for _, d := range systemDirs {
		if p == d || strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	return false
}

// family is what the table knows of the image the stage chain starts at;
// false when it does not know it (a missing path is then not judged the
// Dockerfile's doing).
func (s *state) family() (ImageFamily, bool) { return s.fam, s.famKnown }

// produced reports whether p exists after the stage's steps as far as msls
// can tell: made by a step (p itself, a tree holding it, or something
// inside it). judged is false when the answer cannot be trusted (the path
// may come from the base image, or the stage ran steps msls cannot follow).
func (s *state) produced(p string) (ok, judged bool) {
	if _, known := s.family(); !known || s.opaque || underSystem(p) {
		return true, false
	}
	anchored := false
	if producedIn(s.products, p, &anchored) {
		return true, true
	}
	if s.index != nil {
		return s.index.produced(p, anchored)
	}
	for t := s.parent; t != nil; t = t.parent {
		if producedIn(t.products, p, &anchored) {
			return true, true
		}
	}
	// Only a path inside a directory the Dockerfile itself made (its app
	// directory) is judged: elsewhere the image may have it.
	return false, anchored
}

// producedIn reports whether one of products made p (p, a tree holding it,
// or something inside it), and sets anchored when one is a directory the
// Dockerfile made above p.
func producedIn(products []product, p string, anchored *bool) bool {
	for _, pr := range products {
		switch {
		case pr.path == p, strings.HasPrefix(pr.path, p+"/"):
			return true
		case strings.HasPrefix(p, pr.path+"/") || pr.path == "/":
			if pr.tree && pr.context != nil {
				if contextHas(pr.context, pr.path, p) {
					return true
				}
				*anchored = *anchored || !underSystem(pr.path)
				continue
			}
			if pr.tree {
				return true
			}
			if !underSystem(pr.path) {
				*anchored = true
			}
		}
	}
	return false
}

// contextHas reports whether a copy of the build context ctx to dir made p,
// which is below dir.
func contextHas(ctx Files, dir, p string) bool {
	rel := strings.TrimPrefix(strings.TrimPrefix(p, dir), "/")
	first, _, _ := strings.Cut(rel, "/")
	return ctx.Exists(first)
}

// produced is state.produced of the products x indexes (the walk's answer
// for them, whatever order they come in), anchored being what the
// stage's own products gave.
func (x *belowIndex) produced(p string, anchored bool) (ok, judged bool) {
	if x.paths.hasAtOrUnder(p) {
		return true, true
	}
	// the products above p: at "/" (whatever p is), and at every dir
	// with dir+"/" a prefix of p
	above := func(dir string) bool {
		at, ok := x.paths.get(dir)
		if !ok {
			return false
		}
		if at.tree {
			return true
		}
		if at.ctxs != nil {
			for _, ctx := range *at.ctxs {
				if contextHas(ctx, dir, p) {
					return true
				}
			}
		}
		anchored = anchored || !underSystem(dir)
		return false
	}
	if above("/") {
		return true, true
	}
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && p[:i] != "/" && above(p[:i]) {
			return true, true
		}
	}
	return false, anchored
}

// stageCopies checks the COPY --from sources of the stage being built, st,
// against the stages they copy from.
func (m *model) stageCopies(st *dockerfile.Stage) {
	r := m.building.res
	for j, in := range st.Instructions {
		if in.Sub != nil || in.Err != nil || !(in.Is("COPY") || in.Is("ADD")) {
			continue
		}
		fl, ok := in.Flag("from")
		if !ok || len(in.Args) < 2 {
			continue
		}
		idx, src := m.sourceState(fl.Value)
		if src == nil {
			continue
		}
		for _, a := range in.Args[:len(in.Args)-1] {
			v := strings.Trim(a.Value, `"'`)
			if hasVar(v) {
				continue
			}
			if k := strings.IndexAny(v, "*?["); k >= 0 {
				v = v[:k]
				if slash := strings.LastIndexByte(v, '/'); slash >= 0 {
					v = v[:slash]
				} else {
					continue
				}
			}
			// --from sources are relative to the source stage's root
			p := path.Clean("/" + v)
			if ok, judged := m.producedFrom(fl.Value, src, p); ok || !judged {
				continue
			}
			r.copies = append(r.copies, relProblem{kind: CopyFromNotProduced, instr: j,
				start: a.Span.Start - in.Span.Start, end: a.Span.End - in.Span.Start,
				msg: fmt.Sprintf("stage %s does not produce %s: no step there copies, creates or builds it (COPY --from would fail with \"not found\")", stageLabel(m.f.Stages[idx]), p)})
		}
	}
}

func stageLabel(st *dockerfile.Stage) string {
	if st.Name != "" {
		return "`" + st.Name + "`"
	}
	return fmt.Sprintf("#%d", st.Index)
}

// checkWritable reports an install that runs as a non-root user in a
// directory root created (WORKDIR or COPY before the USER): it cannot write
// node_modules there.
func (m *model) checkWritable(s *state, instr int, in *dockerfile.Instruction, c ecosystem.Command, cwd string) {
	origin, ok := s.rootDirs.get(cwd)
	if isRoot(s.user) || hasVar(s.user) || !ok {
		return
	}
	if _, known := s.family(); !known {
		return
	}
	// the line goes in when the problem is placed in a version (absolute)
	p := m.problem(NonRootWriteRootDir, instr, in, cmdSpan(in, c),
		fmt.Sprintf("`%s` runs as USER %s in %s, which root created (line ", c.String(), s.user, cwd))
	p.origin = &origin
	p.msgEnd = fmt.Sprintf(") and %s cannot write: create the directory after USER, `COPY --chown=%s`, or chown it first", s.user, s.user)
}

// entry is the final stage's start command.
type entry struct {
	in    *dockerfile.Instruction
	words []string // exec form words, or the first command of a shell form
	shell bool
}

// entry is the start command of stage i.
func (m *model) entry(i int) *entry {
	var cmd, ep *dockerfile.Instruction
	// the nearest stage of the chain that sets either; within it the last wins
	for k := i; k >= 0 && cmd == nil && ep == nil; k = m.parentIdx(k) {
		for _, in := range m.f.Stages[k].Instructions {
			if in.Sub != nil || in.Err != nil {
				continue
			}
			if in.Is("CMD") {
				cmd = in
			}
			if in.Is("ENTRYPOINT") {
				ep = in
			}
		}
	}
	in := ep
	if in == nil {
		in = cmd
	}
	if in == nil || len(in.Args) == 0 {
		return nil
	}
	e := &entry{in: in}
	if in.JSON {
		for _, a := range in.Args {
			e.words = append(e.words, a.Value)
		}
		return e
	}
	e.shell = true
	cmds := ecosystem.SplitCommands(in.ArgsText)
	if len(cmds) > 0 {
		for _, w := range cmds[0].Words {
			e.words = append(e.words, w.Text)
		}
	}
	return e
}

func (m *model) checkStart() []Problem {
	s := m.states[len(m.states)-1]
	fam, known := s.family()
	if !known || s.opaque {
		return nil
	}
	e := m.entry(len(m.states) - 1)
	if e == nil || len(e.words) == 0 {
		return nil
	}
	span := e.in.ArgsSpan
	if span.Len() == 0 {
		span = e.in.KeywordSpan
	}
	var out []Problem
	if e.shell && !m.has(s, fam, "sh") && !m.has(s, fam, "/bin/sh") {
		return []Problem{{Kind: StartProgramMissing, Span: span,
			Message: fmt.Sprintf("%s in shell form runs /bin/sh, which %s does not have: use the exec (JSON) form", e.in.Keyword, fam.Name)}}
	}
	prog := e.words[0]
	if hasVar(prog) || strings.HasSuffix(prog, ".wasm") {
		return nil // a WebAssembly module runs under the wasm runtime, not as a program
	}
	if fam.Entrypoint != "" && e.in.Is("CMD") {
		// the image's ENTRYPOINT (node, python3, java) runs the CMD's first
		// word as its script: judged only as a path the stage made
		return nil
	}
	if !m.has(s, fam, prog) {
		out = append(out, Problem{Kind: StartProgramMissing, Span: span, Message: m.missingMessage(s, fam, prog)})
		return out
	}
	out = append(out, m.checkStartScript(s, fam, e, span)...)
	return out
}

// has reports whether the final stage can run prog.
func (m *model) has(s *state, fam ImageFamily, prog string) bool {
	if strings.Contains(prog, "/") {
		abs := prog
		if !strings.HasPrefix(abs, "/") {
			if s.cwd == "" {
				return true
			}
			abs = path.Join(s.cwd, prog)
		}
		if fam.Has(abs) {
			return true
		}
		if ok, judged := s.produced(abs); ok || !judged {
			if !judged && len(fam.Programs) == 0 && !fam.Distro && !s.opaque {
				// an empty image has nothing under system directories either
				return s.producedAnywhere(abs)
			}
			return true
		}
		return false
	}
	if fam.Has(prog) || s.progs.has(prog) || s.copiedBin || s.customPath() {
		return true
	}
	if strings.Contains(s.mentionsText(), prog) {
		return true
	}
	if fam.Distro && !IsLanguageTool(prog) {
		return true
	}
	return false
}

// producedAnywhere is produced without the system-directory exemption, for
// images that ship no files there.
func (s *state) producedAnywhere(p string) bool {
	for t := s; t != nil; t = t.parent {
		for _, pr := range t.products {
			if pr.path == p || strings.HasPrefix(pr.path, p+"/") || pr.tree && (strings.HasPrefix(p, pr.path+"/") || pr.path == "/") {
				return true
			}
		}
	}
	return false
}

func (s *state) mentionsText() string {
	var b strings.Builder
	for t := s; t != nil; t = t.parent {
		b.WriteString(t.mentions.String())
	}
	return b.String()
}

// customPath reports whether ENV PATH adds directories msls does not follow.
func (s *state) customPath() bool {
	for t := s; t != nil; t = t.parent {
		if t.path == "" {
			continue
		}
		for _, d := range strings.Split(t.path, ":") {
			if d != "$PATH" && d != "${PATH}" && !onStandardPath(d) {
				return true
			}
		}
	}
	return false
}

func (m *model) missingMessage(s *state, fam ImageFamily, prog string) string {
	switch {
	case strings.Contains(prog, "/"):
		return fmt.Sprintf("the start command runs %s, which no step of the final stage copies or creates", prog)
	case prog == "pnpm" || prog == "yarn" && fam.Name != "node":
		return fmt.Sprintf("the start command runs %s, which the %s image does not ship: `RUN corepack enable` first (or start with node)", prog, fam.Name)
	case len(fam.Programs) == 0:
		return fmt.Sprintf("the start command runs %s, which %s does not have (it ships no programs) and no step copies in", prog, fam.Name)
	}
	return fmt.Sprintf("the start command runs %s, which the %s image does not ship and no step installs", prog, fam.Name)
}

// binPackages maps the programs start scripts run to the package that
// provides them, where the names differ.
var binPackages = map[string]string{"nest": "@nestjs/cli", "tsc": "typescript", "pm2-runtime": "pm2", "next": "next",
	"react-scripts": "react-scripts", "vite": "vite", "nodemon": "nodemon", "ts-node": "ts-node", "tsx": "tsx", "serve": "serve"}

// checkStartScript follows `npm start` (and yarn/pnpm) into package.json:
// the program the script runs must be in the runner, and a package's
// program must not have been pruned with the devDependencies.
func (m *model) checkStartScript(s *state, fam ImageFamily, e *entry, span dockerfile.Span) []Problem {
	if m.pkg == nil {
		return nil
	}
	w := e.words
	name := path.Base(w[0])
	if name != "npm" && name != "yarn" && name != "pnpm" {
		return nil
	}
	script := ""
	switch {
	case len(w) > 1 && w[1] == "start":
		script = "start"
	case len(w) > 2 && (w[1] == "run" || w[1] == "run-script"):
		script = w[2]
	case len(w) > 1 && name != "npm":
		script = w[1]
	}
	body, ok := m.pkg.Scripts[script]
	if script == "" || !ok {
		return nil
	}
	for depth := 0; depth < maxScriptDepth; depth++ {
		cmds := ecosystem.SplitCommands(body)
		var prog string
		var args []string
		for _, c := range cmds {
			if c.Name() == "cross-env" || c.Name() == "" {
				continue
			}
			prog, args = c.Name(), c.Args()
			break
		}
		if prog == "npx" && len(args) > 0 {
			prog, args = args[0], args[1:]
		}
		switch prog {
		case "", "node", "sh", "bash":
			if prog == "node" {
				for _, a := range args {
					if strings.HasPrefix(a, "-") {
						continue
					}
					if ok, judged := s.produced(path.Join(s.cwd, a)); !ok && judged {
						return []Problem{{Kind: StartProgramMissing, Span: span,
							Message: fmt.Sprintf("the %q script runs `node %s`, which no step of the final stage copies or builds", script, a)}}
					}
					break
				}
			}
			return nil
		case "npm", "yarn", "pnpm":
			if !m.has(s, fam, prog) {
				return []Problem{{Kind: StartProgramMissing, Span: span,
					Message: fmt.Sprintf("the %q script runs %s, which the %s image does not ship: `RUN corepack enable` in the final stage", script, prog, fam.Name)}}
			}
			if len(args) > 0 {
				next := args[0]
				if (next == "run" || next == "run-script") && len(args) > 1 {
					next = args[1]
				}
				if b, ok := m.pkg.Scripts[next]; ok {
					script, body = next, b
					continue
				}
			}
			return nil
		}
		pkgName := prog
		if p, ok := binPackages[prog]; ok {
			pkgName = p
		}
		_, inDeps := m.pkg.Dependencies[pkgName]
		_, inDev := m.pkg.DevDependencies[pkgName]
		if !inDeps && inDev && s.prodInstall {
			return []Problem{{Kind: StartPackagePruned, Span: span,
				Message: fmt.Sprintf("the %q script runs %s, from the devDependency %s, but the final stage's node_modules was installed without devDependencies", script, prog, pkgName)}}
		}
		return nil
	}
	return nil
}
