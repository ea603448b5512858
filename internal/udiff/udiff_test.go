package udiff

import (
	"strings"
	"testing"
)

// applyUnified applies a diff produced by Unified to a (a test-only
// patcher) so the diff is checked by what it does, not by its bytes.
func applyUnified(t *testing.T, a, diff string) string {
	t.Helper()
	src := splitLines(a)
	var out []string
	at := 0
	for _, l := range strings.SplitAfter(diff, "\n") {
		switch {
		case l == "" || strings.HasPrefix(l, "---") || strings.HasPrefix(l, "+++"):
		case strings.HasPrefix(l, "@@"):
			var s1, n1, s2, n2 int
			if _, err := fmtSscanHunk(l, &s1, &n1, &s2, &n2); err != nil {
				t.Fatalf("bad hunk header %q: %v", l, err)
			}
			start := s1 - 1
			if n1 == 0 {
				start = s1
			}
			for at < start {
				out = append(out, src[at])
				at++
			}
		case l[0] == ' ':
			out = append(out, src[at])
			at++
		case l[0] == '-':
			at++
		case l[0] == '+':
			out = append(out, l[1:])
		case l[0] == '\\':
			if n := len(out); n > 0 {
				out[n-1] = strings.TrimSuffix(out[n-1], "\n")
			}
		}
	}
	out = append(out, src[at:]...)
	return strings.Join(out, "")
}

func fmtSscanHunk(l string, s1, n1, s2, n2 *int) (int, error) {
	parse := func(r string, s, n *int) {
		*n = 1
		if i := strings.IndexByte(r, ','); i >= 0 {
			*s, *n = atoiT(r[:i]), atoiT(r[i+1:])
		} else {
			*s = atoiT(r)
		}
	}
	f := strings.Fields(l)
	parse(strings.TrimPrefix(f[1], "-"), s1, n1)
	parse(strings.TrimPrefix(f[2], "+"), s2, n2)
	return 4, nil
}

func atoiT(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func TestUnifiedDiffRoundTrip(t *testing.T) {
	cases := [][2]string{
		{"a\nb\nc\n", "a\nB\nc\n"},
		{"", "x\n"},
		{"x\n", ""},
		{"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n"},
		{"FROM a\nRUN x\n", "FROM a\nRUN y"},
		{"1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\nX\n4\n5\n6\n7\n8\nY\n"},
	}
	for _, c := range cases {
		d := Unified("a", "b", []byte(c[0]), []byte(c[1]))
		if got := applyUnified(t, c[0], d); got != c[1] {
			t.Errorf("diff of %q -> %q applies to %q\n%s", c[0], c[1], got, d)
		}
	}
	if Unified("a", "b", []byte("same\n"), []byte("same\n")) != "" {
		t.Error("equal texts give a diff")
	}
}
