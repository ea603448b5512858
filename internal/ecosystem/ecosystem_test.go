package ecosystem

import (
	"strings"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
)

func TestSplitCommands(t *testing.T) {
	script := `apt-get update && CGO_ENABLED=0 go build -o /x ./cmd; echo "a && b" | tee f || sudo -u app npm ci
if true; then pip install -r req.txt; fi
sh -c 'npm ci && yarn install'`
	var got []string
	for _, c := range SplitCommands(script) {
		got = append(got, c.String())
		// the span of every word must be inside the script and start with
		// the word's first character unless the word was quoted
		for _, w := range c.Words {
			if w.Start < 0 || w.End > len(script) || w.Start >= w.End {
				t.Errorf("word %q has bad span [%d,%d)", w.Text, w.Start, w.End)
			}
		}
	}
	want := []string{"apt-get update", "go build -o /x ./cmd", "echo a && b", "tee f", "npm ci", "true", "pip install -r req.txt", "npm ci", "yarn install"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("commands:\n got %q\nwant %q", got, want)
	}
	// nested sh -c commands point into the quoted string
	cmds := SplitCommands(script)
	last := cmds[len(cmds)-1]
	if s := script[last.Start:last.End]; s != "yarn install" {
		t.Errorf("nested command span = %q", s)
	}
}

func TestSplitCommandsNeverPanics(t *testing.T) {
	for _, s := range []string{"", "'", `"`, "\\", "$(", "sh -c", "sh -c '", "a &&", "`x", "((", "))", "bash -c \"$(curl x)\"", "#", "a\\\n"} {
		SplitCommands(s)
	}
}

func TestClassify(t *testing.T) {
	cases := []struct {
		cmd  string
		eco  string // "" = not an install
		kind Kind
	}{
		{"npm ci", "npm", Deps},
		{"npm install", "npm", Deps},
		{"npm i --omit=dev", "npm", Deps},
		{"npm install --production", "npm", Deps},
		{"npm install -g pnpm", "", 0},
		{"npm install express", "", 0},
		{"npm run build", "", 0},
		{"yarn", "yarn", Deps},
		{"yarn install --frozen-lockfile", "yarn", Deps},
		{"yarn build", "", 0},
		{"yarn add left-pad", "", 0},
		{"pnpm install --frozen-lockfile", "pnpm", Deps},
		{"pnpm fetch --prod", "pnpm", Deps},
		{"pnpm install --offline", "", 0},
		{"bun install", "bun", Deps},
		{"pip install -r requirements.txt", "pip", Deps},
		{"pip3 install --no-cache-dir -r requirements/prod.txt", "pip", Deps},
		{"python -m pip install --requirement=req.txt", "pip", Deps},
		{"pip install .", "pip", Project},
		{"pip install -e .", "pip", Project},
		{"pip install poetry", "", 0},
		{"pip install --upgrade pip", "", 0},
		{"poetry install", "poetry", Project},
		{"poetry install --no-root --only main", "poetry", Deps},
		{"poetry export -f requirements.txt", "", 0},
		{"uv sync --locked", "uv", Project},
		{"uv sync --locked --no-install-project", "uv", Deps},
		{"uv pip install -r requirements.txt", "uv", Deps},
		{"uv pip install --system .", "uv", Project},
		{"pipenv install --deploy --system", "pipenv", Deps},
		{"pipenv install requests", "", 0},
		{"go mod download", "go", Deps},
		{"go build -o app .", "go", Build},
		{"go install github.com/x/y@latest", "", 0},
		{"go run main.go", "", 0},
		{"cargo build --release", "cargo", Build},
		{"cargo fetch", "cargo", Deps},
		{"cargo install --path .", "cargo", Build},
		{"cargo install cargo-chef", "", 0},
		{"cargo chef prepare --recipe-path recipe.json", "cargo", Planner},
		{"cargo chef cook --release --recipe-path recipe.json", "cargo", Deps},
		{"bundle install", "bundler", Deps},
		{"bundle exec rake", "", 0},
		{"composer install --no-dev", "composer", Deps},
		{"mvn -B package -DskipTests", "maven", Build},
		{"./mvnw dependency:go-offline", "maven", Deps},
		{"gradle build --no-daemon", "gradle", Build},
		{"./gradlew dependencies", "gradle", Deps},
		{"dotnet restore", "dotnet", Deps},
		{"dotnet publish -c Release -o out", "dotnet", Build},
		{"dotnet publish --no-restore", "", 0},
		{"apt-get install -y curl", "", 0},
	}
	for _, c := range cases {
		cmds := SplitCommands(c.cmd)
		if len(cmds) != 1 {
			t.Fatalf("%q: %d commands", c.cmd, len(cmds))
		}
		in, ok := Classify(cmds[0])
		switch {
		case c.eco == "" && ok:
			t.Errorf("%q: classified as %s %s, want no install", c.cmd, in.Eco.Name, in.Kind)
		case c.eco != "" && !ok:
			t.Errorf("%q: not an install, want %s %s", c.cmd, c.eco, c.kind)
		case ok && (in.Eco.Name != c.eco || in.Kind != c.kind):
			t.Errorf("%q: %s %s, want %s %s", c.cmd, in.Eco.Name, in.Kind, c.eco, c.kind)
		}
	}
}

