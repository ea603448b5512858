// Package ecosystem knows the package managers a Dockerfile drives: which
// files each one reads to resolve dependencies (the manifests to copy before
// the install so that the install layer stays cached), which shell commands
// install dependencies, and where each keeps its download cache.
//
// It is shared by the CacheBustingCopy rule (diagnostics) and by the code
// actions that rewrite a Dockerfile (copy the manifests first, split stages):
// both must agree on what an install is and what it reads.
//
// RUN scripts are parsed with a real shell parser (mvdan.cc/sh, see
// RunScript): commands know their words, redirections and working directory
// across `&&`/`;` chains, subshells, `sh -c` strings and heredocs. Classify
// recognises one command. Nothing is executed or expanded.
package ecosystem

import (
	"path"
	"strings"
)

// Ecosystem is one package manager and the files its install reads.
type Ecosystem struct {
	// Name is the package manager: npm, yarn, pnpm, bun, pip, poetry, uv,
	// pipenv, go, cargo, bundler, composer, maven, gradle, dotnet.
	Name string
	// Language groups ecosystems that share sources: node, python, go, rust,
	// ruby, php, java, dotnet.
	Language string
	// Manifests are the files (glob patterns on a base name) to copy before
	// the dependency install, the primary manifest first. Optional ones
	// (lockfiles that may be absent) are listed in Optional.
	Manifests []string
	// Optional are the members of Manifests a project may lack (a COPY glob
	// such as `package-lock.json*` tolerates their absence).
	Optional []string
	// CopyLine is the canonical source list of a manifest COPY, e.g.
	// "package.json package-lock.json*".
	CopyLine string
	// DepsCommand installs the dependencies without the project sources.
	DepsCommand string
	// ProdCommand installs only the runtime dependencies ("" when the
	// ecosystem has no such notion).
	ProdCommand string
	// CacheDirs are the download-cache directories worth a
	// `--mount=type=cache,target=...` (the first one is the default).
	CacheDirs []string
}

// All lists every known ecosystem. Entries are never modified.
var All = []*Ecosystem{
	{Name: "npm", Language: "node", Manifests: []string{"package.json", "package-lock.json", "npm-shrinkwrap.json"},
		Optional: []string{"package-lock.json", "npm-shrinkwrap.json"}, CopyLine: "package.json package-lock.json*",
		DepsCommand: "npm ci", ProdCommand: "npm ci --omit=dev", CacheDirs: []string{"/root/.npm"}},
	{Name: "yarn", Language: "node", Manifests: []string{"package.json", "yarn.lock", ".yarnrc.yml"},
		Optional: []string{".yarnrc.yml"}, CopyLine: "package.json yarn.lock",
		DepsCommand: "yarn install --frozen-lockfile", ProdCommand: "yarn install --frozen-lockfile --production",
		CacheDirs: []string{"/usr/local/share/.cache/yarn", "/root/.yarn", "/root/.cache/yarn"}},
	{Name: "pnpm", Language: "node", Manifests: []string{"package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml", ".npmrc"},
		Optional: []string{"pnpm-workspace.yaml", ".npmrc"}, CopyLine: "package.json pnpm-lock.yaml",
		DepsCommand: "pnpm install --frozen-lockfile", ProdCommand: "pnpm install --frozen-lockfile --prod",
		CacheDirs: []string{"/root/.local/share/pnpm/store", "/pnpm/store"}},
	{Name: "bun", Language: "node", Manifests: []string{"package.json", "bun.lock", "bun.lockb"},
		Optional: []string{"bun.lock", "bun.lockb"}, CopyLine: "package.json bun.lock*",
		DepsCommand: "bun install --frozen-lockfile", ProdCommand: "bun install --frozen-lockfile --production",
		CacheDirs: []string{"/root/.bun/install/cache"}},
	{Name: "pip", Language: "python", Manifests: []string{"requirements.txt"}, CopyLine: "requirements.txt",
		DepsCommand: "pip install --no-cache-dir -r requirements.txt", CacheDirs: []string{"/root/.cache/pip"}},
	{Name: "poetry", Language: "python", Manifests: []string{"pyproject.toml", "poetry.lock"}, CopyLine: "pyproject.toml poetry.lock",
		DepsCommand: "poetry install --no-root", ProdCommand: "poetry install --no-root --only main",
		CacheDirs: []string{"/root/.cache/pypoetry", "/root/.cache/pip"}},
	{Name: "uv", Language: "python", Manifests: []string{"pyproject.toml", "uv.lock"}, CopyLine: "pyproject.toml uv.lock",
		DepsCommand: "uv sync --locked --no-install-project", ProdCommand: "uv sync --locked --no-install-project --no-dev",
		CacheDirs: []string{"/root/.cache/uv"}},
	{Name: "pipenv", Language: "python", Manifests: []string{"Pipfile", "Pipfile.lock"}, CopyLine: "Pipfile Pipfile.lock",
		DepsCommand: "pipenv install --deploy", CacheDirs: []string{"/root/.cache/pipenv", "/root/.cache/pip"}},
	{Name: "go", Language: "go", Manifests: []string{"go.mod", "go.sum"}, Optional: []string{"go.sum"}, CopyLine: "go.mod go.sum",
		DepsCommand: "go mod download", CacheDirs: []string{"/go/pkg/mod", "/root/.cache/go-build"}},
	{Name: "cargo", Language: "rust", Manifests: []string{"Cargo.toml", "Cargo.lock"}, Optional: []string{"Cargo.lock"},
		CopyLine: "Cargo.toml Cargo.lock", DepsCommand: "cargo fetch",
		CacheDirs: []string{"/usr/local/cargo/registry", "/usr/local/cargo/git", "/root/.cargo/registry"}},
	{Name: "bundler", Language: "ruby", Manifests: []string{"Gemfile", "Gemfile.lock"}, CopyLine: "Gemfile Gemfile.lock",
		DepsCommand: "bundle install", CacheDirs: []string{"/usr/local/bundle/cache", "/root/.gem", "/root/.bundle"}},
	{Name: "composer", Language: "php", Manifests: []string{"composer.json", "composer.lock"}, CopyLine: "composer.json composer.lock",
		DepsCommand: "composer install --no-interaction --no-scripts", ProdCommand: "composer install --no-dev --no-interaction --no-scripts",
		CacheDirs: []string{"/tmp/cache", "/root/.composer/cache", "/root/.cache/composer"}},
	{Name: "maven", Language: "java", Manifests: []string{"pom.xml", "mvnw", ".mvn"}, Optional: []string{"mvnw", ".mvn"},
		CopyLine: "pom.xml", DepsCommand: "mvn dependency:go-offline -B", CacheDirs: []string{"/root/.m2"}},
	{Name: "gradle", Language: "java", Manifests: []string{"build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts", "gradle.properties", "gradlew", "gradle"},
		Optional: []string{"build.gradle.kts", "settings.gradle", "settings.gradle.kts", "gradle.properties", "gradlew", "gradle"},
		CopyLine: "build.gradle* settings.gradle* gradle.properties*", DepsCommand: "gradle dependencies --no-daemon",
		CacheDirs: []string{"/root/.gradle", "/home/gradle/.gradle"}},
	{Name: "dotnet", Language: "dotnet", Manifests: []string{"*.csproj", "*.fsproj", "*.vbproj", "*.sln", "NuGet.config", "Directory.Build.props", "Directory.Packages.props"},
		Optional: []string{"*.fsproj", "*.vbproj", "*.sln", "NuGet.config", "Directory.Build.props", "Directory.Packages.props"},
		CopyLine: "*.csproj", DepsCommand: "dotnet restore", CacheDirs: []string{"/root/.nuget/packages"}},
}

