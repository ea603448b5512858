package completion

import (
	"bytes"
	"testing"

	"github.com/msls-dev/msls/bench/benchdata"
	"github.com/msls-dev/msls/dockerfile"
)

// BenchmarkCompleteBySize completes in the contexts an editor asks most, on
// each fixture size; the cost should not grow with the file more than the
// answer does (stage names, variables in scope).
func BenchmarkCompleteBySize(b *testing.B) {
	contexts := []struct {
		name   string
		anchor string // completion right after the last occurrence
	}{
		{"keyword", "\nRU"},
		{"from-stage", "COPY --from="},
		{"variable", "${"},
		{"flag", "RUN --"},
	}
	for _, s := range benchdata.MustAll(b) {
		f := dockerfile.Parse(s.Text)
		for _, c := range contexts {
			i := bytes.LastIndex(s.Text, []byte(c.anchor))
			if i < 0 {
				continue
			}
			off := i + len(c.anchor)
			b.Run(s.Name+"/"+c.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					Complete(f, off, Options{Snippets: true})
				}
			})
		}
	}
}
