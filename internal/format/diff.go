package format

import "github.com/msls-dev/msls/internal/udiff"

// Unified returns a unified diff (3 lines of context) from a to b, or ""
// when they are equal. name labels both sides.
func Unified(name string, a, b []byte) string {
	return udiff.Unified(name, name+" (formatted)", a, b)
}
