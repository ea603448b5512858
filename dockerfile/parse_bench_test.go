package dockerfile_test

import (
	"fmt"
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

// BenchmarkParseFromBySize is one keystroke of an editing session: the
// comment line "# typing: <n>" above the last instruction (end) or above the
// middle one (middle) becomes "# typing: <n+1>" (mostly a one-character edit;
// every version is new, as when typing), and the new version is parsed from
// the previous one, as the server does.
func BenchmarkParseFromBySize(b *testing.B) {
	for _, s := range benchdata.MustAll(b) {
		for _, where := range []string{"end", "middle"} {
			b.Run(s.Name+"/"+where, func(b *testing.B) {
				f := dockerfile.Parse(s.Text)
				in := f.Instructions[len(f.Instructions)-1]
				if where == "middle" {
					in = f.Instructions[len(f.Instructions)/2]
				}
				at := f.Lines.LineStart(in.StartLine)
				version := func(n int) []byte {
					text := make([]byte, 0, len(s.Text)+32)
					text = append(text, s.Text[:at]...)
					text = fmt.Appendf(text, "# typing: %d\n", n)
					return append(text, s.Text[at:]...)
				}
				n := 1000
				prev := dockerfile.Parse(version(n))
				b.SetBytes(int64(len(prev.Text)))
				b.ReportAllocs()
				for b.Loop() {
					n++
					prev = dockerfile.ParseFrom(prev, version(n))
				}
			})
		}
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
