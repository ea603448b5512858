package buildmodel

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
)

func build(t *testing.T, text string) *Model {
	t.Helper()
	return Build(dockerfile.Parse([]byte(text)))
}

func TestInheritance(t *testing.T) {
	m := build(t, `ARG BASE=/srv
FROM node:20 AS base
ARG BASE
ENV APP=/app
WORKDIR $APP
USER node
COPY package.json ./
RUN npm ci
FROM base AS build
WORKDIR src
COPY . .
RUN cd web && npm run build
FROM build AS final
SHELL ["pwsh", "-c"]
RUN Get-Thing
CMD ["node", "server.js"]
`)
	if len(m.Stages) != 3 {
		t.Fatalf("stages: %d", len(m.Stages))
	}
	fin := m.Final()
	if fin.Parent != m.Stages[1] || fin.Root != m.Stages[0] || fin.Depth != 2 {
		t.Errorf("chain: parent %v root %v depth %d", fin.Parent.Name, fin.Root.Name, fin.Depth)
	}
	e := fin.End
	if e.Workdir != "/app/src" || !e.WorkdirKnown || e.User != "node" || e.Cmd == nil {
		t.Errorf("end state: workdir %q %v user %q cmd %v", e.Workdir, e.WorkdirKnown, e.User, e.Cmd)
	}
	if v, ok := m.Lookup(e, "APP"); !ok || v.Value != "/app" {
		t.Errorf("ENV APP not inherited: %+v %v", v, ok)
	}
	if !e.DepsDone(m.Stages[0].Steps[5].Installs[0].Eco) {
		t.Errorf("npm ci of the base stage not inherited")
	}
	// copies along the chain, newest first: COPY . . then COPY package.json
	var got []string
	for c := range e.Copies.All {
		got = append(got, fmt.Sprintf("%s@%s:%v", c.Dest, c.Stage.Name, c.Kind))
	}
	if strings.Join(got, " ") != "/app/src@build:1 /app@base:0" {
		t.Errorf("copies: %v", got)
	}
	// the build RUN runs in /app/src/web
	for _, s := range m.Stages[1].Steps {
		for _, c := range s.Commands() {
			if d, ok := s.Dir(c); c.Name() == "npm" && (d != "/app/src/web" || !ok) {
				t.Errorf("npm run build in %q %v", d, ok)
			}
		}
	}
	// a PowerShell RUN is unknown, not empty
	last := fin.Steps[1]
	if !last.Unknown || len(last.Commands()) != 0 {
		t.Errorf("pwsh RUN: unknown=%v commands=%d", last.Unknown, len(last.Commands()))
	}
}

func TestEntrypointResetsInheritedCmd(t *testing.T) {
	m := build(t, "FROM x AS a\nCMD [\"a\"]\nFROM a\nENTRYPOINT [\"b\"]\n")
	if m.Final().End.Cmd != nil || m.Final().End.Entrypoint == nil {
		t.Errorf("ENTRYPOINT must reset the CMD inherited from the parent stage")
	}
	m = build(t, "FROM x\nCMD [\"a\"]\nENTRYPOINT [\"b\"]\n")
	if m.Final().End.Cmd == nil {
		t.Errorf("a CMD of the same stage stays")
	}
}

func TestCleanSource(t *testing.T) {
	for src, want := range map[string]string{".": ".", "./": ".", "../../..": ".", "../../../": ".", "../../src": "src", "./a/../b/": "b/", "*": "*", "/abs/x": "abs/x", "https://x/y": "https://x/y"} {
		if got := CleanSource(src); got != want {
			t.Errorf("CleanSource(%q) = %q, want %q", src, got, want)
		}
	}
	m := build(t, "FROM x\nCOPY ../.. /src\nCOPY ./lib/ /lib/\nCOPY go.mod go.sum ./\nCOPY --from=b /x /y\n")
	var kinds []CopyKind
	for _, s := range m.Final().Steps {
		kinds = append(kinds, s.Copy.Kind)
	}
	if fmt.Sprint(kinds) != "[1 2 0 0]" {
		t.Errorf("kinds %v", kinds)
	}
}

type fakeContext map[string][]string

func (c fakeContext) Match(src string) ([]string, bool) {
	f, ok := c[src]
	return f, ok
}

func TestContextHook(t *testing.T) {
	f := dockerfile.Parse([]byte("FROM x\nCOPY ./requirements /requirements\nCOPY src /src\n"))
	m := BuildWith(f, fakeContext{"requirements": {"requirements/base.txt"}})
	steps := m.Final().Steps
	if files, ok := m.Files(steps[0].Copy, 0); !ok || len(files) != 1 {
		t.Errorf("context answer lost: %v %v", files, ok)
	}
	if _, ok := m.Files(steps[1].Copy, 0); ok {
		t.Errorf("a source the context does not know must be unknown")
	}
	if _, ok := Build(f).Files(steps[0].Copy, 0); ok {
		t.Errorf("no context: unknown")
	}
}

// 30,000 chained stages: linear memory, no recursion along the chain.
func TestLongChain(t *testing.T) {
	n := 30000
	if testing.Short() {
		n = 5000
	}
	var b strings.Builder
	b.WriteString("FROM alpine AS s0\nWORKDIR /a\nCOPY . .\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "FROM s%d AS s%d\nENV V%d=%d\nRUN cd sub && make\n", i-1, i, i, i)
	}
	f := dockerfile.Parse([]byte(b.String()))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m := Build(f)
	runtime.ReadMemStats(&after)
	fin := m.Final()
	if fin.Depth != n-1 || fin.Root != m.Stages[0] || fin.End.Workdir != "/a" {
		t.Fatalf("depth %d root %v workdir %q", fin.Depth, fin.Root.Name, fin.End.Workdir)
	}
	if v, ok := m.Lookup(fin.End, "V1"); !ok || v.Value != "1" {
		t.Errorf("deep lookup failed")
	}
	// per stage a few hundred bytes: far from the n²/2 a copied ancestry costs
	if per := (after.TotalAlloc - before.TotalAlloc) / uint64(n); per > 8<<10 {
		t.Errorf("%d bytes allocated per stage", per)
	}
}
