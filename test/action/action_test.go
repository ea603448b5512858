// Package action tests action.yml, the GitHub Action: it runs the action's
// own step scripts (the run: blocks, read with a YAML parser) the way the
// Actions runner does, with the inputs substituted into the steps' env, and
// checks the annotations, the SARIF file and the exit status.
package action

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/msls-dev/msls/test/internal/readme"
	"go.yaml.in/yaml/v3"
)

type step struct {
	Name  string            `yaml:"name"`
	ID    string            `yaml:"id"`
	If    string            `yaml:"if"`
	Uses  string            `yaml:"uses"`
	Shell string            `yaml:"shell"`
	Env   map[string]string `yaml:"env"`
	Run   string            `yaml:"run"`
}

type actionFile struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Using string `yaml:"using"`
		Steps []step `yaml:"steps"`
	} `yaml:"runs"`
}

func readAction(t *testing.T) (actionFile, string) {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a actionFile
	if err := yaml.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	return a, root
}

var expr = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)

type result struct {
	status  int // of the last step run; a failing step stops the job
	stdout  string
	outputs string // the check step's $GITHUB_OUTPUT
	failed  string // the step before the check that failed
}

// runAction runs the composite action's steps in dir (the workspace) with
// these inputs (unset ones take their defaults), as the runner would: bash
// with -e -o pipefail, $GITHUB_PATH prepended to PATH for later steps.
func runAction(t *testing.T, dir string, inputs map[string]string) result {
	t.Helper()
	a, root := readAction(t)
	if a.Runs.Using != "composite" {
		t.Fatalf("runs.using = %q", a.Runs.Using)
	}
	temp := t.TempDir()
	ghPath, ghOutput := filepath.Join(temp, "github_path"), filepath.Join(temp, "github_output")
	for _, f := range []string{ghPath, ghOutput} {
		os.WriteFile(f, nil, 0o644)
	}
	input := func(name string) string {
		in, ok := a.Inputs[name]
		if !ok {
			t.Fatalf("action.yml has no input %q", name)
		}
		if v, ok := inputs[name]; ok {
			return v
		}
		return in.Default
	}
	for name := range inputs {
		input(name)
	}
	context := func(e string) string {
		switch {
		case strings.HasPrefix(e, "inputs."):
			return input(strings.TrimPrefix(e, "inputs."))
		case e == "github.action_path":
			return root
		case e == "runner.temp":
			return temp
		}
		t.Fatalf("expression ${{ %s }} is not simulated", e)
		return ""
	}
	// PATH without any msls on it: the action must install the one it runs.
	var path []string
	for _, p := range filepath.SplitList(os.Getenv("PATH")) {
		if _, err := os.Stat(filepath.Join(p, "msls")); err != nil {
			path = append(path, p)
		}
	}
	var res result
	for _, s := range a.Runs.Steps {
		if s.If != "" {
			// only the conditions the action uses: inputs.X == '' and != ''
			m := regexp.MustCompile(`^inputs\.([\w-]+) (==|!=) ''$`).FindStringSubmatch(s.If)
			if m == nil {
				t.Fatalf("step %q: condition %q is not simulated", s.Name, s.If)
			}
			if (input(m[1]) == "") != (m[2] == "==") {
				continue
			}
		}
		if s.Uses != "" {
			// actions/setup-go: this machine's Go stands in for it
			if !strings.HasPrefix(s.Uses, "actions/setup-go@") {
				t.Fatalf("step %q uses %s, which is not simulated", s.Name, s.Uses)
			}
			continue
		}
		if s.Shell != "bash" {
			t.Fatalf("step %q: shell %q, want bash", s.Name, s.Shell)
		}
		if strings.Contains(s.Run, "${{") {
			t.Fatalf("step %q: ${{ }} inside run: (pass inputs through env)", s.Name)
		}
		script := filepath.Join(temp, "step.sh")
		os.WriteFile(script, []byte(s.Run), 0o644)
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Dir = dir
		env := append(os.Environ(), "PATH="+strings.Join(path, string(os.PathListSeparator)),
			"RUNNER_TEMP="+temp, "RUNNER_OS=Linux", "RUNNER_ARCH=X64", "GITHUB_WORKSPACE="+dir,
			"GITHUB_PATH="+ghPath, "GITHUB_OUTPUT="+ghOutput, "GITHUB_ACTIONS=true")
		for k, v := range s.Env {
			env = append(env, k+"="+expr.ReplaceAllStringFunc(v, func(m string) string { return context(expr.FindStringSubmatch(m)[1]) }))
		}
		cmd.Env = env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		res = result{stdout: stdout.String()}
		if err != nil {
			ee, ok := err.(*exec.ExitError)
			if !ok {
				t.Fatal(err)
			}
			res.status = ee.ExitCode()
			if s.ID != "check" {
				res.failed = s.Name
				res.stdout += stderr.String()
				t.Logf("step %q failed (%v):\n%s%s", s.Name, err, stdout.String(), stderr.String())
			}
		}
		if s.ID != "check" && stderr.Len() > 0 {
			t.Logf("step %q stderr:\n%s", s.Name, stderr.String())
		}
		// what $GITHUB_PATH gained goes in front of PATH for the next steps
		b, _ := os.ReadFile(ghPath)
		for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if l != "" && (len(path) == 0 || path[0] != l) {
				path = append([]string{l}, path...)
			}
		}
		if res.status != 0 {
			break
		}
	}
	b, _ := os.ReadFile(ghOutput)
	res.outputs = string(b)
	return res
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const naive = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\nCMD [\"node\", \"server.js\"]\n"

const clean = `FROM golang:1.26 AS builder
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/server .

FROM gcr.io/distroless/static-debian12:nonroot AS runner
COPY --from=builder /out/server /server
USER 65532:65532
ENTRYPOINT ["/server"]
`

var annotation = regexp.MustCompile(`(?m)^::(error|warning|notice) file=([^,]+),line=(\d+),col=(\d+),endLine=\d+,endColumn=\d+,title=msls ([A-Za-z]+)::(.+)$`)

func annotations(out string) map[string]string {
	m := map[string]string{}
	for _, a := range annotation.FindAllStringSubmatch(out, -1) {
		m[a[2]+":"+a[3]+" "+a[5]] = a[1]
	}
	return m
}

func TestAction(t *testing.T) {
	if testing.Short() {
		t.Skip("builds msls with go install (-short skips)")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	dir := writeFiles(t, map[string]string{
		"Dockerfile":        clean,
		"go.mod":            "module example.com/server\n\ngo 1.26\n",
		"go.sum":            "",
		"main.go":           "package main\n\nfunc main() {}\n",
		"svc/Dockerfile":    naive,
		"svc/package.json":  `{"name":"svc","dependencies":{"express":"4"}}`,
		"svc/README.md":     "FROM nothing\n",
		"strict.msls.yaml":  "rules:\n  CacheBustingCopy: error\n",
		"relaxed.msls.yaml": "rules:\n  CacheBustingCopy: off\n  NpmInstallInImage: off\n  RootFinalStage: off\n  SingleStageBuild: off\n  ToolchainInFinalStage: off\n",
	})

	t.Run("defaults", func(t *testing.T) {
		r := runAction(t, dir, nil)
		got := annotations(r.stdout)
		if r.failed != "" || r.status != 1 || got["svc/Dockerfile:3 CacheBustingCopy"] != "warning" {
			t.Fatalf("exit %d, annotations %v, output:\n%s", r.status, got, r.stdout)
		}
		for k := range got {
			if !strings.HasPrefix(k, "svc/Dockerfile:") {
				t.Errorf("annotation on a clean or non-Dockerfile file: %s", k)
			}
		}
		if lines := strings.Count(r.stdout, "\n"); lines != len(annotation.FindAllString(r.stdout, -1)) {
			t.Errorf("output has lines that are not annotations:\n%s", r.stdout)
		}
	})
	t.Run("clean path passes", func(t *testing.T) {
		r := runAction(t, dir, map[string]string{"paths": "Dockerfile"})
		if r.status != 0 || r.stdout != "" {
			t.Errorf("exit %d, output:\n%s", r.status, r.stdout)
		}
	})
	t.Run("fail-level none", func(t *testing.T) {
		r := runAction(t, dir, map[string]string{"paths": "svc\n Dockerfile", "fail-level": "none"})
		if r.status != 0 || len(annotations(r.stdout)) == 0 {
			t.Errorf("exit %d, output:\n%s", r.status, r.stdout)
		}
	})
	t.Run("config", func(t *testing.T) {
		r := runAction(t, dir, map[string]string{"config": "strict.msls.yaml", "fail-level": "error"})
		if r.status != 1 || annotations(r.stdout)["svc/Dockerfile:3 CacheBustingCopy"] != "error" {
			t.Errorf("strict: exit %d, output:\n%s", r.status, r.stdout)
		}
		r = runAction(t, dir, map[string]string{"config": "relaxed.msls.yaml"})
		if _, ok := annotations(r.stdout)["svc/Dockerfile:3 CacheBustingCopy"]; ok {
			t.Errorf("relaxed: CacheBustingCopy reported although off; output:\n%s", r.stdout)
		}
		r = runAction(t, dir, map[string]string{"config": "missing.yaml"})
		if r.status != 2 {
			t.Errorf("missing config: exit %d, want 2", r.status)
		}
	})
	t.Run("sarif", func(t *testing.T) {
		// a directory that does not exist yet is made
		r := runAction(t, dir, map[string]string{"sarif-file": "out/msls.sarif"})
		if r.status != 1 || r.outputs != "sarif-file=out/msls.sarif\n" {
			t.Fatalf("exit %d, outputs %q", r.status, r.outputs)
		}
		b, err := os.ReadFile(filepath.Join(dir, "out/msls.sarif"))
		if err != nil {
			t.Fatal(err)
		}
		var sarif struct {
			Version string `json:"version"`
			Runs    []struct {
				Results []struct {
					RuleID string `json:"ruleId"`
				} `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal(b, &sarif); err != nil || sarif.Version != "2.1.0" || len(sarif.Runs) != 1 {
			t.Fatalf("SARIF: %v %s", err, b)
		}
		rules := fmt.Sprint(sarif.Runs[0].Results)
		if len(sarif.Runs[0].Results) != len(annotations(r.stdout)) || !strings.Contains(rules, "CacheBustingCopy") {
			t.Errorf("SARIF results %s vs annotations %v", rules, annotations(r.stdout))
		}
	})
}

// TestReadmeWorkflow runs the README's workflow snippet: the inputs its msls
// step passes, against a sample repository with a naive Dockerfile.
func TestReadmeWorkflow(t *testing.T) {
	if testing.Short() {
		t.Skip("builds msls with go install (-short skips)")
	}
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Uses string            `yaml:"uses"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal([]byte(readme.Get(t, "ci-action").Body), &wf); err != nil {
		t.Fatal(err)
	}
	var inputs, upload map[string]string
	for _, job := range wf.Jobs {
		for _, s := range job.Steps {
			switch {
			case strings.HasPrefix(s.Uses, "msls-dev/msls@"):
				inputs = s.With
			case strings.HasPrefix(s.Uses, "github/codeql-action/upload-sarif@"):
				upload = s.With
			}
		}
	}
	if inputs == nil || upload == nil || upload["sarif_file"] != inputs["sarif-file"] || inputs["sarif-file"] == "" {
		t.Fatalf("the workflow should run msls-dev/msls with a sarif-file and upload that file: msls %v, upload %v", inputs, upload)
	}
	dir := writeFiles(t, map[string]string{"Dockerfile": naive})
	r := runAction(t, dir, inputs)
	if r.status != 1 || annotations(r.stdout)["Dockerfile:3 CacheBustingCopy"] == "" {
		t.Errorf("exit %d, output:\n%s", r.status, r.stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, inputs["sarif-file"])); err != nil {
		t.Errorf("no SARIF file for the upload step: %v", err)
	}
}

// TestActionRelease installs msls the other way, from a release: the
// release's URL is a file:// directory holding an archive and checksums.txt
// as scripts/release.sh names them.
func TestActionRelease(t *testing.T) {
	if testing.Short() {
		t.Skip("builds msls (-short skips)")
	}
	_, root := readAction(t)
	rel := t.TempDir()
	const v = "v9.8.7"
	name := "msls_" + v + "_linux_amd64"
	bin := filepath.Join(t.TempDir(), "msls")
	build := exec.Command("go", "build", "-tags", "grpcnotrace", "-ldflags", "-s -w -X main.version="+v, "-o", bin, "./cmd/msls")
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	arc := exec.Command("go", "run", "./scripts/archive", "tgz", filepath.Join(rel, name+".tar.gz"), name, bin, "README.md", "LICENSE")
	arc.Dir = root
	if out, err := arc.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	sum := exec.Command("sha256sum", name+".tar.gz")
	sum.Dir = rel
	sums, err := sum.Output()
	if err != nil {
		t.Skip("no sha256sum:", err)
	}
	t.Setenv("MSLS_RELEASE_BASE", "file://"+rel)
	dir := writeFiles(t, map[string]string{"Dockerfile": naive})

	// a release directory is VERSION/ below the base
	os.Mkdir(filepath.Join(rel, v), 0o755)
	os.Rename(filepath.Join(rel, name+".tar.gz"), filepath.Join(rel, v, name+".tar.gz"))
	os.WriteFile(filepath.Join(rel, v, "checksums.txt"), []byte("0000  other.zip\n"+string(sums)), 0o644)
	r := runAction(t, dir, map[string]string{"version": v})
	if r.failed != "" || r.status != 1 || annotations(r.stdout)["Dockerfile:3 CacheBustingCopy"] == "" {
		t.Errorf("release %s: failed step %q, exit %d, output:\n%s", v, r.failed, r.status, r.stdout)
	}

	// a tampered archive is refused before it runs
	os.WriteFile(filepath.Join(rel, v, "checksums.txt"), []byte(strings.Repeat("0", 64)+"  "+name+".tar.gz\n"), 0o644)
	r = runAction(t, dir, map[string]string{"version": v})
	if r.failed != "Install msls" || !strings.Contains(r.stdout, "::error::checksum mismatch") {
		t.Errorf("bad checksum: failed step %q, output:\n%s", r.failed, r.stdout)
	}
}
