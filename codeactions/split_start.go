package codeactions

import (
	"encoding/json"
	"path"
	"regexp"
	"strings"

	"github.com/msls-dev/msls/internal/ecosystem"
)

// resolveStart follows the start command through package.json scripts
// (`npm start`, `yarn start`, `pnpm run serve`...) to the command that
// finally runs. script is the last script name followed ("" when the start
// command runs a program directly); simple is false when a script chains
// several commands or uses shell operators, so its body cannot stand in for
// the start command.
func (a *analysis) resolveStart(pkg *packageJSON) (words []string, script string, simple bool) {
	cmd, ep := a.entrypoint()
	it := ep
	if it == nil {
		it = cmd
	}
	if it == nil {
		return nil, "", false
	}
	words = argWords(it)
	simple = it.inst.JSON && ep == nil
	for depth := 0; depth < 4 && len(words) > 0; depth++ {
		name := path.Base(words[0])
		if name != "npm" && name != "yarn" && name != "pnpm" || pkg == nil {
			return words, script, simple
		}
		s := ""
		switch {
		case len(words) > 1 && words[1] == "start":
			s = "start"
		case len(words) > 2 && (words[1] == "run" || words[1] == "run-script"):
			s = words[2]
		case len(words) > 1 && name != "npm":
			s = words[1]
		}
		body, ok := pkg.Scripts[s]
		if s == "" || !ok {
			return words, script, simple
		}
		if len(words) > 3 || strings.ContainsAny(body, "&|;><$`") {
			simple = false
		}
		cmds := ecosystem.SplitCommands(body)
		if len(cmds) != 1 {
			simple = false
			if len(cmds) == 0 {
				return nil, s, false
			}
		}
		script = s
		words = wordsOf(cmds[0])
		if len(words) > 0 && words[0] == "npx" {
			words = words[1:]
		}
	}
	return words, script, simple
}

// devServer names the development server a start command runs, "" when it
// is not one. A split runner has no devDependencies and no sources to
// watch, so these are refused rather than broken.
func devServer(words []string) string {
	if len(words) == 0 {
		return ""
	}
	name := path.Base(words[0])
	sub := ""
	if len(words) > 1 {
		sub = words[1]
	}
	switch name {
	case "react-scripts", "craco", "react-app-rewired":
		if sub == "start" {
			return name + " start"
		}
	case "vite":
		if sub != "build" && sub != "preview" && sub != "optimize" {
			return "vite"
		}
	case "next", "nuxt", "nuxi", "astro", "remix":
		if sub == "dev" || sub == "" {
			return name + " dev"
		}
	case "nodemon", "ts-node-dev", "tsnd", "webpack-dev-server", "parcel", "live-server", "browser-sync":
		if name == "parcel" && sub == "build" {
			return ""
		}
		return name
	case "webpack":
		if sub == "serve" {
			return "webpack serve"
		}
	case "ng":
		if sub == "serve" {
			return "ng serve"
		}
	case "gatsby":
		if sub == "develop" {
			return "gatsby develop"
		}
	case "vue-cli-service":
		if sub == "serve" {
			return "vue-cli-service serve"
		}
	case "tsx", "node":
		for _, w := range words[1:] {
			if w == "watch" || w == "--watch" {
				return name + " --watch"
			}
		}
	}
	return ""
}

var typeImportRE = regexp.MustCompile(`(?m)^\s*(?:import|export)\s+type\b[^;\n]*(?:;|$)`)

var requireRE = regexp.MustCompile(`(?:require\(\s*|import\s*\(\s*|from\s+|import\s+)["']([^"'\s]+)["']`)

// maxScanFiles bounds how many of the app's own modules the dependency scan
// reads (the entry file and the relative modules it requires).
const maxScanFiles = 64

// devOnlyImports lists the packages the app's runtime code requires that
// package.json has only in devDependencies: a runner installed without
// devDependencies would lack them. It reads the entry file and follows
// relative requires through the build context. known is false when the
// entry cannot be read.
func (a *analysis) devOnlyImports(pkg *packageJSON, entry string) (pkgs []string, known bool) {
	if a.ctx == nil || pkg == nil || len(pkg.DevDependencies) == 0 {
		return nil, a.ctx != nil
	}
	seen := map[string]bool{}
	found := map[string]bool{}
	queue := []string{path.Clean(entry)}
	known = true
	for len(queue) > 0 && len(seen) < maxScanFiles {
		f := queue[0]
		queue = queue[1:]
		if seen[f] {
			continue
		}
		seen[f] = true
		var body []byte
		for _, cand := range []string{f, f + ".js", f + ".ts", f + ".mjs", f + ".cjs", path.Join(f, "index.js"), path.Join(f, "index.ts")} {
			if b := readFile(a.ctx, cand); b != nil {
				body, f = b, cand
				break
			}
		}
		if body == nil {
			if len(seen) == 1 {
				known = false
			}
			continue
		}
		// type-only imports vanish in the compiled output
		code := typeImportRE.ReplaceAllString(string(body), "")
		for _, m := range requireRE.FindAllStringSubmatch(code, -1) {
			spec := m[1]
			if strings.HasPrefix(spec, ".") {
				queue = append(queue, path.Join(path.Dir(f), spec))
				continue
			}
			if strings.HasPrefix(spec, "node:") || strings.HasPrefix(spec, "/") {
				continue
			}
			name := spec
			parts := strings.Split(spec, "/")
			if strings.HasPrefix(spec, "@") && len(parts) > 1 {
				name = parts[0] + "/" + parts[1]
			} else {
				name = parts[0]
			}
			_, dep := pkg.Dependencies[name]
			_, dev := pkg.DevDependencies[name]
			if dev && !dep && !found[name] {
				found[name] = true
				pkgs = append(pkgs, name)
			}
		}
	}
	return pkgs, known
}

// sourceEntry maps a start file to the source the app's code lives in: the
// file itself, or for a compiled file under tsconfig's outDir the matching
// file under its rootDir.
func (a *analysis) sourceEntry(file string) string {
	raw := readFile(a.ctx, "tsconfig.json")
	if raw == nil {
		return file
	}
	var ts struct {
		CompilerOptions struct {
			OutDir  string `json:"outDir"`
			RootDir string `json:"rootDir"`
		} `json:"compilerOptions"`
	}
	if json.Unmarshal(raw, &ts) != nil || ts.CompilerOptions.OutDir == "" {
		return file
	}
	out := path.Clean(ts.CompilerOptions.OutDir)
	root := path.Clean(ts.CompilerOptions.RootDir)
	if ts.CompilerOptions.RootDir == "" {
		root = "src"
	}
	if strings.HasPrefix(path.Clean(file), out+"/") {
		rel := strings.TrimPrefix(path.Clean(file), out+"/")
		return path.Join(root, strings.TrimSuffix(rel, ".js"))
	}
	return file
}
