package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
)

func naiveReport() []fileReport {
	f := dockerfile.Parse([]byte("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"s.js\"]\n"))
	return []fileReport{{Path: "dir/Dockerfile", Lines: f.Lines, Findings: diagnostics.Check(f)}}
}

func TestSARIF(t *testing.T) {
	var b bytes.Buffer
	if err := writeSARIF(&b, naiveReport()); err != nil {
		t.Fatal(err)
	}
	var log sarifLog
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("log %+v", log)
	}
	run := log.Runs[0]
	var cache *sarifResult
	for i, r := range run.Results {
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s points at rule %s", r.RuleID, run.Tool.Driver.Rules[r.RuleIndex].ID)
		}
		if r.RuleID == "CacheBustingCopy" {
			cache = &run.Results[i]
		}
	}
	if cache == nil {
		t.Fatal("no CacheBustingCopy result")
	}
	reg := cache.Locations[0].Physical.Region
	if cache.Level != "warning" || reg.StartLine != 3 || reg.StartColumn != 1 || reg.EndColumn != 9 || len(cache.Related) != 1 || cache.Related[0].Physical.Region.StartLine != 4 {
		t.Errorf("CacheBustingCopy result %+v", cache)
	}
	for _, r := range run.Tool.Driver.Rules {
		if r.HelpURI == "" {
			t.Errorf("rule %s has no helpUri", r.ID)
		}
	}
}

func TestGitHubFormat(t *testing.T) {
	var b bytes.Buffer
	if err := writeGitHub(&b, naiveReport()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, "::warning file=dir/Dockerfile,line=3,col=1,endLine=3,endColumn=9,title=msls CacheBustingCopy::COPY . .") {
		t.Errorf("no CacheBustingCopy annotation in\n%s", out)
	}
	if got := ghProperty("a,b:c\nd%"); got != "a%2Cb%3Ac%0Ad%25" {
		t.Errorf("ghProperty = %q", got)
	}
}

func TestCheckConfigFlagAndLookup(t *testing.T) {
	dir := t.TempDir()
	df := filepath.Join(dir, "Dockerfile")
	os.WriteFile(df, []byte("FROM node:20\nCOPY . .\nRUN npm ci\nUSER node\n"), 0o644)
	var out, errb bytes.Buffer
	if code := runCheck([]string{"--format", "json", df}, nil, &out, &errb); code != 1 || !strings.Contains(out.String(), "CacheBustingCopy") {
		t.Fatalf("default run: exit %d, %s %s", code, out.String(), errb.String())
	}
	os.WriteFile(filepath.Join(dir, ".msls.yaml"), []byte("rules:\n  CacheBustingCopy: off\n  ToolchainInFinalStage: off\n  SingleStageBuild: off\n"), 0o644)
	out.Reset()
	if code := runCheck([]string{"--format", "json", df}, nil, &out, &errb); strings.Contains(out.String(), "CacheBustingCopy") {
		t.Fatalf(".msls.yaml not applied: exit %d, %s", code, out.String())
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("rules: {Nope: off}\n"), 0o644)
	errb.Reset()
	if code := runCheck([]string{"--config", bad, df}, nil, &out, &errb); code != 2 || !strings.Contains(errb.String(), `unknown rule "Nope"`) {
		t.Fatalf("bad --config: exit %d, stderr %q", code, errb.String())
	}
}

// Aliases (hadolint's ids) appear beside the rule in JSON and in SARIF
// (rule and result properties), with "fixable" for what `msls fix` fixes.
func TestReportAliases(t *testing.T) {
	// an explicit USER root: the RootFinalStage finding hadolint's DL3002 also reports
	dir := writeFiles(t, map[string]string{"Dockerfile": "FROM python:3.12\nRUN pip install flask\nUSER root\nCMD python app.py\n"})
	out, _, _ := runMsls(t, "", "check", "--format", "json", dir)
	var findings []jsonFinding
	if err := json.Unmarshal([]byte(out), &findings); err != nil {
		t.Fatal(err)
	}
	byCode := map[string]jsonFinding{}
	for _, f := range findings {
		byCode[f.Code] = f
	}
	if a := byCode["RootFinalStage"].Aliases; len(a) != 1 || a[0] != "DL3002" {
		t.Errorf("RootFinalStage aliases %v\n%s", a, out)
	}
	if f := byCode["PipCacheDir"]; !f.Fixable || len(f.Aliases) != 1 || f.Aliases[0] != "DL3042" {
		t.Errorf("PipCacheDir %+v", f)
	}
	if f, ok := byCode["ToolchainInFinalStage"]; !ok || f.Aliases != nil || f.Fixable {
		t.Errorf("ToolchainInFinalStage %+v (present %v)", f, ok)
	}
	if !strings.Contains(out, `"aliases": [`) || strings.Contains(out, `"aliases": null`) {
		t.Errorf("aliases field shape:\n%s", out)
	}

	out, _, _ = runMsls(t, "", "check", "--format", "sarif", dir)
	var log sarifLog
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	for _, r := range run.Results {
		rule := run.Tool.Driver.Rules[r.RuleIndex]
		switch r.RuleID {
		case "RootFinalStage":
			if a, _ := r.Properties["aliases"].([]any); len(a) != 1 || a[0] != "DL3002" {
				t.Errorf("result properties %v", r.Properties)
			}
			if a, _ := rule.Properties["aliases"].([]any); len(a) != 1 || a[0] != "DL3002" {
				t.Errorf("rule properties %v", rule.Properties)
			}
		case "PipCacheDir":
			if r.Properties["fixable"] != true || rule.Properties["fixable"] != true {
				t.Errorf("PipCacheDir properties %v / %v", r.Properties, rule.Properties)
			}
		case "ToolchainInFinalStage":
			if r.Properties != nil {
				t.Errorf("ToolchainInFinalStage properties %v", r.Properties)
			}
		}
	}
}
