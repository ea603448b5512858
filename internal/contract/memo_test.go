package contract

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/msls-dev/msls/bench/benchdata"
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/corpustest"
)

// memoSnippets are lines the random edits insert: what the checks react to
// (directories made twice, users, installs, copies between stages, new and
// renamed stages, a `||` on the line after a mkdir, ONBUILD, parse errors).
var memoSnippets = []string{
	"RUN mkdir /app", "RUN mkdir /app/dist", "WORKDIR /app", "WORKDIR app", "USER node", "USER root",
	"RUN npm ci", "RUN npm ci --omit=dev", "RUN go build -o /out/app .", "COPY . .", "COPY package.json ./",
	"COPY --from=build /app/dist ./dist", "COPY --from=0 /app /app", "COPY --from=base /out/app /usr/local/bin/app",
	"FROM node:20 AS build", "FROM build AS base", "FROM base", "FROM gcr.io/distroless/static-debian12",
	"RUN mkdir /srv \\", "|| true", "ENV PATH=/opt/bin:$PATH", "ENV NODE_ENV=production", "RUN corepack enable",
	"CMD [\"pnpm\", \"start\"]", "CMD node server.js", "ENTRYPOINT [\"/app\"]", "ONBUILD RUN mkdir /app",
	"RUN cd /x && mkdir y", "# a comment", "", "COPY --from=", "RUN rm -rf /app && mkdir /app",
}

// randomEdit changes text the way typing does: a character typed or
// deleted, a line inserted, deleted or duplicated.
func randomEdit(r *rand.Rand, text []byte) []byte {
	lines := bytes.SplitAfter(text, []byte("\n"))
	lineStart := func(i int) int {
		n := 0
		for _, l := range lines[:i] {
			n += len(l)
		}
		return n
	}
	out := bytes.Clone(text)
	switch k := r.IntN(10); {
	case k < 3 && len(text) > 0: // type a character
		at := r.IntN(len(text) + 1)
		c := "abz/._-\n $|"[r.IntN(11)]
		return append(out[:at:at], append([]byte{c}, text[at:]...)...)
	case k < 5 && len(text) > 0: // delete one
		at := r.IntN(len(text))
		return append(out[:at:at], text[at+1:]...)
	case k < 8: // insert a line
		at := lineStart(r.IntN(len(lines) + 1))
		l := memoSnippets[r.IntN(len(memoSnippets))] + "\n"
		return append(out[:at:at], append([]byte(l), text[at:]...)...)
	case k < 9 && len(lines) > 1: // delete a line
		i := r.IntN(len(lines))
		at := lineStart(i)
		return append(out[:at:at], text[at+len(lines[i]):]...)
	case len(lines) > 0: // duplicate a line
		i := r.IntN(len(lines))
		at := lineStart(i)
		return append(out[:at:at], append(bytes.Clone(lines[i]), text[at:]...)...)
	}
	return out
}

// TestMemoEqualsFresh types random edits into the corpus files and the
// benchmark fixtures, each version parsed from the one before as the
// server does, and checks that the contract of every version (which takes
// the stages its edit left alone from the versions before) is the contract
// of the same text parsed and checked afresh. It also checks an older
// version again now and then (its stages' memos have moved on).
func TestMemoEqualsFresh(t *testing.T) {
	srcs := map[string][]byte{}
	for _, name := range []string{benchdata.MediumFile, "monorepo-node-go-python.Dockerfile"} {
		raw, err := benchdata.Read(name)
		if err != nil {
			t.Fatal(err)
		}
		srcs[name] = raw
	}
	dir, ok := corpustest.Required(t)
	if ok {
		files, err := corpustest.Files(dir)
		if err != nil {
			t.Fatal(err)
		}
		// the multi-stage files (where stages depend on each other);
		// with -short a tenth of them
		n := 0
		for _, p := range files {
			if !strings.Contains(strings.ToLower(filepath.Base(p)), "dockerfile") {
				continue
			}
			raw, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if len(dockerfile.Parse(raw).Stages) < 2 {
				continue
			}
			if n++; testing.Short() && n%10 != 0 {
				continue
			}
			srcs[p] = raw
		}
	}
	edits := 20
	reused, built, problems := 0, 0, 0
	for name, raw := range srcs {
		r := rand.New(rand.NewPCG(uint64(len(raw)), 11))
		text := raw
		f := dockerfile.Parse(text)
		Check(f, nil)
		var old []*dockerfile.File
		for e := range edits {
			text = randomEdit(r, text)
			f = dockerfile.ParseFrom(f, text)
			old = append(old, f)
			m := build(f, nil)
			reused += m.reused
			built += len(m.results) - m.reused
			got := Check(f, nil)
			want := Check(dockerfile.Parse(text), nil)
			problems += len(want)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s, edit %d: memoised contract differs from a fresh one\ngot  %s\nwant %s\ntext:\n%s", filepath.Base(name), e, fmtProblems(got), fmtProblems(want), text)
			}
			if e%7 == 6 {
				g := old[r.IntN(len(old))]
				if got, want := Check(g, nil), Check(dockerfile.Parse(g.Text), nil); !reflect.DeepEqual(got, want) {
					t.Fatalf("%s: an older version, checked again, differs from a fresh check\ngot  %s\nwant %s", filepath.Base(name), fmtProblems(got), fmtProblems(want))
				}
			}
		}
	}
	t.Logf("%d files, %d edits each: %d stages taken from earlier versions, %d built; %d problems", len(srcs), edits, reused, built, problems)
	// the test is only worth something when both paths ran
	if reused == 0 || built == 0 || problems == 0 {
		t.Fatalf("reused %d, built %d, problems %d: the edits did not exercise the memo", reused, built, problems)
	}
}

