package codeactions

import (
	"strings"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/corpustest"
)

const naiveNodeSplit = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\nRUN npm run build\nCMD [\"node\", \"dist/server.js\"]\n"

// TestSplitRefusal checks that a refused split says why, in terms a user
// can act on.
func TestSplitRefusal(t *testing.T) {
	pkg := `{"scripts":{"build":"tsc"}}`
	goApp := "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/app .\nCMD [\"/bin/app\"]\n"
	for _, tc := range []struct {
		name, docker string
		ctx          Context
		want         string // a substring of the reason; "" = offered
	}{
		{"offered without context", naiveNodeSplit, nil, ""},
		{"offered with context", naiveNodeSplit, MapContext{"package.json": pkg}, ""},
		{"no package.json", naiveNodeSplit, MapContext{"src/index.ts": ""}, "no package.json in the build context"},
		{"invalid package.json", naiveNodeSplit, MapContext{"package.json": "{"}, "package.json in the build context is not valid JSON"},
		{"workspaces", naiveNodeSplit, MapContext{"package.json": `{"workspaces":["a"]}`}, "declares workspaces"},
		{"lifecycle script", naiveNodeSplit, MapContext{"package.json": `{"scripts":{"postinstall":"x"}}`}, `"postinstall" script`},
		{"lockfile of another manager", strings.Replace(naiveNodeSplit, "npm install", "yarn install", 1), MapContext{"package.json": pkg, "package-lock.json": "{}"}, "installs with yarn but the build context has the lockfile(s) package-lock.json"},
		{"no install", "FROM node:20\nWORKDIR /app\nCOPY . .\nCMD [\"node\", \"x.js\"]\n", nil, "no dependency install"},
		{"unknown image", "FROM ubuntu:24.04\nRUN make\n", nil, "the base image ubuntu:24.04 is not an official node, golang or python image"},
		{"no FROM", "", nil, "there is no FROM instruction"},
		{"parse error", "FROM node:20\nFORM x\n", nil, "the file has errors (line 2"},
		{"already split", "FROM node:20 AS build\nRUN npm ci\nFROM node:20-slim\nCOPY --from=build /app /app\n", nil, "copies from stage `build` (line 4): the build is already multi-stage"},
		{"built on a stage", "FROM node:20 AS base\nFROM base\nRUN npm ci\n", nil, "builds on stage `base`"},
		{"pinned platform", "FROM --platform=linux/arm64 node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n", nil, "--platform=linux/arm64"},
		{"relative workdir", strings.Replace(naiveNodeSplit, "WORKDIR /app", "WORKDIR app", 1), nil, "WORKDIR on line 2 is not one absolute path"},
		{"workdir not UTF-8", strings.Replace(naiveNodeSplit, "WORKDIR /app", "WORKDIR /\x86", 1), nil, "WORKDIR on line 2 is not valid UTF-8"},
		{"unplaceable instruction", strings.Replace(naiveNodeSplit, "WORKDIR /app\n", "WORKDIR /app\nSHELL [\"/bin/bash\", \"-c\"]\n", 1), nil, "line 3 (`SHELL [\"/bin/bash\", \"-c\"]`) has no safe place"},
		{"go without go.mod", goApp, MapContext{"main.go": ""}, "no go.mod in the build context"},
		{"go install", strings.Replace(goApp, "go build -o /bin/app .", "go install ./cmd/app", 1), MapContext{"go.mod": "module x\n"}, "`go install`"},
		{"go with cgo", strings.Replace(goApp, "go build", "CGO_ENABLED=1 go build", 1), MapContext{"go.mod": "module x\n"}, "CGO_ENABLED=1"},
		{"unparsable RUN", strings.Replace(naiveNodeSplit, "RUN npm run build", "RUN npm run build && if then fi (", 1), nil, "has no safe place"},
		{"contract: build output elsewhere", "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN npm run build\nCMD [\"node\", \"dist/server.js\"]\n",
			MapContext{"package.json": `{"scripts":{"build":"tsc"},"dependencies":{"express":"4"}}`, "package-lock.json": "{}", "tsconfig.json": `{"compilerOptions":{"outDir":"build"}}`},
			"the split would break the build (CopyFromNotProduced"},
		{"dev server", strings.Replace(naiveNodeSplit, `["node", "dist/server.js"]`, `["npm", "start"]`, 1), MapContext{"package.json": `{"scripts":{"build":"tsc","start":"nodemon dist/server.js"}}`}, "development server, `nodemon`"},
		{"python without install", "FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD [\"python\", \"app.py\"]\n", nil, "no dependency install"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := dockerfile.Parse([]byte(tc.docker))
			got := SplitRefusal(f, tc.ctx)
			_, offered := Split(f, tc.ctx)
			switch {
			case offered != (got == ""):
				t.Fatalf("Split offered=%v but SplitRefusal = %q", offered, got)
			case tc.want == "" && got != "":
				t.Fatalf("refused: %s", got)
			case tc.want != "" && !strings.Contains(got, tc.want):
				t.Fatalf("reason %q, want it to contain %q", got, tc.want)
			}
		})
	}
}