// ByName returns the ecosystem with the given Name, or nil.
func ByName(name string) *Ecosystem {
	for _, e := range All {
		if e.Name == name {
			return e
		}
	}
	return nil
}

// IsManifest reports whether base (a file's base name) is one of the
// ecosystem's manifests.
func (e *Ecosystem) IsManifest(base string) bool {
	for _, m := range e.Manifests {
		if ok, _ := path.Match(m, base); ok {
			return true
		}
	}
	return false
}

// Required are the manifests a project of this ecosystem always has.
func (e *Ecosystem) Required() []string {
	var out []string
	for _, m := range e.Manifests {
		opt := false
		for _, o := range e.Optional {
			opt = opt || o == m
		}
		if !opt {
			out = append(out, m)
		}
	}
	return out
}

// CopyCovers reports whether a COPY source (a path or glob as written, e.g.
// `package*.json`, `./go.*`, `requirements/prod.txt`) brings in a file called
// manifest (a base name or a relative path).
func CopyCovers(src, manifest string) bool {
	src = strings.TrimPrefix(strings.TrimSuffix(src, "/"), "./")
	manifest = strings.TrimPrefix(manifest, "./")
	if src == manifest {
		return true
	}
	if ok, _ := path.Match(src, manifest); ok {
		return true
	}
	// a pattern that matches the manifest's name, or the manifest pattern that matches the source (*.csproj)
	sb, mb := path.Base(src), path.Base(manifest)
	if ok, _ := path.Match(sb, mb); ok && (path.Dir(manifest) == "." || path.Dir(src) == path.Dir(manifest)) {
		return true
	}
	if ok, _ := path.Match(mb, sb); ok && strings.ContainsAny(mb, "*?[") {
		return true
	}
	return false
}

// CacheTarget reports whether a cache-mount target holds this ecosystem's
// download cache.
func (e *Ecosystem) CacheTarget(target string) bool {
	t := strings.TrimSuffix(target, "/")
	for _, d := range e.CacheDirs {
		if t == d || strings.HasSuffix(t, d[strings.LastIndexByte(d, '/'):]) {
			return true
		}
	}
	for _, frag := range cacheHints[e.Name] {
		if strings.Contains(t, frag) {
			return true
		}
	}
	return false
}

var cacheHints = map[string][]string{
	"npm": {".npm"}, "yarn": {"yarn"}, "pnpm": {"pnpm"}, "bun": {".bun"},
	"pip": {"pip"}, "poetry": {"pypoetry", "pip"}, "uv": {"/uv", ".cache/uv"}, "pipenv": {"pipenv", "pip"},
	"go": {"/go/pkg/mod", "go-build", "/pkg/mod"}, "cargo": {"cargo/registry", "cargo/git", "/target"},
	"bundler": {"bundle", ".gem"}, "composer": {"composer"}, "maven": {".m2"}, "gradle": {".gradle"},
	"dotnet": {"nuget"},
}
