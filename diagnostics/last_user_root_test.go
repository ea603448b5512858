package diagnostics

import (
	"slices"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
)

// DL3002 is two msls rules; on hadolint's shapes, each root USER hadolint
// flags gets exactly one finding carrying DL3002, and nothing else does.
func TestDL3002ReportedOnce(t *testing.T) {
	for _, c := range []struct {
		name, src string
		lines     []int // 1-based lines of the DL3002 findings
	}{
		{"final", "FROM busybox:1.36\nUSER root\nRUN ls\n", []int{2}},
		{"switched back", "FROM busybox:1.36\nUSER root\nRUN ls\nUSER guest\n", nil},
		{"builder and final", "FROM debian:12 AS base\nUSER root\nFROM scratch\nUSER foo\nCMD [\"/x\"]\n", []int{2}},
		{"inherited by the final stage", "FROM debian:12 AS base\nUSER root\nFROM base\nRUN ls\n", []int{2}},
		{"two stages", "FROM debian:12 AS a\nUSER root\nFROM a\nUSER 0\nCMD [\"sh\"]\n", []int{2, 4}},
		{"export-only scratch", "FROM scratch\nUSER root\n", []int{2}},
		{"no USER", "FROM debian:12 AS a\nRUN ls\nFROM a\nUSER 10001\n", nil},
	} {
		f := dockerfile.Parse([]byte(c.src))
		var got []int
		for _, fd := range Check(f) {
			if slices.Contains(FindingAliases(fd), "DL3002") {
				got = append(got, f.Lines.Line(fd.Span.Start)+1)
			}
		}
		if !slices.Equal(got, c.lines) {
			t.Errorf("%s: DL3002 findings on lines %v, want %v", c.name, got, c.lines)
		}
	}
}
