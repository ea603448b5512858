package ecosystem

import "strings"

// Kind says what an install command does with the project's files.
type Kind int

const (
	// Deps resolves and downloads dependencies from the manifests only
	// (`npm ci`, `pip install -r requirements.txt`, `go mod download`).
	Deps Kind = iota
	// Project installs the project itself along with its dependencies
	// (`pip install .`, `poetry install` without --no-root, `uv sync`
	// without --no-install-project): it needs the sources by design.
	Project
	// Build compiles the project and resolves dependencies on the way
	// (`go build`, `cargo build`, `mvn package`, `dotnet publish`); it only
	// busts the dependency cache when no Deps step of the ecosystem ran first.
	Build
	// Planner reads the whole tree to plan a dependency build
	// (`cargo chef prepare`).
	Planner
	// Resolve downloads the dependencies but reads the sources to find them
	// (`go mod tidy`): it re-downloads whenever a source changes, and cannot
	// itself move before the source copy (the ecosystem's DepsCommand can).
	Resolve
)

func (k Kind) String() string {
	switch k {
	case Deps:
		return "deps"
	case Project:
		return "project"
	case Build:
		return "build"
	case Planner:
		return "planner"
	case Resolve:
		return "resolve"
	}
	return "unknown"
}

// Install is a command recognised as a dependency install (or a step that
// resolves dependencies).
type Install struct {
	Eco  *Ecosystem
	Kind Kind
	Cmd  Command
	// Files are manifests the command names explicitly, as written
	// (`pip install -r requirements/prod.txt`, `cargo chef cook --recipe-path r.json`).
	Files []string
}

// Manifests are the files the install reads: the ones it names, else the
// ecosystem's required manifests.
func (in Install) Manifests() []string {
	if len(in.Files) > 0 {
		return in.Files
	}
	return in.Eco.Required()
}

// FindInstalls splits a script and returns its installs in order.
func FindInstalls(script string) []Install {
	var out []Install
	for _, c := range SplitCommands(script) {
		if in, ok := Classify(c); ok {
			out = append(out, in)
		}
	}
	return out
}

