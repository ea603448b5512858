package diagnostics_test

import (
	"strings"
	"testing"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/corpustest"
)

// ruleSeeds exercise what the rules look at: installs and copies, users,
// toolchains, stage references, suppressions.
var ruleSeeds = []string{
	"FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\nCMD [\"node\", \"index.js\"]\n",
	"FROM golang:1.22 AS build\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN go build -o /app\nFROM gcr.io/distroless/static\nCOPY --from=build /app /app\nUSER nonroot\nENTRYPOINT [\"/app\"]\n",
	"FROM python:3.12\nCOPY . /app\nRUN pip install -r /app/requirements.txt\nUSER root\n",
	"FROM a AS x\nFROM b AS X\nCOPY --from=nope / /\nCOPY --from=x / /\nCOPY --from=2 / /\nCOPY --from= / /\n",
	"# msls ignore=CacheBustingCopy\nFROM node\n# hadolint ignore=DL3008\nCOPY . .\nRUN npm ci\n# check=skip=all\n",
	"# check=skip=JSONArgsRecommended;error=true\nFROM alpine\nCMD echo hi\nENTRYPOINT echo\nMAINTAINER me\n",
	"FROM rust:1 AS b\nRUN cargo build --release\nFROM rust:1\nCOPY --from=b /t /t\n",
	"FROM maven:3 AS b\nCOPY pom.xml .\nRUN mvn -B dependency:go-offline\nCOPY src src\nRUN mvn package\nFROM eclipse-temurin:21-jre\nCOPY --from=b /target/app.jar /app.jar\n",
	"FROM node:20\nRUN <<EOF\nnpm install\nEOF\nCOPY --chown=node . .\nUSER node\n",
	"ARG BASE=alpine\nFROM $BASE AS base\nFROM ${BASE:-x}\nONBUILD COPY . .\nONBUILD RUN npm i\n",
	"FROM mcr.microsoft.com/windows/servercore\nSHELL [\"powershell\"]\nRUN dir\n",
	"FROM scratch\nCOPY --from=busybox:latest /bin/sh /bin/sh\nUSER 0:0\n",
	"FROM node\nCOPY package*.json ./\nRUN npm ci && npm run build\nRUN apt-get update && apt-get install -y curl\n",
}

// FuzzRules runs every rule directly (Check recovers rule panics, which
// would hide them from the fuzzer) and checks what the findings promise.
func FuzzRules(f *testing.F) {
	for _, s := range ruleSeeds {
		f.Add([]byte(s))
	}
	for _, b := range corpustest.Seeds(1) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		file := dockerfile.Parse(text)
		for _, r := range diagnostics.Rules() {
			if r.Check == nil {
				continue
			}
			found := r.Check(file)
			for i := range found { // as the driver does
				if found[i].Code == "" {
					found[i].Code = r.Code
				}
				if found[i].Severity == 0 {
					found[i].Severity = r.Severity
				}
			}
			checkFindings(t, r.Code, text, found)
		}
		checkFindings(t, "BuildKit", text, diagnostics.BuildKitFindings(file))
		checkFindings(t, "Check", text, diagnostics.Check(file))
	})
}

func checkFindings(t *testing.T, who string, text []byte, findings []diagnostics.Finding) {
	t.Helper()
	n := len(text)
	valid := func(s dockerfile.Span) bool { return s.Start >= 0 && s.End <= n && s.Start <= s.End }
	for _, fd := range findings {
		if !valid(fd.Span) {
			t.Fatalf("%s: %s finding span %v outside the text [0,%d]\ninput %q", who, fd.Code, fd.Span, n, text)
		}
		if strings.TrimSpace(fd.Message) == "" || fd.Code == "" {
			t.Fatalf("%s: finding without a code or message: %+v\ninput %q", who, fd, text)
		}
		if fd.Severity < diagnostics.SeverityError || fd.Severity > diagnostics.SeverityHint {
			t.Fatalf("%s: %s finding with severity %d", who, fd.Code, fd.Severity)
		}
		for _, r := range fd.Related {
			if !valid(r.Span) {
				t.Fatalf("%s: %s related span %v outside the text [0,%d]\ninput %q", who, fd.Code, r.Span, n, text)
			}
		}
		for _, fix := range fd.Fixes {
			if _, err := corpustest.EditedStillParses(text, fix.Edits); err != nil {
				t.Fatalf("%s: %s fix %q: %v\ninput %q", who, fd.Code, fix.Title, err, text)
			}
		}
	}
}

// TestRulesOnCorpusSeeds keeps the fuzz properties in a plain `go test`.
func TestRulesOnCorpusSeeds(t *testing.T) {
	seeds := corpustest.Seeds(1)
	if len(seeds) == 0 {
		t.Skip("corpus not found (../shared/corpus or $MSLS_CORPUS)")
	}
	for _, text := range seeds {
		checkFindings(t, "Check", text, diagnostics.Check(dockerfile.Parse(text)))
	}
}
