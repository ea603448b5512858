package server

import (
	"testing"

	"go.lsp.dev/protocol"
)

func rangeOf(l1, c1, l2, c2 uint32) *protocol.Range {
	return &protocol.Range{Start: protocol.Position{Line: l1, Character: c1}, End: protocol.Position{Line: l2, Character: c2}}
}

func TestApplyChanges(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		changes []contentChange
		want    string
	}{
		{"insert", "FROM a\n", []contentChange{{Range: rangeOf(0, 6, 0, 6), Text: " AS b"}}, "FROM a AS b\n"},
		{"replace across lines", "FROM a\nRUN x\nRUN y\n", []contentChange{{Range: rangeOf(0, 4, 2, 3), Text: ""}}, "FROM y\n"},
		{"in order", "ab", []contentChange{{Range: rangeOf(0, 0, 0, 1), Text: "xyz"}, {Range: rangeOf(0, 3, 0, 4), Text: "B"}}, "xyzB"},
		{"full then incremental", "old", []contentChange{{Text: "new\n"}, {Range: rangeOf(1, 0, 1, 0), Text: "x"}}, "new\nx"},
		{"utf16 after emoji", "a😀b\n", []contentChange{{Range: rangeOf(0, 3, 0, 4), Text: "c"}}, "a😀c\n"},
		{"crlf line", "A\r\nB\r\n", []contentChange{{Range: rangeOf(1, 0, 1, 1), Text: "C"}}, "A\r\nC\r\n"},
		{"past end of line clamps", "ab\ncd\n", []contentChange{{Range: rangeOf(0, 99, 0, 99), Text: "!"}}, "ab!\ncd\n"},
		{"past end of text clamps", "ab", []contentChange{{Range: rangeOf(9, 0, 9, 0), Text: "!"}}, "ab!"},
		{"reversed range", "abcd", []contentChange{{Range: rangeOf(0, 3, 0, 1), Text: "-"}}, "a-d"},
		{"empty full change", "abc", []contentChange{{Text: ""}}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			orig := []byte(tc.text)
			got := applyChanges(orig, tc.changes)
			if string(got) != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if string(orig) != tc.text {
				t.Errorf("the original text was modified: %q", orig)
			}
		})
	}
}