// TestSplitRefusalAgreesWithSplit: over the corpus seeds and the split
// goldens, with and without a context, a reason is given exactly when the
// split is refused, and it is one line.
func TestSplitRefusalAgreesWithSplit(t *testing.T) {
	inputs := corpustest.Seeds(1)
	for _, c := range loadGolden(t, "split") {
		inputs = append(inputs, c.docker)
	}
	refused := 0
	for _, text := range inputs {
		f := dockerfile.Parse(text)
		for _, ctx := range []Context{nil, MapContext{"package.json": `{}`, "go.mod": "module x\n"}} {
			why := SplitRefusal(f, ctx)
			_, ok := Split(f, ctx)
			if ok != (why == "") {
				t.Errorf("Split offered=%v, SplitRefusal=%q for:\n%s", ok, why, text)
			}
			if strings.ContainsAny(why, "\r\n") {
				t.Errorf("reason spans lines: %q", why)
			}
			if why != "" {
				refused++
			}
		}
	}
	if refused == 0 {
		t.Fatal("no refusal among the inputs: the check checked nothing")
	}
}

// TestSplitActionDisabled: a refused split is listed, with the reason, only
// to clients that show disabled actions, and never for files that are not
// split candidates at all.
func TestSplitActionDisabled(t *testing.T) {
	ctx := MapContext{"package.json": `{"scripts":{"start":"react-scripts start"},"devDependencies":{"react-scripts":"5"}}`}
	f := dockerfile.Parse([]byte("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\nCMD [\"npm\", \"start\"]\n"))
	a, ok := SplitAction(f, ctx, dockerfile.Span{})
	if !ok || a.Disabled == "" || len(a.Edits) != 0 || !strings.Contains(a.Disabled, "development server") {
		t.Fatalf("SplitAction = %+v, %v; want a disabled action with the reason", a, ok)
	}
	for _, support := range []bool{false, true} {
		acts := Actions(Request{File: f, Context: ctx, DisabledSupport: support, Only: []Kind{KindRefactorRewrite}})
		if got := len(acts) == 1 && acts[0].Disabled != ""; got != support {
			t.Errorf("DisabledSupport=%v: actions %+v", support, acts)
		}
	}
	other := dockerfile.Parse([]byte("FROM ubuntu:24.04\nRUN make\n"))
	if _, ok := SplitAction(other, nil, dockerfile.Span{}); ok {
		t.Error("a file that is no split candidate got a (disabled) split action")
	}
}

// TestDevOnlyImports: the scan follows the entry file's relative modules,
// reports packages that are only devDependencies, and ignores type-only
// imports and Node's own modules.
func TestDevOnlyImports(t *testing.T) {
	pkg := &packageJSON{Dependencies: map[string]string{"express": "4"}, DevDependencies: map[string]string{"ms": "2", "@scope/tool": "1", "typescript": "5", "zod": "3"}}
	ctx := MapContext{
		"src/index.ts":  "import express from 'express';\nimport type { Z } from 'zod';\nimport { db } from './db';\nimport fs from 'node:fs';\n",
		"src/db.ts":     "const ms = require('ms');\nexport * from \"@scope/tool/sub\";\n",
		"tsconfig.json": `{"compilerOptions":{"outDir":"dist","rootDir":"src"}}`,
		"server.js":     "require('express')\n",
		"package.json":  "{}",
		"unrelated.ts":  "import 'typescript'\n",
	}
	a := &analysis{ctx: ctx}
	got, known := a.devOnlyImports(pkg, a.sourceEntry("dist/index.js"))
	if !known || strings.Join(got, ",") != "ms,@scope/tool" {
		t.Fatalf("devOnlyImports = %v, %v; want [ms @scope/tool]", got, known)
	}
	if got, _ := a.devOnlyImports(pkg, "server.js"); len(got) != 0 {
		t.Fatalf("server.js: %v, want none", got)
	}
}
