package diagnostics

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
)

func chainedStages(n int) *dockerfile.File {
	var sb strings.Builder
	sb.WriteString("FROM alpine AS s0\nENV PIP_NO_CACHE_DIR=1\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&sb, "FROM s%d AS s%d\n", i-1, i)
	}
	sb.WriteString("RUN pip install flask\n")
	return dockerfile.Parse([]byte(sb.String()))
}

// Issue 16 item 9: every stage kept a copy of its whole ancestry
// (stageDeps) and checkPipCacheDir walked every stage's chain, so n chained
// stages cost n²/2 words twice over: 10,000 stages allocated 2.5 GB and
// 30,000 ran out of memory. Allocation is counted, not time.
func TestChainedStagesLinearMemory(t *testing.T) {
	const n = 10000
	f := chainedStages(n)
	if len(f.Stages) != n {
		t.Fatalf("%d stages", len(f.Stages))
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	deps := stageDeps(f)
	pip := checkPipCacheDir(f)
	runtime.ReadMemStats(&after)
	// n²/2 words would be 400 MB per copy; linear is well under 10 MB.
	if got := after.TotalAlloc - before.TotalAlloc; got > 64<<20 {
		t.Errorf("stageDeps + checkPipCacheDir allocated %d MB for %d chained stages", got>>20, n)
	}
	// still right: the last stage's ancestry is every earlier stage, and
	// the ENV set in the first stage reaches the RUN in the last
	if len(deps[n-1]) != n-1 || deps[n-1][0] != 0 || deps[n-1][n-2] != n-2 {
		t.Errorf("deps of the last stage: %d entries", len(deps[n-1]))
	}
	if len(pip) != 0 {
		t.Errorf("PIP_NO_CACHE_DIR set in the first stage did not reach the last: %v", pip)
	}
}

func TestStageDepsSharedListsStayApart(t *testing.T) {
	src := "FROM alpine AS a\nFROM a AS b\nFROM a AS c\nFROM b AS d\nFROM c AS e\nFROM b AS f\nARG X=d\nFROM ${X} AS g\nFROM scratch\n"
	// the ARG after a FROM is not global: ${X} does not resolve
	src = "ARG X=d\n" + src
	f := dockerfile.Parse([]byte(src))
	deps := stageDeps(f)
	want := [][]int{nil, {0}, {0}, {0, 1}, {0, 2}, {0, 1}, {0, 1, 3}, nil}
	for k := range want {
		if len(want[k]) == 0 && len(deps[k]) == 0 {
			continue
		}
		if !reflect.DeepEqual(deps[k], want[k]) {
			t.Errorf("deps[%d] = %v, want %v", k, deps[k], want[k])
		}
	}
	// an append by a caller must not write into a list another stage shares
	_ = append(deps[1], 99)
	_ = append(deps[3], 98)
	if !reflect.DeepEqual(deps[3], []int{0, 1}) || !reflect.DeepEqual(deps[6], []int{0, 1, 3}) || !reflect.DeepEqual(deps[5], []int{0, 1}) {
		t.Errorf("shared lists changed: %v %v %v", deps[3], deps[5], deps[6])
	}
}

func TestPipNoCacheDirInherited(t *testing.T) {
	src := "FROM python AS base\nENV PIP_NO_CACHE_DIR=1\nFROM base AS mid\nFROM mid\nRUN pip install flask\n"
	if got := checkPipCacheDir(dockerfile.Parse([]byte(src))); len(got) != 0 {
		t.Errorf("inherited PIP_NO_CACHE_DIR ignored: %v", got)
	}
	src = "FROM python AS base\nENV PIP_NO_CACHE_DIR=1\nFROM python AS other\nFROM other\nRUN pip install flask\n"
	if got := checkPipCacheDir(dockerfile.Parse([]byte(src))); len(got) != 1 {
		t.Errorf("PIP_NO_CACHE_DIR of an unrelated stage counted: %v", got)
	}
}

// A long chain is linted as one file: staging it would lint every stage
// with its whole ancestry (quadratic), while a file of a few stages is
// still staged.
func TestLongChainsAreNotStaged(t *testing.T) {
	f := chainedStages(3000)
	if _, ok := planStages(f, f.LintInput()); ok {
		t.Error("a chain of 3,000 stages was staged")
	}
	f = chainedStages(6)
	if _, ok := planStages(f, f.LintInput()); !ok {
		t.Error("a chain of 6 stages was not staged")
	}
}