func fmtProblems(ps []Problem) string {
	var b bytes.Buffer
	for _, p := range ps {
		fmt.Fprintf(&b, "\n  %s %v %s", p.Kind, p.Span, p.Message)
	}
	return b.String()
}

// TestMemoMovesLines follows a NonRootWriteRootDir problem whose message
// names the line of a WORKDIR in the stage the problem's stage builds on,
// through edits that move that line while both stages are taken from the
// version before, and edits inside the stages.
func TestMemoMovesLines(t *testing.T) {
	text := "ARG V=1\nFROM node:20-slim AS base\nWORKDIR /app\nCOPY package.json ./\n\nFROM base AS deps\nUSER node\nRUN npm ci\n"
	f := dockerfile.Parse([]byte(text))
	for _, step := range []struct {
		at     string // insert before the first occurrence of at
		insert string
		line   string // the line the message must name
		reused int    // how many stages must come from the version before
	}{
		{"", "", "line 3", 0},
		{"\nFROM node", " \\\n  W=2", "line 4", 2},            // both stages move a line down
		{"COPY package.json", "# inside base\n", "line 4", 2}, // same instructions in base
		{"\nFROM node", " \\\n  X=3", "line 5", 2},
		{"RUN npm ci", "# inside deps\n", "line 5", 2},
		{"\nFROM base", "ENV A=1\n", "line 5", 0}, // base changes, and so deps
	} {
		if step.insert != "" {
			i := strings.Index(text, step.at)
			text = text[:i] + step.insert + text[i:]
			f = dockerfile.ParseFrom(f, []byte(text))
		}
		m := build(f, nil)
		got := Check(f, nil)
		if want := Check(dockerfile.Parse([]byte(text)), nil); !reflect.DeepEqual(got, want) {
			t.Fatalf("after inserting %q: got %s\nwant %s", step.insert, fmtProblems(got), fmtProblems(want))
		}
		if len(got) != 1 || got[0].Kind != NonRootWriteRootDir || !strings.Contains(got[0].Message, "("+step.line+")") {
			t.Fatalf("after inserting %q: want one NonRootWriteRootDir naming %s, got %s", step.insert, step.line, fmtProblems(got))
		}
		if m.reused != step.reused {
			t.Errorf("after inserting %q: %d stages reused, want %d", step.insert, m.reused, step.reused)
		}
	}
}

// TestMemoSourceAnswers follows a stage that copies from another through
// edits of the stage it copies from: one that leaves what it asked of it
// unchanged (the stage is taken again), one that renames it (the message
// names it), and one that makes the path it copies.
func TestMemoSourceAnswers(t *testing.T) {
	text := "FROM node:20 AS build\nWORKDIR /app\nRUN npm ci\n\nFROM node:20-slim\nCOPY --from=build /app/dist ./dist\n"
	f := dockerfile.Parse([]byte(text))
	for _, step := range []struct {
		old, new string // replace the first old by new
		want     string // the message must contain it; "" for no problem
		reused   int
	}{
		{"", "", "stage `build` does not produce /app/dist", 0},
		{"npm ci", "npm ci && echo built", "stage `build` does not produce /app/dist", 1},
		{"AS build", "AS BUILD", "stage `BUILD` does not produce /app/dist", 0},
		{"echo built", "mkdir -p /app/dist", "", 0},
	} {
		if step.old != "" {
			text = strings.Replace(text, step.old, step.new, 1)
			f = dockerfile.ParseFrom(f, []byte(text))
		}
		m := build(f, nil)
		got := Check(f, nil)
		if want := Check(dockerfile.Parse([]byte(text)), nil); !reflect.DeepEqual(got, want) {
			t.Fatalf("after %q: got %s\nwant %s", step.new, fmtProblems(got), fmtProblems(want))
		}
		if step.want == "" && len(got) != 0 || step.want != "" && (len(got) != 1 || !strings.Contains(got[0].Message, step.want)) {
			t.Fatalf("after %q: want %q, got %s", step.new, step.want, fmtProblems(got))
		}
		if m.reused != step.reused {
			t.Errorf("after %q: %d stages reused, want %d", step.new, m.reused, step.reused)
		}
	}
}
