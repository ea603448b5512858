package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/msls-dev/msls/codeactions"
	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
)

// fixableCases are Dockerfiles with their build contexts: the examples as
// they are, the quick-fix cases (with their context files) and the rules'
// golden cases (alone in a directory).
func fixableCases(t *testing.T) []string {
	t.Helper()
	var paths []string
	for _, p := range []string{"../../examples/node-app/Dockerfile", "../../examples/python-single-stage.Dockerfile", "../../examples/go-multistage.Dockerfile"} {
		paths = append(paths, p)
	}
	qf, _ := filepath.Glob("../../testdata/codeactions/quickfix/*.txtar")
	diag, _ := filepath.Glob("../../testdata/diagnostics/*.txtar")
	if len(qf) == 0 || len(diag) == 0 {
		t.Fatal("no test cases found")
	}
	for _, p := range append(qf, diag...) {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files := map[string]string{}
		for _, fl := range ar.Files {
			switch {
			case strings.HasPrefix(fl.Name, "want/"), fl.Name == "code", strings.HasSuffix(fl.Name, ".want"):
			case strings.HasSuffix(fl.Name, ".Dockerfile"):
				paths = append(paths, filepath.Join(writeFiles(t, map[string]string{"Dockerfile": string(fl.Data)}), "Dockerfile"))
			default:
				files[fl.Name] = string(fl.Data)
			}
		}
		if _, ok := files["Dockerfile"]; ok {
			paths = append(paths, filepath.Join(writeFiles(t, files), "Dockerfile"))
		}
	}
	return paths
}

// `msls check --format json` says "fixable": true exactly when `msls fix`
// fixes the finding: a file changes under `msls fix` exactly when one of
// its findings is fixable, and a fixable finding's fix, applied alone,
// makes that finding go away.
func TestFixableMatchesFix(t *testing.T) {
	seen := map[string]bool{}
	for _, path := range fixableCases(t) {
		var out, errb bytes.Buffer
		if st := run([]string{"check", "--format", "json", "--fail-level", "none", path}, nil, &out, &errb); st != 0 {
			t.Fatalf("%s: check exit %d: %s", path, st, errb.String())
		}
		var got []jsonFinding
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		ctx := fixContext(path)
		fixed, _ := fixText(text, ctx, false)
		any := false
		for _, g := range got {
			any = any || g.Fixable
			seen[g.Code+map[bool]string{true: " fixable", false: ""}[g.Fixable]] = true
		}
		if changed := !bytes.Equal(fixed, text); changed != any {
			t.Errorf("%s: msls fix changes the file: %v; a finding is fixable: %v\n%s", path, changed, any, out.String())
		}
		// each fixable finding, fixed alone
		f := dockerfile.Parse(text)
		// the same build context `msls check` reads (check_context.go)
		findings := diagnostics.CheckWith(f, newCheckContexts().with(path, nil, nil))
		if len(findings) != len(got) {
			t.Fatalf("%s: %d findings in JSON, %d from Check", path, len(got), len(findings))
		}
		for i, fd := range findings {
			if !got[i].Fixable {
				continue
			}
			a, ok := codeactions.SafeFix(f, fd, ctx)
			if !ok {
				t.Fatalf("%s: %s fixable without a safe fix", path, fd.Code)
			}
			once, err := codeactions.Apply(text, a.Edits)
			if err != nil {
				t.Fatal(err)
			}
			if count(diagnostics.Check(dockerfile.Parse(once)), fd.Code) >= count(findings, fd.Code) {
				t.Errorf("%s: fixing %s at line %d (%q) leaves it", path, fd.Code, got[i].Line, a.Title)
			}
		}
	}
	// the cases reach what the issue was about
	for _, want := range []string{"CacheBustingCopy fixable", "CacheBustingCopy", "NpmInstallInImage fixable", "JSONArgsRecommended fixable", "PipCacheDir fixable", "RootFinalStage"} {
		if !seen[want] {
			t.Errorf("no case shows %q", want)
		}
	}
}

func count(fs []diagnostics.Finding, code string) int {
	n := 0
	for _, fd := range fs {
		if fd.Code == code {
			n++
		}
	}
	return n
}
