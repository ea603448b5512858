package benchdata

import (
	"bytes"
	"strings"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
)

func TestAllSizes(t *testing.T) {
	sizes := MustAll(t)
	want := map[string][2]int{"small": {10, 10}, "medium": {198, 198}, "large": {LargeLines, LargeLines + 400}}
	if len(sizes) != len(want) {
		t.Fatalf("got %d sizes, want %d", len(sizes), len(want))
	}
	for _, s := range sizes {
		r, ok := want[s.Name]
		if !ok {
			t.Fatalf("unexpected size %q", s.Name)
		}
		if n := s.Lines(); n < r[0] || n > r[1] {
			t.Errorf("%s: %d lines, want %d..%d", s.Name, n, r[0], r[1])
		}
	}
}

func TestLargeRenamesStagesAndKeepsDirectivesOnce(t *testing.T) {
	base := []byte("# syntax=docker/dockerfile:1\nFROM alpine AS base\nRUN true\nFROM base AS final\n")
	got := string(Large(base, 10))
	if n := strings.Count(got, "# syntax="); n != 1 {
		t.Errorf("directive appears %d times, want once:\n%s", n, got)
	}
	for _, want := range []string{"AS base\n", "AS base-1\n", "AS final-2\n", "FROM base AS final-1\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if n := countLines([]byte(got)); n < 10 {
		t.Errorf("%d lines, want >= 10", n)
	}
}

func TestLargeOfEmptyBody(t *testing.T) {
	base := []byte("# syntax=docker/dockerfile:1\n")
	if got := Large(base, 100); !bytes.Equal(got, base) {
		t.Errorf("Large(directives only) = %q, want the input back", got)
	}
}

// The fixtures must stay valid Dockerfiles: a benchmark of a file full of
// parse errors would measure the error path, not the normal one.
func TestFixturesParseCleanly(t *testing.T) {
	for _, s := range MustAll(t) {
		f := dockerfile.Parse(s.Text)
		if len(f.Errors) != 0 {
			t.Errorf("%s: %d parse errors, first: %v", s.Name, len(f.Errors), f.Errors[0])
		}
		if len(f.Stages) < 2 {
			t.Errorf("%s: %d stages, want a multi-stage file", s.Name, len(f.Stages))
		}
	}
}

func TestSingleStageSizes(t *testing.T) {
	for _, s := range SingleStageSizes() {
		f := dockerfile.Parse(s.Text)
		if len(f.Errors) != 0 || len(f.Stages) != 1 {
			t.Errorf("%s: %d errors, %d stages; want a clean single stage", s.Name, len(f.Errors), len(f.Stages))
		}
	}
	for n, want := range map[int]int{10: 10, 200: 200, 10000: 10000} {
		if got := countLines(SingleStage(n)); got != want {
			t.Errorf("SingleStage(%d) has %d lines", n, got)
		}
	}
}