// Classify recognises one command as an install. Commands that only run
// scripts (`npm run build`), install tools (`npm install -g pnpm`,
// `pip install poetry`, `go install x@v1`) or do nothing with the project's
// dependencies are not installs.
func Classify(c Command) (Install, bool) {
	name := c.Name()
	args := c.Args()
	mk := func(eco string, k Kind, files ...string) (Install, bool) {
		return Install{Eco: ByName(eco), Kind: k, Cmd: c, Files: files}, true
	}
	switch name {
	case "npm":
		sub, rest := subcommand(args, npmValueFlags)
		switch sub {
		case "ci", "clean-install", "install-clean", "isntall-clean":
			return mk("npm", Deps)
		case "install", "i", "add", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal", "isntall":
			if hasFlag(rest, "-g", "--global", "--location=global") || len(positionals(rest, npmValueFlags)) > 0 {
				return Install{}, false
			}
			return mk("npm", Deps)
		}
	case "yarn":
		sub, rest := subcommand(args, nil)
		switch sub {
		case "", "install":
			if sub == "" && len(args) > 0 && !strings.HasPrefix(args[0], "-") {
				return Install{}, false
			}
			return mk("yarn", Deps)
		case "workspaces":
			if len(rest) > 0 && rest[0] == "focus" {
				return mk("yarn", Deps)
			}
		}
	case "pnpm":
		sub, rest := subcommand(args, nil)
		switch sub {
		case "install", "i":
			if hasFlag(rest, "-g", "--global") || len(positionals(rest, nil)) > 0 {
				return Install{}, false
			}
			if hasFlag(rest, "--offline") {
				return Install{}, false // after `pnpm fetch`: the store is already filled
			}
			return mk("pnpm", Deps)
		case "fetch":
			return mk("pnpm", Deps, "pnpm-lock.yaml")
		}
	case "bun":
		sub, rest := subcommand(args, nil)
		if (sub == "install" || sub == "i") && !hasFlag(rest, "-g", "--global") && len(positionals(rest, nil)) == 0 {
			return mk("bun", Deps)
		}
	case "pip", "pip3", "pip2":
		return classifyPip(c, args, "pip")
	case "python", "python3", "python2":
		if len(args) >= 2 && args[0] == "-m" && (args[1] == "pip" || args[1] == "pip3") {
			return classifyPip(c, args[2:], "pip")
		}
		if len(args) >= 2 && args[0] == "-m" && args[1] == "poetry" {
			return classifyPoetry(c, args[2:])
		}
	case "uv":
		sub, rest := subcommand(args, nil)
		switch sub {
		case "sync":
			if hasFlag(rest, "--no-install-project", "--no-install-workspace", "--only-deps") {
				return mk("uv", Deps)
			}
			return mk("uv", Project)
		case "pip":
			if len(rest) > 0 && rest[0] == "sync" {
				files := positionals(rest[1:], pipValueFlags)
				return mk("uv", Deps, files...)
			}
			if len(rest) > 0 && rest[0] == "install" {
				in, ok := classifyPip(c, rest, "uv")
				return in, ok
			}
		}
	case "poetry":
		return classifyPoetry(c, args)
	case "pipenv":
		sub, rest := subcommand(args, nil)
		if (sub == "install" && len(positionals(rest, nil)) == 0) || sub == "sync" {
			return mk("pipenv", Deps)
		}
	case "go":
		sub, rest := subcommand(args, nil)
		switch sub {
		case "mod":
			if len(rest) > 0 && (rest[0] == "download" || rest[0] == "vendor") {
				return mk("go", Deps)
			}
			if len(rest) > 0 && rest[0] == "tidy" {
				return mk("go", Resolve)
			}
		case "build", "test", "vet":
			return mk("go", Build)
		case "install":
			for _, p := range positionals(rest, nil) {
				if strings.Contains(p, "@") {
					return Install{}, false // a tool at a version, outside any module
				}
			}
			return mk("go", Build)
		}
	case "cargo":
		sub, rest := subcommand(args, nil)
		switch sub {
		case "fetch":
			return mk("cargo", Deps)
		case "build", "b", "test", "t":
			return mk("cargo", Build)
		case "install":
			if hasFlagPrefix(rest, "--path") {
				return mk("cargo", Build)
			}
			if len(positionals(rest, cargoValueFlags)) > 0 || hasFlagPrefix(rest, "--git") {
				return Install{}, false
			}
			return mk("cargo", Build)
		case "chef":
			if len(rest) > 0 {
				switch rest[0] {
				case "prepare":
					return mk("cargo", Planner)
				case "cook":
					recipe := "recipe.json"
					if v, ok := flagValue(rest[1:], "--recipe-path"); ok {
						recipe = v
					}
					return mk("cargo", Deps, recipe)
				}
			}
		}
	case "bundle", "bundler":
		sub, _ := subcommand(args, nil)
		if sub == "install" || sub == "" && len(args) == 0 {
			return mk("bundler", Deps)
		}
	case "composer", "composer.phar":
		sub, _ := subcommand(args, nil)
		if sub == "install" || sub == "i" {
			return mk("composer", Deps)
		}
	case "mvn", "mvnw", "./mvnw":
		goals := positionals(args, mvnValueFlags)
		if len(goals) == 0 {
			return Install{}, false
		}
		onlyDeps := true
		for _, g := range goals {
			if !strings.HasPrefix(g, "dependency:") && !strings.HasPrefix(g, "-") {
				onlyDeps = false
			}
		}
		if onlyDeps {
			return mk("maven", Deps)
		}
		if len(goals) == 1 && (goals[0] == "clean" || goals[0] == "--version" || goals[0] == "-v") {
			return Install{}, false
		}
		return mk("maven", Build)
	case "gradle", "gradlew", "./gradlew":
		tasks := positionals(args, gradleValueFlags)
		if len(tasks) == 0 {
			return Install{}, false
		}
		onlyDeps := true
		for _, t := range tasks {
			if t != "dependencies" && t != "resolveDependencies" && t != "downloadDependencies" && !strings.HasPrefix(t, "dependencies") {
				onlyDeps = false
			}
		}
		if onlyDeps {
			return mk("gradle", Deps)
		}
		if len(tasks) == 1 && (tasks[0] == "clean" || tasks[0] == "--version") {
			return Install{}, false
		}
		return mk("gradle", Build)
	case "dotnet":
		sub, rest := subcommand(args, nil)
		switch sub {
		case "restore":
			return mk("dotnet", Deps)
		case "build", "publish", "test", "pack":
			if hasFlag(rest, "--no-restore") {
				return Install{}, false
			}
			return mk("dotnet", Build)
		}
	}
	return Install{}, false
}

func classifyPip(c Command, args []string, eco string) (Install, bool) {
	sub, rest := subcommand(args, pipGlobalValueFlags)
	if sub != "install" {
		return Install{}, false
	}
	var files []string
	project := false
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		switch {
		case a == "-r" || a == "--requirement" || a == "-c" || a == "--constraint":
			if i+1 < len(rest) {
				if a == "-r" || a == "--requirement" {
					files = append(files, rest[i+1])
				}
				i++
			}
		case strings.HasPrefix(a, "--requirement="):
			files = append(files, strings.TrimPrefix(a, "--requirement="))
		case strings.HasPrefix(a, "-r") && len(a) > 2 && !strings.HasPrefix(a, "--"):
			files = append(files, a[2:])
		case a == "-e" || a == "--editable":
			if i+1 < len(rest) && isLocalPath(rest[i+1]) {
				project = true
			}
			i++
		case strings.HasPrefix(a, "-"):
			if pipValueFlags[a] {
				i++
			}
		default:
			if isLocalPath(a) {
				project = true
			}
		}
	}
	switch {
	case project:
		return Install{Eco: ByName(eco), Kind: Project, Cmd: c, Files: files}, true
	case len(files) > 0:
		return Install{Eco: ByName(eco), Kind: Deps, Cmd: c, Files: files}, true
	}
	return Install{}, false
}

