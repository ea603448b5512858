package codeactions

import (
	"fmt"
	"sort"

	"github.com/msls-dev/msls/dockerfile"
)

// Apply applies non-overlapping edits to text. Edits are sorted by position;
// insertions at the same offset keep their order.
func Apply(text []byte, edits []dockerfile.Edit) ([]byte, error) {
	es := append([]dockerfile.Edit(nil), edits...)
	sort.SliceStable(es, func(i, j int) bool { return es[i].Span.Start < es[j].Span.Start })
	out := make([]byte, 0, len(text))
	at := 0
	for _, e := range es {
		if e.Span.Start < at || e.Span.End < e.Span.Start || e.Span.End > len(text) {
			return nil, fmt.Errorf("edits overlap or fall outside the text at %d-%d", e.Span.Start, e.Span.End)
		}
		out = append(out, text[at:e.Span.Start]...)
		out = append(out, e.NewText...)
		at = e.Span.End
	}
	return append(out, text[at:]...), nil
}
