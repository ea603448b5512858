package diagnostics

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"golang.org/x/tools/txtar"

	"github.com/msls-dev/msls/dockerfile"
)

// linterSource finds the source of BuildKit's linter rule set: the file
// that defines the rules' Format functions, in the module cache.
func linterSource(t *testing.T) string {
	t.Helper()
	pc := reflect.ValueOf(linter.RuleStageNameCasing.Format).Pointer()
	file, _ := runtime.FuncForPC(pc).FileLine(pc)
	if _, err := os.Stat(file); err == nil {
		return file
	}
	// -trimpath: the path is module@version/..., relative to the module cache
	cache := os.Getenv("GOMODCACHE")
	if cache == "" {
		gopath := os.Getenv("GOPATH")
		if gopath == "" {
			home, _ := os.UserHomeDir()
			gopath = filepath.Join(home, "go")
		}
		cache = filepath.Join(filepath.SplitList(gopath)[0], "pkg", "mod")
	}
	if p := filepath.Join(cache, filepath.FromSlash(file)); filepath.IsLocal(filepath.FromSlash(file)) {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Fatalf("cannot find the source of BuildKit's linter package (looked at %s)", file)
	return ""
}

// linterRuleNames reads every `Rule* = LinterRule[...]{Name: "..."}`
// variable of BuildKit's linter package, in source order.
func linterRuleNames(t *testing.T) []string {
	t.Helper()
	dir := filepath.Dir(linterSource(t))
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		if af.Name.Name != "linter" {
			continue // generate.go is package main
		}
		for _, decl := range af.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, id := range vs.Names {
					if !strings.HasPrefix(id.Name, "Rule") || i >= len(vs.Values) {
						continue
					}
					lit, ok := vs.Values[i].(*ast.CompositeLit)
					if !ok {
						continue
					}
					for _, el := range lit.Elts {
						kv, ok := el.(*ast.KeyValueExpr)
						if k, _ := kv.Key.(*ast.Ident); ok && k != nil && k.Name == "Name" {
							if bl, ok := kv.Value.(*ast.BasicLit); ok {
								n, _ := strconv.Unquote(bl.Value)
								names = append(names, n)
							}
						}
					}
				}
			}
		}
	}
	if len(names) < 20 {
		t.Fatalf("read only %d rules from %s: the linter's source changed shape", len(names), dir)
	}
	return names
}

// The registry knows exactly BuildKit's rules: every Rule* variable of the
// linter package (new BuildKit versions add some), with its description and
// URL, and nothing else under SourceBuildKit.
func TestBuildKitRulesMatchLinter(t *testing.T) {
	want := linterRuleNames(t)
	var got []string
	for _, b := range buildkitRules {
		got = append(got, b.name)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("buildkitRules (diagnostics/buildkit_rules.go) differ from BuildKit's linter package:\n got %v\nwant %v", got, want)
	}
	var registered []string
	for _, r := range Rules() {
		if r.Source == SourceBuildKit {
			registered = append(registered, r.Code)
			if r.Summary == "" || r.URL == "" {
				t.Errorf("%s: no summary or URL", r.Code)
			}
		}
	}
	sort.Strings(want)
	if strings.Join(registered, ",") != strings.Join(want, ",") {
		t.Errorf("registered BuildKit rules %v, want %v", registered, want)
	}
	if r := RuleByCode(linter.RuleInvalidDefinitionDescription.Name); r == nil || !r.Experimental {
		t.Errorf("InvalidDefinitionDescription is not marked experimental: %+v", r)
	}
}

// Names and aliases: an alias finds its rule in any case; names are exact;
// no alias is a rule's name.
func TestLookupAliases(t *testing.T) {
	for name, want := range map[string]string{
		"RootFinalStage": "RootFinalStage", "dl3024": "DuplicateStageName",
		"DL3024": "DuplicateStageName", "DL4003": "MultipleInstructionsDisallowed", "DL3012": "MultipleInstructionsDisallowed",
	} {
		rs := Lookup(name)
		if len(rs) != 1 || rs[0].Code != want {
			t.Errorf("Lookup(%q) = %v, want %s", name, rs, want)
		}
	}
	// DL3002 stands for two rules: the final image's root USER
	// (RootFinalStage) and every other stage's (LastUserRoot).
	for _, name := range []string{"DL3002", "dl3002"} {
		var got []string
		for _, r := range Lookup(name) {
			got = append(got, r.Code)
		}
		sort.Strings(got)
		if strings.Join(got, ",") != "LastUserRoot,RootFinalStage" {
			t.Errorf("Lookup(%q) = %v, want LastUserRoot and RootFinalStage", name, got)
		}
	}
	for _, name := range []string{"rootfinalstage", "DL9999", "", "all"} {
		if rs := Lookup(name); len(rs) != 0 {
			t.Errorf("Lookup(%q) = %v, want nothing", name, rs)
		}
	}
	if !IsAlias("dl3002") || IsAlias("RootFinalStage") || IsAlias("DL9999") {
		t.Error("IsAlias is wrong")
	}
	for _, r := range Rules() {
		for _, a := range r.Aliases {
			if RuleByCode(a) != nil {
				t.Errorf("%s: alias %s is a rule name", r.Code, a)
			}
		}
	}
	if got := FindingAliases(Finding{Code: "RootFinalStage"}); strings.Join(got, ",") != "DL3002" {
		t.Errorf("FindingAliases = %v", got)
	}
	if got := FindingAliases(Finding{Code: "RootFinalStage", Aliases: []string{}}); len(got) != 0 {
		t.Errorf("a finding's empty alias list must win: %v", got)
	}
}

