package dockerfile_test

import (
	"os"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
)

// BenchmarkParse200 is the headline parse cost: one ~200-line multi-stage
// Dockerfile (the same fixture the LSP benchmark edits), parsed from scratch
// as the server does once per document version.
func BenchmarkParse200(b *testing.B) {
	text, err := os.ReadFile("../testdata/bench/multistage-198.Dockerfile")
	if err != nil {
		b.Fatal(err)
	}
	if f := dockerfile.Parse(text); len(f.Stages) < 5 || len(f.Errors) != 0 {
		b.Fatalf("fixture should be a clean multi-stage file: %d stages, errors %v", len(f.Stages), f.Errors)
	}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		dockerfile.Parse(text)
	}
}
