package format

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/corpustest"
)

// TestCorpusRoundTrip formats every corpus file and checks, with BuildKit's
// own parser, that the result has the same instructions as the original. It
// checks the formatter's raw output (without the safety net that keeps a
// changed instruction as written) so that a formatting bug cannot hide, then
// that the formatted text is a fixed point.
func TestCorpusRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus sweep skipped in -short mode")
	}
	dir, ok := corpustest.Dir()
	if !ok {
		t.Skip("corpus not found (set " + corpustest.EnvVar + ")")
	}
	files, err := corpustest.Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	opts := []Options{{}, {UseTabs: true}, {KeepIndentation: true, IndentWidth: 2}}
	var checked, changed, rejected, fellBack int
	for _, p := range files {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(p, filepath.Join(dir, "files")+"/")
		f := dockerfile.Parse(src)
		for oi, opt := range opts {
			raw := Apply(src, render(f, opt, map[int]bool{}))
			diff, err := SameInstructions(src, raw)
			if err != nil {
				if oi == 0 {
					rejected++ // BuildKit rejects the original: nothing to compare
				}
				// The model-level check still applies instruction by instruction.
				if bad, ok := verify(f, dockerfile.Parse(raw)); !ok {
					t.Errorf("%s (options %+v): instructions %v parse differently after formatting", name, opt, bad)
				}
			} else if diff != "" {
				t.Errorf("%s (options %+v): %s", name, opt, diff)
				continue
			}
			if oi == 0 {
				checked++
				if !bytes.Equal(raw, src) {
					changed++
				}
			}
			// The safety net must have nothing to do (checked for the
			// default options: it costs one more parse per file).
			if oi == 0 && !bytes.Equal(Format(f, opt), raw) {
				fellBack++
				t.Errorf("%s (options %+v): safety net changed the output", name, opt)
			}
			if again := render(dockerfile.Parse(raw), opt, map[int]bool{}); len(again) != 0 {
				t.Errorf("%s (options %+v): not idempotent:\n%s", name, opt, Unified(name, raw, Apply(raw, again)))
			}
		}
	}
	t.Logf("corpus: %d files, %d changed by formatting, %d rejected by BuildKit as written (checked per instruction), %d needed the safety net",
		checked, changed, rejected, fellBack)
}