// withTestRule registers a rule for one test and removes it afterwards.
func withTestRule(t *testing.T, r *Rule) {
	t.Helper()
	register(r)
	t.Cleanup(func() {
		delete(registry, r.Code)
		for _, a := range r.Aliases {
			k := strings.ToUpper(a)
			rs := aliases[k][:0]
			for _, x := range aliases[k] {
				if x != r {
					rs = append(rs, x)
				}
			}
			if len(rs) == 0 {
				delete(aliases, k)
			} else {
				aliases[k] = rs
			}
		}
	})
}

// An alias silences its rules in `# msls ignore=` and `# hadolint ignore=`
// comments, on the instruction or for the file; an alias two rules share
// silences both.
func TestSuppressByAlias(t *testing.T) {
	withTestRule(t, &Rule{Code: "TestEveryFrom", Severity: SeverityHint, Summary: "test", Aliases: []string{"DL3002", "DL0001"},
		Check: func(f *dockerfile.File) []Finding {
			var out []Finding
			for _, st := range f.Stages {
				out = append(out, Finding{Message: "from", Span: st.From.Span})
			}
			return out
		}})
	codes := func(src string) string {
		var cs []string
		for _, fd := range CheckWith(dockerfile.Parse([]byte(src)), &Options{NoBuildKit: true}) {
			cs = append(cs, fd.Code)
		}
		return strings.Join(cs, ",")
	}
	const body = "FROM alpine:3.20\nRUN true\n"
	cases := []struct{ src, want string }{
		{body, "RootFinalStage,TestEveryFrom"},
		{"# msls ignore=DL3002\n" + body, ""},
		{"# hadolint ignore=dl3002\n" + body, ""},
		{"# msls ignore=DL0001\n" + body, "RootFinalStage"},
		{"# hadolint ignore=DL0001,RootFinalStage\n" + body, ""},
		{"# msls global ignore=DL3002\n" + body, ""},
		{"# hadolint global ignore=DL0001\n" + body, "RootFinalStage"},
		{"# hadolint ignore=all\n" + body, "RootFinalStage,TestEveryFrom"},
		{"# msls ignore=all\n" + body, ""},
		{"# msls ignore=DL9999\n" + body, "RootFinalStage,TestEveryFrom"},
		// check=skip= is BuildKit's: its lists take names as written
		{"# check=skip=DL3002\n" + body, "RootFinalStage,TestEveryFrom"},
	}
	for _, c := range cases {
		if got := codes(c.src); got != c.want {
			t.Errorf("%q: findings %q, want %q", c.src, got, c.want)
		}
	}
}

// A rule's fix declaration is the only way its findings get fixes: over the
// golden cases, a finding carries attached fixes only when its rule
// declares FixAttached (codeactions checks FixOnRequest against its
// fixers).
func TestAttachedFixesAreDeclared(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/diagnostics/*.txtar")
	if len(paths) == 0 {
		t.Fatal("no golden archives")
	}
	attached := map[string]bool{}
	for _, p := range paths {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, fl := range ar.Files {
			if !strings.HasSuffix(fl.Name, ".Dockerfile") {
				continue
			}
			for _, fd := range Check(dockerfile.Parse(fl.Data)) {
				if len(fd.Fixes) == 0 {
					continue
				}
				attached[fd.Code] = true
				if r := RuleByCode(fd.Code); r == nil || r.Fix&FixAttached == 0 {
					t.Errorf("%s (%s): a %s finding carries fixes its rule does not declare", p, fl.Name, fd.Code)
				}
			}
		}
	}
	// and the declaration is not stale: each rule declaring it attaches a
	// fix in some golden case
	for _, r := range Rules() {
		if r.Fix&FixAttached != 0 && !attached[r.Code] {
			t.Errorf("%s declares FixAttached but no golden case shows an attached fix", r.Code)
		}
	}
}

// "Did you mean" for --from: an earlier stage within two edits, in any case,
// written as the stage is; never a later stage or one too far off.
func TestClosestStage(t *testing.T) {
	f := dockerfile.Parse([]byte("FROM alpine AS Builder\nFROM alpine AS deps\nFROM alpine AS runner\nCOPY --from=x / /\nFROM alpine AS later\n"))
	for v, want := range map[string]string{"buidler": "Builder", "BUILDR": "Builder", "dpes": "deps", "dep": "deps", "lateR": "", "zzzzzz": "", "runer": ""} {
		if got := closestStage(f, v, 2); got != want {
			t.Errorf("closestStage(%q) = %q, want %q", v, got, want)
		}
	}
}
