package codeactions

import (
	"strings"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

var sysPkgTools = map[string]bool{"apt-get": true, "apt": true, "apk": true, "yum": true, "dnf": true, "microdnf": true,
	"zypper": true, "apt-key": true, "add-apt-repository": true, "update-ca-certificates": true, "dpkg": true}

var userTools = map[string]bool{"useradd": true, "adduser": true, "groupadd": true, "addgroup": true, "usermod": true}

// prefixCommands change the shell's state for the commands after them: they
// travel with the next command.
var prefixCommands = map[string]bool{"cd": true, "set": true, "export": true, "source": true, ".": true, "umask": true}

var pythonTools = map[string]bool{"pip": true, "poetry": true, "uv": true, "pipenv": true, "setuptools": true,
	"wheel": true, "pip-tools": true, "virtualenv": true, "pdm": true, "hatch": true, "pipx": true}

// cmdRole classifies one shell command of a RUN.
func (a *analysis) cmdRole(c ecosystem.Command) (role, *ecosystem.Install, bool) {
	name := c.Name()
	args := c.Args()
	sub := ""
	if len(args) > 0 {
		sub = args[0]
	}
	if name == "" {
		return roleSetup, nil, true
	}
	if sysPkgTools[name] {
		return roleSysPkg, nil, true
	}
	if name == "rm" && strings.Contains(c.String(), "/var/lib/apt/lists") || strings.Contains(c.String(), "/var/cache/apk") {
		return roleSysPkg, nil, true
	}
	if userTools[name] {
		return roleUserAdd, nil, true
	}
	if ins, ok := ecosystem.Classify(c); ok {
		if ins.Eco == nil || ins.Eco.Language != a.lang {
			return 0, nil, false
		}
		if a.pm != "" && a.pm != ins.Eco.Name && !(a.lang == "python" && ins.Eco.Name == "pip") {
			return 0, nil, false
		}
		if a.pm == "" || a.pm == "pip" {
			a.pm = ins.Eco.Name
		}
		switch ins.Kind {
		case ecosystem.Deps:
			return roleInstall, &ins, true
		case ecosystem.Project:
			return roleProject, &ins, true
		case ecosystem.Build:
			return roleBuild, &ins, true
		case ecosystem.Resolve:
			return roleTool, nil, true // `go mod tidy`: as before the shell model knew it
		}
		return 0, nil, false
	}
	switch a.lang {
	case "node":
		return a.nodeCmdRole(name, sub, args)
	case "go":
		if name == "go" {
			switch sub {
			case "install", "get":
				return roleTool, nil, true
			case "generate", "run", "test", "vet":
				return roleBuild, nil, true
			case "mod", "env", "version":
				return roleTool, nil, true
			}
			return 0, nil, false
		}
	case "python":
		switch name {
		case "pip", "pip3":
			return a.pipExtra(args)
		case "python", "python3":
			if len(args) >= 2 && args[0] == "-m" && (args[1] == "pip" || args[1] == "pip3") {
				return a.pipExtra(args[2:])
			}
			if len(args) >= 1 && (args[0] == "-m" && len(args) > 1 && (args[1] == "venv" || args[1] == "virtualenv")) {
				return 0, nil, false
			}
		case "poetry":
			switch sub {
			case "config", "self", "--version":
				return roleTool, nil, true
			}
			return 0, nil, false
		case "uv":
			if sub == "venv" {
				return 0, nil, false
			}
			return 0, nil, false
		case "virtualenv", "pipenv":
			return 0, nil, false
		case "pdm", "hatch", "pipx", "conda", "mamba", "micromamba", "rye", "pixi":
			// These tools install the dependencies themselves; the split
			// would leave their install (and the tool) in the runner.
			a.refuse("the stage installs its dependencies with %s (line %d), which the split does not handle: it installs with pip, Poetry or uv into a virtualenv it copies to the runner", name, a.lineOf(a.cur))
			return 0, nil, false
		}
	}
	return roleSetup, nil, true
}

func (a *analysis) pipExtra(args []string) (role, *ecosystem.Install, bool) {
	if len(args) == 0 || args[0] != "install" {
		return roleSetup, nil, true
	}
	tool := true
	extra := false
	for _, w := range args[1:] {
		switch {
		case w == "--user" || w == "--target" || w == "-t" || w == "--prefix" || w == "--root" || w == "--system":
			return 0, nil, false
		case strings.HasPrefix(w, "-"):
			continue
		}
		n := strings.ToLower(w)
		if i := strings.IndexAny(n, "=<>~![;"); i >= 0 {
			n = n[:i]
		}
		if !pythonTools[n] {
			tool = false
		}
		extra = true
	}
	if !extra || tool {
		return roleTool, nil, true
	}
	if a.pm == "" {
		a.pm = "pip"
	}
	// Extra runtime packages go into the virtualenv with the rest.
	return roleInstall, nil, true
}

func (a *analysis) nodeCmdRole(name, sub string, args []string) (role, *ecosystem.Install, bool) {
	global := false
	for _, w := range args {
		if w == "-g" || w == "--global" || w == "--location=global" {
			global = true
		}
	}
	switch name {
	case "corepack":
		return roleTool, nil, true
	case "npx", "tsc", "next", "vite", "webpack", "nest", "ng", "react-scripts", "tsup", "esbuild", "rollup", "babel", "gulp", "grunt":
		return roleBuild, nil, true
	case "npm", "yarn", "pnpm":
		switch {
		case global || sub == "global" || sub == "config" || sub == "set":
			return roleTool, nil, true
		case sub == "prune" || sub == "cache" || sub == "store" || sub == "audit" || sub == "dedupe":
			return roleDrop, nil, true
		case sub == "install" || sub == "i" || sub == "add" || sub == "ci" || sub == "rebuild" || sub == "link" || sub == "uninstall" || sub == "remove":
			return 0, nil, false
		case sub == "start" || sub == "run" && len(args) > 1 && args[1] == "start":
			return 0, nil, false
		case sub == "" || strings.HasPrefix(sub, "-"):
			return roleTool, nil, true
		}
		return roleBuild, nil, true
	}
	return roleSetup, nil, true
}

// classifyRun splits a RUN into pieces by where their commands go. A RUN
// whose commands all share a role stays as written.
func (a *analysis) classifyRun(in *dockerfile.Instruction) bool {
	if ecosystem.RunScript(in).Unknown {
		return false // a script the shell parser rejects: nothing to reason about
	}
	if in.JSON {
		words := make([]ecosystem.Word, len(in.Args))
		for i, w := range in.Args {
			words[i] = ecosystem.Word{Text: w.Value}
		}
		if len(words) > 0 && (words[0].Text == "sh" || words[0].Text == "/bin/sh" || words[0].Text == "bash" || words[0].Text == "/bin/bash") {
			return a.classifyScript(in, ecosystem.RunCommands(in), false)
		}
		return a.classifyScript(in, []ecosystem.Command{{Words: words}}, false)
	}
	if len(in.Heredocs) > 0 {
		return a.classifyScript(in, ecosystem.RunCommands(in), false)
	}
	return a.classifyScript(in, ecosystem.SplitCommands(in.ArgsText), true)
}

type runGroup struct {
	role       role
	install    *ecosystem.Install
	start, end int // offsets in ArgsText
	cmds       []ecosystem.Command
	cd         bool
}

func (a *analysis) classifyScript(in *dockerfile.Instruction, cmds []ecosystem.Command, splittable bool) bool {
	if len(cmds) == 0 {
		a.add(in, roleSetup)
		return true
	}
	var groups []*runGroup
	pending := -1 // start of prefix commands waiting for the next command
	cd := false
	for _, c := range cmds {
		if prefixCommands[c.Name()] {
			if pending < 0 {
				pending = c.Start
			}
			cd = cd || c.Name() == "cd"
			continue
		}
		r, ins, ok := a.cmdRole(c)
		if !ok {
			return false
		}
		start := c.Start
		if pending >= 0 {
			start = pending
		}
		if n := len(groups); n > 0 && groups[n-1].role == r && !(r == roleInstall && cd) {
			g := groups[n-1]
			g.end = c.End
			g.cmds = append(g.cmds, c)
			g.cd = g.cd || cd
			if g.install == nil {
				g.install = ins
			}
		} else {
			groups = append(groups, &runGroup{role: r, install: ins, start: start, end: c.End, cmds: []ecosystem.Command{c}, cd: cd})
		}
		pending, cd = -1, false
	}
	if len(groups) == 0 {
		a.add(in, roleSetup)
		return true
	}
	for _, g := range groups {
		// An install in another directory is a monorepo layout the split
		// does not model.
		if (g.role == roleInstall || g.role == roleProject) && g.cd {
			return false
		}
	}
	if len(groups) == 1 {
		it := a.add(in, groups[0].role)
		it.install, it.cmds = groups[0].install, groups[0].cmds
		return true
	}
	if !splittable || strings.Contains(in.ArgsText, " -c ") {
		return false
	}
	text := in.ArgsText
	var flags []string
	for _, fl := range in.Flags {
		flags = append(flags, a.f.Slice(fl.Span))
	}
	for i, g := range groups {
		if i > 0 {
			sep := strings.TrimSpace(text[groups[i-1].end:g.start])
			if sep != "&&" && sep != ";" {
				return false
			}
		}
		if strings.Count(text[g.start:g.end], "'")%2 != 0 || strings.Count(text[g.start:g.end], `"`)%2 != 0 {
			return false
		}
		it := a.add(in, g.role)
		if i > 0 {
			it.comments = nil
		}
		it.install, it.cmds = g.install, g.cmds
		it.text = "RUN " + strings.Join(append(flags, strings.TrimSpace(text[g.start:g.end])), " ")
	}
	return true
}
