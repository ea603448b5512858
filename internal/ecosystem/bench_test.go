package ecosystem

import (
	"os"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
)

// BenchmarkRunScripts parses every RUN of the 198-line bench file with the
// shell parser, uncached: what a first sight of the file costs in RUN
// analysis (later versions reuse the per-instruction memo).
func BenchmarkRunScripts(b *testing.B) {
	text, err := os.ReadFile("../../testdata/bench/multistage-198.Dockerfile")
	if err != nil {
		b.Skip(err)
	}
	f := dockerfile.Parse(text)
	var runs []*dockerfile.Instruction
	for _, in := range f.Instructions {
		if in.Is("RUN") {
			runs = append(runs, in)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, in := range runs {
			runScript(in)
		}
	}
	b.ReportMetric(float64(len(runs)), "runs")
}
