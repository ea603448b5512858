package codeactions_test

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/msls-dev/msls/codeactions"
	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/corpustest"
)

// memContext is a build context held in memory: the manifests the actions
// look for, so the fuzzer reaches the ecosystem-specific paths.
type memContext map[string]string

func (m memContext) Exists(rel string) bool {
	if _, ok := m[rel]; ok {
		return true
	}
	for k := range m {
		if strings.HasPrefix(k, strings.TrimSuffix(rel, "/")+"/") {
			return true
		}
	}
	return false
}

func (m memContext) ReadFile(rel string) ([]byte, error) {
	if s, ok := m[rel]; ok {
		return []byte(s), nil
	}
	return nil, fs.ErrNotExist
}

var contexts = []codeactions.Context{
	nil,
	memContext{
		"package.json": `{"name":"x","scripts":{"build":"tsc","start":"node dist/index.js"},"dependencies":{"next":"14"}}`, "package-lock.json": "{}",
		"go.mod": "module example.com/x\n\ngo 1.22\n", "go.sum": "",
		"requirements.txt": "flask\n", "pyproject.toml": "[tool.poetry]\nname='x'\n", "poetry.lock": "",
		"pom.xml": "<project/>", "Cargo.toml": "[package]\nname='x'\n", "Cargo.lock": "", "Gemfile": "", "Gemfile.lock": "",
		"composer.json": "{}", "composer.lock": "{}", "src/main.go": "package main\n",
	},
}

var actionSeeds = []string{
	"FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\nRUN npm run build\nCMD [\"node\", \"dist/index.js\"]\n",
	"FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/app ./...\nENTRYPOINT [\"/bin/app\"]\n",
	"FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD python app.py\n",
	"FROM maven:3-eclipse-temurin-21\nCOPY . .\nRUN mvn -B package\nCMD java -jar target/app.jar\n",
	"FROM rust:1\nCOPY . .\nRUN cargo build --release\nCMD [\"./target/release/app\"]\n",
	"FROM ruby:3\nCOPY . .\nRUN bundle install\nCMD [\"ruby\", \"app.rb\"]\n",
	"FROM a AS x\nFROM b AS X\nCOPY --from=nope / /\nCOPY --from=X / /\ncmd echo\nMAINTAINER me\n",
	"FROM alpine\nRUN apt-get update && apt-get install -y curl\nENV A 1\nCMD echo hi\n",
	"\xef\xbb\xbfFROM node:20\r\nCOPY . .\r\nRUN npm ci\r\n",
	"# escape=`\nFROM node:20\nCOPY . .\nRUN npm ci `\n  && npm test\n",
	"FROM node:20 AS base\nONBUILD COPY . .\nFROM base\nRUN <<EOF\nnpm ci\nEOF\n",
	"FROM node\nCOPY package.json .\nRUN npm i\nCOPY . .\nUSER root\n",
}

// FuzzActions computes every code action for a range over the whole file,
// over each finding, and at each instruction, plus fix-all, and checks that
// every edit set applies cleanly and keeps the file parsing with BuildKit
// (when it did before).
func FuzzActions(f *testing.F) {
	for _, s := range actionSeeds {
		f.Add([]byte(s))
	}
	for _, b := range corpustest.Seeds(1) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		for _, err := range CheckActions(text, contexts) {
			t.Fatalf("%v\ninput %q", err, text)
		}
	})
}

// CheckActions returns the problems of the actions offered on text.
func CheckActions(text []byte, ctxs []codeactions.Context) []error {
	file := dockerfile.Parse(text)
	findings := diagnostics.Check(file)
	ranges := []dockerfile.Span{{Start: 0, End: len(text)}}
	for _, fd := range findings {
		ranges = append(ranges, fd.Span)
	}
	for _, in := range file.Instructions {
		ranges = append(ranges, dockerfile.Span{Start: in.Span.Start, End: in.Span.Start})
	}
	var errs []error
	for ci, ctx := range ctxs {
		seen := map[string]bool{}
		check := func(a codeactions.Action) {
			key := fmt.Sprint(a.Title, a.Edits)
			if seen[key] {
				return
			}
			seen[key] = true
			if a.Title == "" {
				errs = append(errs, fmt.Errorf("context %d: action without a title: %+v", ci, a))
			}
			if _, err := corpustest.EditedStillParses(text, a.Edits); err != nil {
				errs = append(errs, fmt.Errorf("context %d: action %q (%s): %v", ci, a.Title, a.Kind, err))
			}
		}
		for _, r := range ranges {
			for _, a := range codeactions.Actions(codeactions.Request{File: file, Range: r, Findings: findings, Context: ctx}) {
				check(a)
			}
		}
		for _, a := range codeactions.Actions(codeactions.Request{File: file, Range: ranges[0], Context: ctx,
			Only: []codeactions.Kind{codeactions.KindSourceFixAll, codeactions.KindFixAllMsls}}) {
			check(a)
		}
		out, _ := codeactions.FixAllText(text, ctx, nil)
		if before, _ := corpustest.BuildKit(text); before > corpustest.BuildKitRejects {
			if after, err := corpustest.BuildKit(out); after < before {
				errs = append(errs, fmt.Errorf("context %d: FixAllText: BuildKit %s before, %s after: %v", ci, before, after, err))
			}
		}
	}
	return errs
}
