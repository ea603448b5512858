package diagnostics

import (
	"fmt"
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

// Issue 16 item 9: every stage kept a copy of its whole ancestry and
// checkPipCacheDir walked every stage's chain, so n chained stages cost
// n²/2 words: 10,000 stages allocated 2.5 GB and 30,000 ran out of memory.
// BuildKit's checks (one pass over the file) and checkPipCacheDir must stay
// linear. Allocation is counted, not time.
func TestChainedStagesLinearMemory(t *testing.T) {
	const n = 10000
	f := chainedStages(n)
	if len(f.Stages) != n {
		t.Fatalf("%d stages", len(f.Stages))
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	pip := PipCacheDirRule.Check(f)
	bk := BuildKitFindings(f)
	runtime.ReadMemStats(&after)
	// n²/2 words would be 400 MB; linear is a few tens of MB.
	if got := after.TotalAlloc - before.TotalAlloc; got > 256<<20 {
		t.Errorf("BuildKit's checks + checkPipCacheDir allocated %d MB for %d chained stages", got>>20, n)
	}
	t.Logf("%d MB allocated for %d chained stages", (after.TotalAlloc-before.TotalAlloc)>>20, n)
	// still right: the ENV set in the first stage reaches the RUN in the last
	if len(pip) != 0 {
		t.Errorf("PIP_NO_CACHE_DIR set in the first stage did not reach the last: %v", pip)
	}
	for _, fd := range bk {
		t.Errorf("unexpected BuildKit finding on the chain: %s %s", fd.Code, fd.Message)
		break
	}
}

func TestPipNoCacheDirInherited(t *testing.T) {
	src := "FROM python AS base\nENV PIP_NO_CACHE_DIR=1\nFROM base AS mid\nFROM mid\nRUN pip install flask\n"
	if got := PipCacheDirRule.Check(dockerfile.Parse([]byte(src))); len(got) != 0 {
		t.Errorf("inherited PIP_NO_CACHE_DIR ignored: %v", got)
	}
	src = "FROM python AS base\nENV PIP_NO_CACHE_DIR=1\nFROM python AS other\nFROM other\nRUN pip install flask\n"
	if got := PipCacheDirRule.Check(dockerfile.Parse([]byte(src))); len(got) != 1 {
		t.Errorf("PIP_NO_CACHE_DIR of an unrelated stage counted: %v", got)
	}
}
