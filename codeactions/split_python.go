package codeactions

import (
	"path"
	"regexp"
	"strings"
)

const venv = "/opt/venv"

// includeRe finds the files a requirements file includes.
var includeRe = regexp.MustCompile(`(?m)^\s*(?:-r|-c|--requirement|--constraint)[ =]\s*(\S+)`)

// maxRequirementFiles bounds the requirement files the split copies (the
// include walk stops there and the split is refused).
const maxRequirementFiles = 256

func (a *analysis) splitPython() (string, bool) {
	l := a.landmarks()
	if l.inst < 0 {
		return "", a.refuse("no dependency install (pip install -r, poetry install, uv sync) found in the stage")
	}
	if a.ctx != nil {
		if exists(a.ctx, "Pipfile.lock") || exists(a.ctx, "Pipfile") && a.pm == "pipenv" {
			return "", a.refuse("Pipenv projects (Pipfile) are not split")
		}
	}
	if a.pm == "pipenv" {
		return "", a.refuse("Pipenv projects are not split")
	}
	if a.pm == "" {
		return "", a.refuse("no pip, poetry or uv install found in the stage")
	}
	uvSync := false
	for _, it := range a.items {
		if it.role != roleInstall && it.role != roleProject {
			continue
		}
		for _, c := range it.cmds {
			if c.Name() == "uv" && len(c.Args()) > 0 && c.Args()[0] == "sync" {
				uvSync = true
			}
		}
	}
	if a.pm == "uv" && !uvSync {
		a.pm = "pip" // `uv pip install` behaves like pip inside the virtualenv
	}
	full, slim := pythonImages(a.image)
	if a.runtimeNeedsFullImage() {
		slim = a.image
	}
	hasProject := false
	for _, it := range a.items {
		if it.role == roleProject {
			hasProject = true
		}
		if it.role == roleBuild {
			return "", false
		}
	}
	// Every pip install must run inside the virtualenv: it may not sit in a
	// RUN with commands that go elsewhere, which classifyRun ensured.
	var manifestFiles []string
	extraFlags := func(keep map[string]bool, words []string) string {
		var out []string
		for i := 0; i < len(words); i++ {
			w := words[i]
			switch {
			case keep[w]:
				out = append(out, w)
			case (w == "-E" || w == "--extras" || w == "--extra") && i+1 < len(words):
				out = append(out, w, words[i+1])
				i++
			case strings.HasPrefix(w, "--extras=") || strings.HasPrefix(w, "--extra="):
				out = append(out, w)
			}
		}
		if len(out) == 0 {
			return ""
		}
		return " " + strings.Join(out, " ")
	}
	var depsRuns, projectRuns []string
	runFlags := func(it *item) string {
		s := ""
		for _, fl := range it.inst.Flags {
			s += a.f.Slice(fl.Span) + " "
		}
		return s
	}
	switch a.pm {
	case "pip":
		seen := map[string]bool{}
		for _, it := range a.items {
			switch it.role {
			case roleInstall:
				depsRuns = append(depsRuns, withItemComments(it))
				if it.install != nil {
					for _, fl := range it.install.Files {
						if !strings.HasPrefix(fl, "/") && !seen[fl] {
							seen[fl] = true
							manifestFiles = append(manifestFiles, fl)
						}
					}
				}
			case roleProject:
				projectRuns = append(projectRuns, withItemComments(it))
			}
		}
		// Requirement files may include others (-r base.txt). Each real
		// file is read once, by identity rather than by name: with links
		// such as a -> . and b -> ., names grow without end
		// (a/b/a/requirements.txt...) and the walk would be exponential.
		read := map[any]bool{}
		for i := 0; i < len(manifestFiles); i++ {
			if len(manifestFiles) > maxRequirementFiles {
				return "", a.refuse("the requirement files include more than %d files", maxRequirementFiles)
			}
			if id := fileID(a.ctx, manifestFiles[i]); read[id] {
				continue
			} else {
				read[id] = true
			}
			body := readFile(a.ctx, manifestFiles[i])
			for _, m := range includeRe.FindAllStringSubmatch(string(body), -1) {
				inc := path.Join(path.Dir(manifestFiles[i]), m[1])
				if !seen[inc] {
					seen[inc] = true
					manifestFiles = append(manifestFiles, inc)
				}
			}
		}
		if a.ctx != nil {
			for _, fl := range manifestFiles {
				if !exists(a.ctx, fl) {
					return "", false
				}
			}
		}
	case "poetry":
		manifestFiles = []string{"pyproject.toml", "poetry.lock*"}
		if a.ctx != nil {
			if !exists(a.ctx, "pyproject.toml") {
				return "", false
			}
			manifestFiles = []string{"pyproject.toml"}
			if exists(a.ctx, "poetry.lock") {
				manifestFiles = append(manifestFiles, "poetry.lock")
			}
		}
		for _, it := range a.items {
			if it.role != roleInstall && it.role != roleProject {
				continue
			}
			if it.install == nil || it.install.Eco.Name != "poetry" {
				return "", false
			}
			ex := extraFlags(map[string]bool{"--all-extras": true, "--no-ansi": true}, it.install.Cmd.Args())
			if len(depsRuns) == 0 {
				depsRuns = append(depsRuns, "RUN "+runFlags(it)+"poetry install --only main --no-root --no-interaction"+ex)
			}
			if it.role == roleProject && len(projectRuns) == 0 {
				projectRuns = append(projectRuns, "RUN "+runFlags(it)+"poetry install --only main --no-interaction"+ex)
			}
		}
	case "uv":
		manifestFiles = []string{"pyproject.toml", "uv.lock*"}
		locked := ""
		if a.ctx != nil {
			if !exists(a.ctx, "pyproject.toml") {
				return "", false
			}
			manifestFiles = []string{"pyproject.toml"}
			if exists(a.ctx, "uv.lock") {
				manifestFiles = append(manifestFiles, "uv.lock")
				locked = " --locked"
			}
			if exists(a.ctx, ".python-version") {
				manifestFiles = append(manifestFiles, ".python-version")
			}
		}
		for _, it := range a.items {
			if it.role != roleInstall && it.role != roleProject {
				continue
			}
			if it.install == nil || it.install.Eco.Name != "uv" {
				return "", false
			}
			args := it.install.Cmd.Args()
			lk := locked
			for _, w := range args {
				if w == "--frozen" || w == "--locked" {
					lk = " " + w
				}
			}
			ex := extraFlags(map[string]bool{"--all-extras": true, "--no-editable": true}, args)
			if len(depsRuns) == 0 {
				depsRuns = append(depsRuns, "RUN "+runFlags(it)+"uv sync"+lk+" --no-install-project --no-dev"+ex)
			}
			if it.role == roleProject && len(projectRuns) == 0 {
				projectRuns = append(projectRuns, "RUN "+runFlags(it)+"uv sync"+lk+" --no-dev"+ex)
			}
		}
	default:
		return "", false
	}
	if len(depsRuns) == 0 {
		return "", false
	}
	for _, it := range a.items {
		// The original manages its own virtualenv or installs elsewhere.
		if isEnv(it, "VIRTUAL_ENV") || isEnv(it, "PIP_TARGET") || isEnv(it, "PYTHONUSERBASE") || isEnv(it, "UV_PROJECT_ENVIRONMENT") {
			return "", a.refuse("line %d chooses where packages are installed (%s); the split installs into its own virtualenv", a.lineOf(it.inst), quoted(a.f, it.inst))
		}
	}
	cmdText := a.entryText()
	runsTool := func(it *item) bool {
		if it.role != roleTool {
			return true
		}
		for _, c := range it.cmds {
			for _, w := range c.Args() {
				if !strings.HasPrefix(w, "-") && w != "install" && strings.Contains(cmdText, strings.ToLower(strings.Split(w, "=")[0])) &&
					!pythonTools[strings.ToLower(w)] {
					return true
				}
			}
		}
		return false
	}

	deps := &stageText{}
	a.header(deps, a.stageFrom(full.String(), "deps"), nil)
	a.preInstall(deps, l, nil)
	if a.pm == "uv" {
		deps.add("ENV UV_PROJECT_ENVIRONMENT=" + venv + " UV_PYTHON_DOWNLOADS=0")
	} else {
		deps.add("RUN python -m venv " + venv)
	}
	deps.add("ENV VIRTUAL_ENV=" + venv + ` PATH="` + venv + `/bin:$PATH"`)
	deps.add(manifestCopy(manifestFiles))
	for _, r := range depsRuns {
		deps.add(r)
	}

	var builder *stageText
	from := "deps"
	if hasProject {
		from = "builder"
		builder = &stageText{}
		builder.add(a.stageFrom("deps", "builder"))
		for _, it := range a.items {
			if it.role == roleContextCopy || it.role == roleSourceCopy {
				builder.item(it)
			}
		}
		for _, r := range projectRuns {
			builder.add(r)
		}
	}

	runner := &stageText{}
	a.header(runner, a.stageFrom(slim.String(), "runner"), a.fromComments())
	for _, c := range a.freeComment {
		runner.add(c)
	}
	placed := false
	for _, it := range a.items {
		switch it.role {
		case roleArg, roleWorkdir, roleUser, roleManifestCopy, roleDrop:
			continue
		case roleInstall, roleProject:
			if !placed {
				runner.add("COPY --from=" + from + " " + venv + " " + venv)
				runner.add("ENV VIRTUAL_ENV=" + venv + ` PATH="` + venv + `/bin:$PATH"`)
				placed = true
			}
			continue
		case roleTool:
			if !runsTool(it) {
				continue
			}
		}
		runner.item(it)
	}
	if u := a.finalUser(); u != nil {
		runner.user(withItemComments(u))
	} else {
		for _, it := range a.items {
			if it.role == roleUserAdd {
				return "", false
			}
		}
		if strings.Contains(slim.Tag, "alpine") {
			runner.user("RUN addgroup -S -g 10001 app && adduser -S -D -u 10001 -G app app\nUSER app")
		} else {
			runner.user("RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --create-home app\nUSER app")
		}
	}
	if !a.rewriteRunners(runner) {
		return "", false
	}
	return joinStages(deps, builder, runner), true
}

