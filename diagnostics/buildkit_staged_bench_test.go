package diagnostics

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/msls-dev/msls/bench/benchdata"
	"github.com/msls-dev/msls/dockerfile"
)

// BenchmarkBuildKitLint compares, per fixture size, BuildKit's lint as one
// whole-file pass ("cold": an empty stage cache, as for a file seen for the
// first time) with the staged pass after a keystroke in the last stage
// ("keystroke": only that stage's mini file is linted again).
func BenchmarkBuildKitLint(b *testing.B) {
	for _, s := range benchdata.MustAll(b) {
		f := dockerfile.Parse(s.Text)
		b.Run("cold/"+s.Name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				clear(bkCache.m)
				lintStaged(f, s.Text, lintAuto)
			}
		})
		b.Run("keystroke/"+s.Name, func(b *testing.B) {
			clear(bkCache.m)
			lintStaged(f, s.Text, lintAuto)
			text := append(bytes.Clone(s.Text), "# typing: "...)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				b.StopTimer()
				i++
				next := append(bytes.Clone(text), fmt.Sprint(i)...)
				nf := dockerfile.Parse(next)
				b.StartTimer()
				lintStaged(nf, next, lintAuto)
			}
		})
	}
}
