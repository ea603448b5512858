package codeactions

import (
	"testing"

	"github.com/msls-dev/msls/bench/benchdata"
	"github.com/msls-dev/msls/dockerfile"
)

// BenchmarkSplitBySize runs the split refactor on single-stage Node.js files
// of 10, 200 and 10,000 lines (no build context: what the Dockerfile says
// must do), and the cheap refusal on the multi-stage fixtures.
func BenchmarkSplitBySize(b *testing.B) {
	for _, s := range benchdata.SingleStageSizes() {
		f := dockerfile.Parse(s.Text)
		if _, ok := Split(f, nil); !ok {
			b.Fatalf("%s: split refused the single-stage fixture", s.Name)
		}
		b.Run("single-stage/"+s.Name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Split(f, nil)
			}
		})
	}
	for _, s := range benchdata.MustAll(b) {
		f := dockerfile.Parse(s.Text)
		rng := dockerfile.Span{Start: len(s.Text) / 2, End: len(s.Text) / 2}
		b.Run("multi-stage/"+s.Name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				SplitAction(f, nil, rng)
			}
		})
	}
}