func manifestCopy(files []string) string {
	var root []string
	var lines []string
	for _, f := range files {
		f = strings.TrimPrefix(f, "./")
		if strings.Contains(f, "/") {
			lines = append(lines, "COPY "+f+" "+f)
		} else {
			root = append(root, f)
		}
	}
	if len(root) > 0 {
		lines = append([]string{"COPY " + strings.Join(root, " ") + " ./"}, lines...)
	}
	return strings.Join(lines, "\n")
}

var runPrefixRE = regexp.MustCompile(`^(poetry run|uv run(\s+--\S+)*|pipenv run)\s+`)

// rewriteRunners drops `poetry run` / `uv run` from the start commands: the
// virtualenv is on PATH and the tools are not in the runner.
func (a *analysis) rewriteRunners(s *stageText) bool {
	for i, l := range s.lines {
		kw := strings.ToUpper(firstWord(lastLine(l)))
		if kw != "CMD" && kw != "ENTRYPOINT" {
			continue
		}
		body := strings.TrimSpace(strings.TrimPrefix(lastLine(l), firstWord(lastLine(l))))
		if strings.HasPrefix(body, "[") {
			for _, p := range [][2]string{{`"poetry", "run", `, ""}, {`"poetry","run",`, ""}, {`"uv", "run", `, ""}, {`"uv","run",`, ""}, {`"pipenv", "run", `, ""}} {
				body = strings.Replace(body, p[0], p[1], 1)
			}
			if strings.Contains(body, `"poetry"`) || strings.Contains(body, `"uv"`) || strings.Contains(body, `"pipenv"`) {
				return false
			}
		} else {
			body = runPrefixRE.ReplaceAllString(body, "")
			if regexp.MustCompile(`\b(poetry|uv|pipenv)\b`).MatchString(body) {
				return false
			}
		}
		if strings.Contains(l, "\\\n") {
			if strings.Contains(l, "poetry") || strings.Contains(l, "uv run") || strings.Contains(l, "pipenv") {
				return false
			}
			continue
		}
		pre := l[:strings.Index(l, lastLine(l))]
		s.lines[i] = pre + kw + " " + body
	}
	return true
}
