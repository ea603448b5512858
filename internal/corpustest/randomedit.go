package corpustest

import (
	"bytes"
	"math/rand/v2"
	"strings"
)

// snippets are what the random edits insert: the bytes that change how a
// Dockerfile is split into instructions, and whole lines.
var snippets = []string{
	"\n", "\n", "\n\n", "\\", "\\\n", " \\\n", "`", "#", "# ", "# c\n", "#\n", " ", "\t", "\r", "\r\n", "x", "ab",
	"$", "${A}", "$B", "{", "}", "\"", "'", "[", "]", "[\"a\"]", "=", "--", "--from=", "--mount=type=cache,target=/x ",
	"<<", "<<EOF", "<<EOF\n", "EOF\n", "<<-E\n\tx\n\tE\n", "FROM a\n", "FROM b AS c\n", "FROM", " AS x", "ARG A=1\n",
	"RUN x \\\n", "RUN <<EOF\nbody\nEOF\n", "ONBUILD ", "COPY --from=0 a b\n", "ENV A B\n", "# escape=`\n",
	"# syntax=docker/dockerfile:1\n", "# check=skip=all\n", "\xef\xbb\xbf", "RUN " + strings.Repeat("y", 70), "é",
}

// RandomEdit changes a few bytes of text at a random place (or a line or
// two), biased towards the places where parsing state changes.
func RandomEdit(r *rand.Rand, text []byte) []byte {
	pick := func() int {
		if len(text) == 0 {
			return 0
		}
		switch r.IntN(10) {
		case 0:
			return 0
		case 1:
			return len(text)
		case 2, 3: // a line start or a line end
			i := r.IntN(len(text))
			j := bytes.IndexByte(text[i:], '\n')
			if j < 0 {
				return len(text)
			}
			if r.IntN(2) == 0 {
				return i + j
			}
			return i + j + 1
		case 4: // next to a special byte
			i := r.IntN(len(text))
			j := bytes.IndexAny(text[i:], "\\`#<$=-[\"")
			if j < 0 {
				return i
			}
			return i + j + r.IntN(2)
		default:
			return r.IntN(len(text) + 1)
		}
	}
	at := pick()
	del := 0
	switch r.IntN(4) {
	case 0: // insert only
	case 1:
		del = 1 + r.IntN(4)
	case 2: // a line or more
		j := at
		for n := 1 + r.IntN(2); n > 0 && j < len(text); n-- {
			k := bytes.IndexByte(text[j:], '\n')
			if k < 0 {
				j = len(text)
				break
			}
			j += k + 1
		}
		del = j - at
	case 3:
		del = r.IntN(2)
	}
	del = min(del, len(text)-at)
	var ins string
	switch r.IntN(5) {
	case 0: // delete only
	case 1: // a copy of another line of the file
		if len(text) > 0 {
			i := r.IntN(len(text))
			s := bytes.LastIndexByte(text[:i], '\n') + 1
			e := bytes.IndexByte(text[i:], '\n')
			if e < 0 {
				e = len(text) - i
			}
			ins = string(text[s:i+e]) + "\n"
		}
	default:
		for n := 1 + r.IntN(2); n > 0; n-- {
			ins += snippets[r.IntN(len(snippets))]
		}
	}
	out := make([]byte, 0, len(text)-del+len(ins))
	out = append(out, text[:at]...)
	out = append(out, ins...)
	return append(out, text[at+del:]...)
}
