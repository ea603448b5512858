package completion

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
)

// BenchmarkCompleteHuge completes near the end of a 10,000-stage file: the
// cost should follow the answer (the stages or variables offered), not the
// size of the file.
func BenchmarkCompleteHuge(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("ARG BASE=alpine\n")
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&sb, "FROM ${BASE} AS s%d\nENV N%d=v%d\nCOPY --from=s%d / /\nRUN echo $N%d $BASE\n", i, i, i, max(i-1, 0), i)
	}
	text := []byte(sb.String())
	f := dockerfile.Parse(text)
	for _, c := range []struct{ name, anchor string }{
		{"keyword", "\nRU"},
		{"from-stage-prefix", "COPY --from=s999"}, // the stages s999, s9990..s9998
		{"variable", "echo $N"},
		{"flag", "COPY --"},
	} {
		off := bytes.LastIndex(text, []byte(c.anchor)) + len(c.anchor)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Complete(f, off, Options{Snippets: true})
			}
		})
	}
}
