package server

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"
)

// FuzzFrameReader feeds garbage followed by two well-formed frames. The
// reader must never panic and must end; when the garbage holds no
// Content-Length header of its own, both frames must come through intact:
// a broken frame costs itself, never the frames after it.
func FuzzFrameReader(f *testing.F) {
	f.Add([]byte(""), []byte(`{"a":1}`), []byte(`{}`))
	f.Add([]byte("Content-Type: x\r\n\r\n{\"half\":"), []byte(`{"jsonrpc":"2.0"}`), []byte("\r\n\r\n"))
	f.Add([]byte("garbage without a line break"), []byte("x"), []byte(""))
	f.Add([]byte("Content-Length: 3\r\n\r\n"), []byte("{}"), []byte("{}"))
	f.Add([]byte("a:b\nc\r\n\r\n\n"), []byte("Content-Length: 2\r\n\r\n"), []byte("\x00\xff"))
	f.Fuzz(func(t *testing.T, garbage, b1, b2 []byte) {
		var in bytes.Buffer
		in.Write(garbage)
		for _, b := range [][]byte{b1, b2} {
			in.WriteString("Content-Length: " + strconv.Itoa(len(b)) + "\r\n\r\n")
			in.Write(b)
		}
		fr := newFrameReader(bytes.NewReader(in.Bytes()))
		var got [][]byte
		for i := 0; ; i++ {
			if i > in.Len()+10 {
				t.Fatalf("reader does not end on %q", in.Bytes())
			}
			body, err := fr.Read()
			if err != nil {
				if errors.Is(err, errBadFrame) {
					continue
				}
				break
			}
			got = append(got, body)
		}
		if strings.Contains(strings.ToLower(string(garbage)), "content-length") {
			return
		}
		if len(got) < 2 || !bytes.Equal(got[len(got)-2], b1) || !bytes.Equal(got[len(got)-1], b2) {
			t.Fatalf("frames after garbage %q: got %q, want ... %q %q", garbage, got, b1, b2)
		}
	})
}
