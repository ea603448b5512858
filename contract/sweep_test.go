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
	n, multi, hits := 0, 0, 0
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
		for _, pr := range Check(f, nil) {
			hits++
			l, _ := f.Lines.LineCol(pr.Span.Start)
			rel, _ := filepath.Rel(dir, p)
			t.Logf("HIT %s:%d %s %s", rel, l, pr.Kind, pr.Message)
		}
		return nil
	})
	t.Logf("%d files (%d multi-stage), %d hits", n, multi, hits)
}
