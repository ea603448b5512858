package dockerfile

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
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

// Mapping every offset of a continued instruction must cost n log n
// segment looks, not n² (issue 16 item 10: 40,000 continued lines took
// 2.7 s, again on every keystroke). Looks are counted, not timed.
func TestMapOffLooksLogarithmic(t *testing.T) {
	looks := 0
	mapOffProbe = func() { looks++ }
	defer func() { mapOffProbe = nil }()
	r := rand.New(rand.NewSource(2))
	for _, n := range []int{5000, 40000} {
		segs := randomSegs(r, n)
		end := segs[n-1].log + segs[n-1].n
		looks = 0
		for lo := 0; lo < end; lo++ {
			mapOff(segs, lo)
		}
		// binary search: at most ceil(log2 n)+1 looks per lookup
		bound := 0
		for x := n; x > 0; x >>= 1 {
			bound++
		}
		if per := float64(looks) / float64(end); per > float64(bound+1) {
			t.Errorf("%d segments: %.1f looks per lookup, want at most %d", n, per, bound+1)
		}
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