// isLocalPath reports whether a pip argument names a local project directory
// (`.`, `./`, `.[dev]`, `/app`, `./pkg`) rather than a package or a file.
func isLocalPath(a string) bool {
	if i := strings.IndexByte(a, '['); i > 0 {
		a = a[:i]
	}
	if a == "." || a == "./" || a == ".." {
		return true
	}
	if strings.HasPrefix(a, "./") || strings.HasPrefix(a, "/") {
		base := a[strings.LastIndexByte(strings.TrimSuffix(a, "/"), '/')+1:]
		return !strings.HasSuffix(base, ".whl") && !strings.HasSuffix(base, ".tar.gz") && !strings.HasSuffix(base, ".zip") && !strings.HasSuffix(base, ".txt")
	}
	return false
}

func classifyPoetry(c Command, args []string) (Install, bool) {
	sub, rest := subcommand(args, nil)
	switch sub {
	case "install":
		if hasFlag(rest, "--no-root") {
			return Install{Eco: ByName("poetry"), Kind: Deps, Cmd: c}, true
		}
		return Install{Eco: ByName("poetry"), Kind: Project, Cmd: c}, true
	case "sync":
		if hasFlag(rest, "--no-root") {
			return Install{Eco: ByName("poetry"), Kind: Deps, Cmd: c}, true
		}
		return Install{Eco: ByName("poetry"), Kind: Project, Cmd: c}, true
	}
	return Install{}, false
}

var (
	npmValueFlags       = map[string]bool{"--prefix": true, "-C": true, "--registry": true, "--cache": true, "--userconfig": true, "-w": true, "--workspace": true, "--loglevel": true, "--omit": true, "--include": true, "--only": true}
	pipValueFlags       = map[string]bool{"-i": true, "--index-url": true, "--extra-index-url": true, "-f": true, "--find-links": true, "-t": true, "--target": true, "--prefix": true, "--root": true, "--trusted-host": true, "--cache-dir": true, "--python": true, "-p": true, "--platform": true, "--python-version": true, "--implementation": true, "--abi": true, "--only-binary": true, "--no-binary": true, "--src": true, "--progress-bar": true, "--timeout": true, "--retries": true, "--proxy": true, "--log": true, "--upgrade-strategy": true}
	pipGlobalValueFlags = map[string]bool{"--cache-dir": true, "--proxy": true, "--timeout": true, "--log": true, "--retries": true, "--python": true}
	cargoValueFlags     = map[string]bool{"--root": true, "--version": true, "--vers": true, "--features": true, "-F": true, "--target": true, "-j": true, "--jobs": true, "--profile": true, "--target-dir": true, "--bin": true, "--branch": true, "--tag": true, "--rev": true, "--index": true, "--registry": true}
	mvnValueFlags       = map[string]bool{"-f": true, "--file": true, "-s": true, "--settings": true, "-P": true, "-pl": true, "--projects": true, "-T": true, "-gs": true, "-t": true, "-rf": true, "-l": true, "--log-file": true, "-D": true}
	gradleValueFlags    = map[string]bool{"-p": true, "--project-dir": true, "-x": true, "--exclude-task": true, "-b": true, "--build-file": true, "-c": true, "-g": true, "--gradle-user-home": true, "-D": true, "-P": true, "-I": true, "--init-script": true, "--max-workers": true}
)

// subcommand returns the first positional argument (skipping options and
// their values) and the arguments after it.
func subcommand(args []string, valueFlags map[string]bool) (string, []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			if valueFlags[a] {
				i++
			}
			continue
		}
		return a, args[i+1:]
	}
	return "", nil
}

// positionals are the non-option arguments (option values skipped).
func positionals(args []string, valueFlags map[string]bool) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			if valueFlags[a] {
				i++
			}
			continue
		}
		if a == "" || a == "\\" {
			continue
		}
		out = append(out, a)
	}
	return out
}

func hasFlag(args []string, flags ...string) bool {
	for _, a := range args {
		for _, f := range flags {
			if a == f || strings.HasPrefix(a, f+"=") {
				return true
			}
		}
	}
	return false
}

func hasFlagPrefix(args []string, prefix string) bool {
	for _, a := range args {
		if a == prefix || strings.HasPrefix(a, prefix+"=") {
			return true
		}
	}
	return false
}

func flagValue(args []string, name string) (string, bool) {
	for i, a := range args {
		if a == name && i+1 < len(args) {
			return args[i+1], true
		}
		if strings.HasPrefix(a, name+"=") {
			return a[len(name)+1:], true
		}
	}
	return "", false
}
