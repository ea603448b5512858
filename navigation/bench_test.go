package navigation

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
)

// hugeFile is a 10,000-stage Dockerfile in which every stage names the one
// before it and defines and uses a variable: the shape that made each hover
// or definition walk every stage reference and every variable use.
func hugeFile(stages int) []byte {
	var b strings.Builder
	b.WriteString("ARG BASE=alpine\n")
	for i := 0; i < stages; i++ {
		fmt.Fprintf(&b, "FROM ${BASE} AS s%d\nENV N%d=v%d\nCOPY --from=s%d / /\nRUN echo $N%d $BASE\n", i, i, i, max(i-1, 0), i)
	}
	return []byte(b.String())
}

// hugeCursors are the places an editor asks about, near the end of the file
// (the worst case for anything that scans from the top).
func hugeCursors(text []byte) []struct {
	name string
	off  int
} {
	at := func(anchor string, delta int) int { return bytes.LastIndex(text, []byte(anchor)) + delta }
	return []struct {
		name string
		off  int
	}{
		{"stage-ref", at("--from=s", len("--from=s"))}, // COPY --from=s9998
		{"stage-def", at(" AS s", len(" AS s"))},       // FROM ... AS s9999
		{"var-use", at("echo $N", len("echo $N"))},     // $N9999
		{"var-def", at("\nENV N", len("\nENV N"))},     // ENV N9999=
		{"keyword", at("\nRUN", 2)},                    // RUN
		{"outer-var", at(" $BASE", len(" $BASE")-1)},   // $BASE (global, not re-declared in the stage)
	}
}

// hugeShapes are 10,000-stage files: stages on images, and a chain of stages
// each built on the one before (where resolving a variable walks the chain).
func hugeShapes() []struct {
	name string
	f    *dockerfile.File
} {
	return []struct {
		name string
		f    *dockerfile.File
	}{
		{"images", dockerfile.Parse(hugeFile(10000))},
		{"chain", dockerfile.Parse(chainFile(10000))},
	}
}

// benchHuge runs one request per iteration at each cursor of each shape.
// With fresh, every iteration is the first request on its version of the
// file: the file is parsed again first (outside the timer), so that the
// build of its index is counted. Without, the index built by the first iteration is
// reused, as by an editor's further requests on one version.
func benchHuge(b *testing.B, fresh bool, run func(f *dockerfile.File, off int)) {
	for _, sh := range hugeShapes() {
		for _, c := range hugeCursors(sh.f.Text) {
			if c.off < 0 {
				continue
			}
			b.Run(sh.name+"/"+c.name, func(b *testing.B) {
				b.ReportAllocs()
				f := sh.f
				for b.Loop() {
					if fresh {
						b.StopTimer()
						f = dockerfile.Parse(sh.f.Text)
						b.StartTimer()
					}
					run(f, c.off)
				}
			})
		}
	}
}

func BenchmarkHoverHuge(b *testing.B) {
	benchHuge(b, false, func(f *dockerfile.File, off int) { Hover(f, off) })
}

func BenchmarkHoverHugeFirst(b *testing.B) {
	benchHuge(b, true, func(f *dockerfile.File, off int) { Hover(f, off) })
}

func BenchmarkDefinitionHuge(b *testing.B) {
	benchHuge(b, false, func(f *dockerfile.File, off int) { Definition(f, off) })
}

// BenchmarkReferencesHuge is bounded below by the answer (every use of a
// stage or variable) but must not be quadratic in the file.
func BenchmarkReferencesHuge(b *testing.B) {
	benchHuge(b, false, func(f *dockerfile.File, off int) { References(f, off, true) })
}

func BenchmarkReferencesHugeFirst(b *testing.B) {
	benchHuge(b, true, func(f *dockerfile.File, off int) { References(f, off, true) })
}
