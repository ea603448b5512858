package contract

import "strings"

// ImageFamily is what msls knows of the programs an official base image
// ships. It is deliberately small: it answers "is this program on PATH in a
// container of this image" for the programs a start command usually names.
type ImageFamily struct {
	// Name is shown in messages ("node:20-slim", "distroless/static").
	Name string
	// Programs are the programs on PATH.
	Programs []string
	// Distro is set for images with a Linux userland (coreutils or busybox):
	// there, only the well-known language tools (see languageTools) are
	// judged missing, because the userland has many more programs than this
	// table lists. Without a distro (distroless, scratch), every program not
	// listed is missing, a shell included.
	Distro bool
	// Entrypoint is the image's own ENTRYPOINT program, when it has one: a
	// CMD alone then names its first argument (a script), not a program.
	Entrypoint string
}

// Has reports whether the image ships prog on PATH.
func (i ImageFamily) Has(prog string) bool {
	for _, p := range i.Programs {
		if p == prog {
			return true
		}
	}
	return false
}

// languageTools are the programs whose absence from a Linux image the table
// can vouch for: language runtimes, package managers and the dev tools a
// package.json or pyproject start command runs. Anything else on a Linux
// image may be part of its userland and is not judged.
var languageTools = map[string]bool{
	"node": true, "nodejs": true, "npm": true, "npx": true, "yarn": true, "yarnpkg": true, "pnpm": true, "pnpx": true,
	"corepack": true, "bun": true, "deno": true, "tsx": true, "ts-node": true, "ts-node-dev": true, "nodemon": true,
	"pm2": true, "pm2-runtime": true, "next": true, "vite": true, "react-scripts": true, "nest": true, "serve": true,
	"python": true, "python3": true, "pip": true, "pip3": true, "poetry": true, "uv": true, "pipenv": true, "pdm": true,
	"gunicorn": true, "uvicorn": true, "flask": true, "hypercorn": true, "daphne": true, "celery": true,
	"go": true, "gofmt": true, "cargo": true, "rustc": true, "java": true, "dotnet": true, "ruby": true, "bundle": true,
}

// IsLanguageTool reports whether prog is one of the programs the table can
// judge on a Linux image.
func IsLanguageTool(prog string) bool { return languageTools[prog] }

var (
	debianUserland = []string{"sh", "bash", "dash"}
	alpineUserland = []string{"sh", "ash"}
	nodeTools      = []string{"node", "nodejs", "npm", "npx", "corepack", "yarn", "yarnpkg"}
	pythonTools    = []string{"python", "python3", "pip", "pip3", "pydoc", "pydoc3"}
	goTools        = []string{"go", "gofmt"}
)

// Family returns what msls knows of an image reference, and false for images
// it does not know (their contents are then not judged). The table is
// documented in docs/rules/StartProgramMissing.md.
func Family(image string) (ImageFamily, bool) {
	repo, tag := splitRef(image)
	last := repo[strings.LastIndexByte(repo, '/')+1:]
	official := !strings.Contains(repo, "/") || strings.HasPrefix(repo, "library/") ||
		strings.HasPrefix(repo, "docker.io/library/") || strings.HasPrefix(repo, "index.docker.io/library/")
	alpine := strings.Contains(tag, "alpine")
	userland := debianUserland
	if alpine {
		userland = alpineUserland
	}
	join := func(parts ...[]string) []string {
		var out []string
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	switch {
	case repo == "scratch":
		return ImageFamily{Name: "scratch"}, true
	case strings.HasPrefix(repo, "gcr.io/distroless/"):
		rest := strings.TrimPrefix(repo, "gcr.io/distroless/")
		if strings.Contains(tag, "debug") {
			return ImageFamily{}, false // busybox shell: not modelled
		}
		switch {
		case strings.HasPrefix(rest, "static"), strings.HasPrefix(rest, "base"), strings.HasPrefix(rest, "cc"):
			return ImageFamily{Name: "distroless/" + rest}, true
		case strings.HasPrefix(rest, "nodejs"):
			// its ENTRYPOINT is node; /nodejs/bin/node is not on PATH
			return ImageFamily{Name: "distroless/" + rest, Programs: []string{"/nodejs/bin/node"}, Entrypoint: "/nodejs/bin/node"}, true
		case strings.HasPrefix(rest, "python3"):
			return ImageFamily{Name: "distroless/" + rest, Programs: []string{"python3", "python"}, Entrypoint: "python3"}, true
		case strings.HasPrefix(rest, "java"):
			return ImageFamily{Name: "distroless/" + rest, Programs: []string{"java"}, Entrypoint: "java"}, true
		}
		return ImageFamily{}, false
	case !official:
		return ImageFamily{}, false
	}
	switch last {
	case "node":
		return ImageFamily{Name: "node", Programs: join(nodeTools, userland), Distro: true}, true
	case "python":
		return ImageFamily{Name: "python", Programs: join(pythonTools, userland), Distro: true}, true
	case "golang":
		return ImageFamily{Name: "golang", Programs: join(goTools, userland), Distro: true}, true
	case "debian", "ubuntu":
		return ImageFamily{Name: last, Programs: debianUserland, Distro: true}, true
	case "alpine", "busybox":
		return ImageFamily{Name: last, Programs: alpineUserland, Distro: true}, true
	}
	return ImageFamily{}, false
}

func splitRef(image string) (repo, tag string) {
	repo = strings.ToLower(image)
	if i := strings.IndexByte(repo, '@'); i >= 0 {
		repo = repo[:i]
	}
	if i := strings.LastIndexByte(repo, ':'); i >= 0 && !strings.Contains(repo[i:], "/") {
		repo, tag = repo[:i], repo[i+1:]
	}
	return repo, tag
}
