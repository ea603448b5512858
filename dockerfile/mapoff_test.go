package dockerfile

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"
)

// mapOffLinear is the reference: the first segment ending after lo, the
// last one past the end.
func mapOffLinear(segs []segment, lo int) int {
	for i, s := range segs {
		if lo < s.log+s.n || i == len(segs)-1 {
			return s.src + (lo - s.log)
		}
	}
	return 0
}

func randomSegs(r *rand.Rand, n int) []segment {
	segs := make([]segment, n)
	log, src := 0, 0
	for i := range segs {
		src += r.Intn(5) // the gap a line join leaves in the source
		segs[i] = segment{log: log, src: src, n: 1 + r.Intn(6)}
		log += segs[i].n
		src += segs[i].n
	}
	return segs
}

func TestMapOffAgreesWithLinear(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for _, n := range []int{1, 2, 3, 7, 64, 1000} {
		segs := randomSegs(r, n)
		end := segs[n-1].log + segs[n-1].n
		for lo := 0; lo <= end+3; lo++ {
			if got, want := mapOff(segs, lo), mapOffLinear(segs, lo); got != want {
				t.Fatalf("n=%d lo=%d: mapOff %d, linear %d", n, lo, got, want)
			}
		}
	}
	if mapOff(nil, 3) != 0 {
		t.Fatal("no segments")
	}
}

// The cost of mapping every offset of a continued instruction must grow
// like n log n, not n² (issue 16 item 10: 40,000 continued lines took
// 2.7 s, again on every keystroke). The test compares the growth of the
// best of several runs at 5,000 and 40,000 segments: 8x the segments costs
// ~10x when lookups are logarithmic and ~64x when they scan. It asserts a
// ratio, not a time.
func TestMapOffGrowth(t *testing.T) {
	if testing.Short() {
		t.Skip("timing ratio; skipped with -short")
	}
	r := rand.New(rand.NewSource(2))
	cost := func(n int) time.Duration {
		segs := randomSegs(r, n)
		end := segs[n-1].log + segs[n-1].n
		best := time.Duration(1 << 62)
		for rep := 0; rep < 5; rep++ {
			t0 := time.Now()
			sum := 0
			for lo := 0; lo < end; lo++ {
				sum += mapOff(segs, lo)
			}
			if d := time.Since(t0); d < best {
				best = d
			}
			if sum < 0 {
				t.Fatal(sum)
			}
		}
		return best
	}
	small, large := cost(5000), cost(40000)
	if ratio := float64(large) / float64(small); ratio > 30 {
		t.Fatalf("8x the segments cost %.0fx (%v -> %v): lookups are not logarithmic", ratio, small, large)
	}
}

// BenchmarkParseLongContinuation parses one RUN continued over n lines.
func BenchmarkParseLongContinuation(b *testing.B) {
	for _, n := range []int{5000, 10000, 20000, 40000} {
		var sb strings.Builder
		sb.WriteString("FROM alpine\nRUN echo start \\\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&sb, "  && echo %d \\\n", i)
		}
		sb.WriteString("  && true\n")
		text := []byte(sb.String())
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				Parse(text)
			}
		})
	}
}
