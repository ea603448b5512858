package inlay

import (
	"fmt"
	"strings"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
)

// render writes the hints into the text as ⟨label⟩ at their offsets.
func render(f *dockerfile.File, hints []Hint) string {
	var b strings.Builder
	at := 0
	for _, h := range hints {
		b.Write(f.Text[at:h.Offset])
		fmt.Fprintf(&b, "⟨%s⟩", h.Label)
		at = h.Offset
	}
	b.Write(f.Text[at:])
	return b.String()
}

func all(f *dockerfile.File) dockerfile.Span { return dockerfile.Span{Start: 0, End: len(f.Text)} }

func TestHints(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"numeric from, named stage",
			"FROM golang:1.22 AS build\nFROM alpine\nCOPY --from=0 /out /app\n",
			"FROM golang:1.22 AS build\nFROM alpine\nCOPY --from=0⟨: build⟩ /out /app\n"},
		{"numeric from, unnamed stage",
			"FROM golang:1.22\nFROM alpine\nCOPY --from=0 /out /app\n",
			"FROM golang:1.22\nFROM alpine\nCOPY --from=0⟨: FROM golang:1.22⟩ /out /app\n"},
		{"named from and images get no hint",
			"FROM golang AS b\nFROM alpine\nCOPY --from=b /x /y\nCOPY --from=nginx /x /y\n",
			"FROM golang AS b\nFROM alpine\nCOPY --from=b /x /y\nCOPY --from=nginx /x /y\n"},
		{"index out of range or not earlier",
			"FROM a\nCOPY --from=1 /x /y\nCOPY --from=0 /x /y\nFROM b\nCOPY --from=7 /x /y\n",
			"FROM a\nCOPY --from=1 /x /y\nCOPY --from=0 /x /y\nFROM b\nCOPY --from=7 /x /y\n"},
		{"run mount from index",
			"FROM a AS deps\nFROM b\nRUN --mount=type=bind,from=0,target=/d ls /d\n",
			"FROM a AS deps\nFROM b\nRUN --mount=type=bind,from=0⟨: deps⟩,target=/d ls /d\n"},
		{"FROM variables from ARG defaults",
			"ARG BASE=\"node\"\nARG TAG=20-slim\nARG UNSET\nFROM ${BASE}:$TAG AS x\nFROM $UNSET\nARG TAG=other\nFROM $TAG\n",
			"ARG BASE=\"node\"\nARG TAG=20-slim\nARG UNSET\nFROM ${BASE}⟨= node⟩:$TAG⟨= 20-slim⟩ AS x\nFROM $UNSET\nARG TAG=other\nFROM $TAG⟨= 20-slim⟩\n"},
		{"variables outside FROM get no hint",
			"ARG V=1\nFROM a\nARG V\nRUN echo $V\n",
			"ARG V=1\nFROM a\nARG V\nRUN echo $V\n"},
		{"non-ASCII value",
			"ARG IMG=registry.example/café\nFROM $IMG\n",
			"ARG IMG=registry.example/café\nFROM $IMG⟨= registry.example/café⟩\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := dockerfile.Parse([]byte(tc.src))
			if got := render(f, Hints(f, all(f))); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestRangeFilter(t *testing.T) {
	src := "ARG A=1\nFROM x$A AS s\nFROM y$A\nCOPY --from=0 /a /b\n"
	f := dockerfile.Parse([]byte(src))
	line := func(n int) dockerfile.Span {
		return dockerfile.Span{Start: f.Lines.LineStart(n), End: f.Lines.LineEnd(n)}
	}
	if h := Hints(f, line(2)); len(h) != 1 || h[0].Label != "= 1" {
		t.Errorf("line 2 hints = %+v, want one \"= 1\"", h)
	}
	if h := Hints(f, line(3)); len(h) != 1 || h[0].Label != ": s" {
		t.Errorf("line 3 hints = %+v, want one \": s\"", h)
	}
	if h := Hints(f, line(0)); len(h) != 0 {
		t.Errorf("line 0 hints = %+v, want none", h)
	}
}

func TestLongValueClipped(t *testing.T) {
	long := strings.Repeat("x", 200)
	f := dockerfile.Parse([]byte("ARG B=" + long + "\nFROM $B\n"))
	h := Hints(f, all(f))
	if len(h) != 1 || len([]rune(h[0].Label)) > maxValue+2 || !strings.HasSuffix(h[0].Label, "…") {
		t.Errorf("hint = %+v", h)
	}
}
