package contract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/corpustest"
)

// TestCorpusSweep runs the checks over every corpus Dockerfile: none may
// panic, and with -v every hit is logged for review (docs/code-actions.md
// records the verdicts).
func TestCorpusSweep(t *testing.T) {
	dir, ok := corpustest.Dir()
	if !ok {
		t.Skip("no corpus")
	}
	n, multi, hits, copies, judged, starts := 0, 0, 0, 0, 0, 0
	filepath.Walk(filepath.Join(dir, "files"), func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || !strings.Contains(strings.ToLower(info.Name()), "dockerfile") {
			return nil
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		n++
		f := dockerfile.Parse(raw)
		if len(f.Stages) > 1 {
			multi++
		}
		// how much the checks actually judge (not merely stay silent on)
		m := build(f, nil)
		for i, st := range f.Stages {
			for _, in := range st.Instructions {
				fl, ok := in.Flag("from")
				if !ok || !in.Is("COPY") || len(in.Args) < 2 {
					continue
				}
				_, src := m.resolveSource(i, fl.Value)
				if src == nil {
					continue
				}
				for _, a := range in.Args[:len(in.Args)-1] {
					copies++
					if _, j := src.produced("/" + strings.TrimPrefix(a.Value, "/")); j {
						judged++
					}
				}
			}
		}
		if _, known := m.states[len(m.states)-1].family(); known && len(f.Stages) > 1 {
			starts++
		}
		for _, pr := range Check(f, nil) {
			hits++
			l, _ := f.Lines.LineCol(pr.Span.Start)
			rel, _ := filepath.Rel(dir, p)
			t.Logf("HIT %s:%d %s %s", rel, l, pr.Kind, pr.Message)
		}
		return nil
	})
	t.Logf("%d files (%d multi-stage), %d hits; %d COPY --from sources from stages, %d of them judged; %d multi-stage final stages on a known image", n, multi, hits, copies, judged, starts)
}
