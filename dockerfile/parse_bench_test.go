package dockerfile_test

import (
	"testing"

	"github.com/msls-dev/msls/bench/benchdata"
	"github.com/msls-dev/msls/dockerfile"
)

// BenchmarkParseBySize parses the small (10), medium (198) and large (10,000
// line) fixtures; the per-line cost should stay flat across the three.
func BenchmarkParseBySize(b *testing.B) {
	for _, s := range benchdata.MustAll(b) {
		b.Run(s.Name, func(b *testing.B) {
			b.SetBytes(int64(len(s.Text)))
			b.ReportAllocs()
			for b.Loop() {
				dockerfile.Parse(s.Text)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(s.Lines()), "ns/line")
		})
	}
}

// BenchmarkParseColdBySize parses each fixture as if for the first time (the
// cache of per-instruction BuildKit results emptied before every parse), as
// `msls check` or opening a file does; BenchmarkParseBySize measures the
// repeated parses of an editing session, where the cache holds every
// unchanged instruction.
func BenchmarkParseColdBySize(b *testing.B) {
	for _, s := range benchdata.MustAll(b) {
		b.Run(s.Name, func(b *testing.B) {
			b.SetBytes(int64(len(s.Text)))
			b.ReportAllocs()
			for b.Loop() {
				dockerfile.DropBuildKitCache()
				dockerfile.Parse(s.Text)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(s.Lines()), "ns/line")
		})
	}
}

// BenchmarkLineIndexPosition converts every instruction's span start to an
// LSP position, as publishing diagnostics for a whole file does.
func BenchmarkLineIndexPosition(b *testing.B) {
	for _, s := range benchdata.MustAll(b) {
		f := dockerfile.Parse(s.Text)
		b.Run(s.Name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, in := range f.Instructions {
					_ = f.Lines.Position(in.Span.Start)
					_ = f.Lines.Position(in.Span.End)
				}
			}
		})
	}
}