func TestPipFiles(t *testing.T) {
	ins := FindInstalls("pip install -r requirements/base.txt -r dev.txt")
	if len(ins) != 1 || strings.Join(ins[0].Manifests(), ",") != "requirements/base.txt,dev.txt" {
		t.Fatalf("got %+v", ins)
	}
	if m := FindInstalls("npm ci")[0].Manifests(); strings.Join(m, ",") != "package.json" {
		t.Errorf("npm manifests = %v", m)
	}
}

func TestCopyCovers(t *testing.T) {
	yes := [][2]string{{"package*.json", "package.json"}, {"./go.*", "go.mod"}, {"requirements.txt", "requirements.txt"},
		{"app/requirements.txt", "app/requirements.txt"}, {"src/App.csproj", "*.csproj"}, {"Cargo.toml", "Cargo.toml"}}
	no := [][2]string{{"src", "package.json"}, {"README.md", "package.json"}, {"lib/package.json", "app/package.json"}}
	for _, c := range yes {
		if !CopyCovers(c[0], c[1]) {
			t.Errorf("CopyCovers(%q, %q) = false", c[0], c[1])
		}
	}
	for _, c := range no {
		if CopyCovers(c[0], c[1]) {
			t.Errorf("CopyCovers(%q, %q) = true", c[0], c[1])
		}
	}
}

func TestRunInstallsSpans(t *testing.T) {
	src := "FROM node\nRUN --mount=type=cache,target=/root/.npm \\\n    apt-get update && npm ci\nRUN [\"npm\", \"ci\"]\nRUN <<EOF\nset -e\nyarn install\nEOF\nRUN sh -c 'pip install -r req.txt'\n"
	f := dockerfile.Parse([]byte(src))
	want := []string{"npm ci", `["npm", "ci"]`, "yarn install", "pip install -r req.txt"}
	var got []string
	for _, in := range f.Instructions {
		for _, ri := range RunInstalls(in) {
			got = append(got, f.Slice(ri.Span))
		}
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("install spans:\n got %q\nwant %q", got, want)
	}
	ms := Mounts(f.Instructions[1])
	if len(ms) != 1 || ms[0].Type != "cache" || ms[0].Target != "/root/.npm" || !ByName("npm").CacheTarget(ms[0].Target) {
		t.Errorf("mounts = %+v", ms)
	}
}

func TestTableConsistent(t *testing.T) {
	for _, e := range All {
		if len(e.Required()) == 0 || e.DepsCommand == "" || len(e.CacheDirs) == 0 || e.CopyLine == "" {
			t.Errorf("%s: incomplete entry", e.Name)
		}
		for _, m := range e.Required() {
			found := false
			for _, w := range strings.Fields(e.CopyLine) {
				found = found || CopyCovers(w, m)
			}
			if !found {
				t.Errorf("%s: CopyLine %q misses required manifest %s", e.Name, e.CopyLine, m)
			}
		}
		ins := FindInstalls(e.DepsCommand)
		if len(ins) != 1 || ins[0].Eco != e || ins[0].Kind != Deps {
			t.Errorf("%s: DepsCommand %q is not recognised as its own deps install", e.Name, e.DepsCommand)
		}
	}
}
