package diagnostics

import (
	"fmt"
	"strings"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
)

// A long FROM chain where every stage copies the context and installs: the
// chain-aware rules stay linear (each install looks back a bounded number
// of copies) and report each copy once.
func TestCacheBustLongChain(t *testing.T) {
	n := 30000
	if testing.Short() {
		n = 3000
	}
	var b strings.Builder
	b.WriteString("FROM node:20 AS s0\nWORKDIR /app\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "FROM s%d AS s%d\nCOPY . .\nRUN npm ci\n", i-1, i)
	}
	f := dockerfile.Parse([]byte(b.String()))
	hits := CacheBust(f)
	// every install is busted by the earliest broad copy within reach
	if len(hits) != n-1 {
		t.Fatalf("%d hits for %d installs", len(hits), n-1)
	}
	if got := lineOf(f, hits[0].Copy.Span.Start); got != 4 {
		t.Errorf("first hit on line %d", got)
	}
	fds := checkCacheBustingCopy(f)
	if len(fds) == 0 || len(fds) > n {
		t.Errorf("%d findings", len(fds))
	}
}
