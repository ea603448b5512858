package server

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestFrameReader(t *testing.T) {
	input := "Content-Length: 2\r\n\r\n{}" +
		"\r\n" + // stray blank line between frames
		"content-length: 3\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n[1]" +
		"Content-Length: x\r\n\r\n" + // bad length: skipped
		"garbage\r\n\r\n" + // no length: skipped
		"Content-Length: 4\n\nnull" + // bare LF line ends
		"Content-Length: 10\r\n\r\n{\"a\"" // truncated body
	fr := newFrameReader(strings.NewReader(input))
	type result struct {
		body string
		bad  bool
		err  error
	}
	var got []result
	for {
		b, err := fr.Read()
		if err != nil && !errors.Is(err, errBadFrame) {
			got = append(got, result{err: err})
			break
		}
		got = append(got, result{body: string(b), bad: err != nil})
	}
	want := []result{{body: "{}"}, {body: "[1]"}, {bad: true}, {bad: true}, {body: "null"}, {err: io.ErrUnexpectedEOF}}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("frame %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestFrameReaderCleanEOF(t *testing.T) {
	fr := newFrameReader(strings.NewReader("Content-Length: 2\r\n\r\n{}"))
	if _, err := fr.Read(); err != nil {
		t.Fatal(err)
	}
	if _, err := fr.Read(); err != io.EOF {
		t.Errorf("after the last frame: %v, want io.EOF", err)
	}
}

func TestFrameReaderHugeFrameSkipped(t *testing.T) {
	fr := newFrameReader(strings.NewReader("Content-Length: 999999999999\r\n\r\n"))
	// Skipping (not allocating) the announced bytes runs into the end of
	// input.
	if _, err := fr.Read(); err != io.ErrUnexpectedEOF {
		t.Fatalf("got %v, want io.ErrUnexpectedEOF", err)
	}
}

func TestValidID(t *testing.T) {
	for id, want := range map[string]bool{`1`: true, `"a"`: true, `-3`: true, `null`: true, `{}`: false, `[1]`: false, `true`: false, ``: false} {
		if got := validID([]byte(id)); got != want {
			t.Errorf("validID(%s) = %v, want %v", id, got, want)
		}
	}
}

// A Content-Length that is too short leaves the rest of the body, which has
// no line break, glued to the next header; the frames after it must survive.
func TestFrameReaderResyncAfterShortLength(t *testing.T) {
	input := "Content-Length: 5\r\n\r\n{\"jsonrpc\":\"2.0\"}" +
		"Content-Length: 2\r\n\r\n{}" +
		"Content-Length: 4\r\n\r\nnull"
	fr := newFrameReader(strings.NewReader(input))
	var bodies []string
	for {
		b, err := fr.Read()
		if err != nil && !errors.Is(err, errBadFrame) {
			break
		}
		if err == nil {
			bodies = append(bodies, string(b))
		}
	}
	if got := strings.Join(bodies, " "); got != `{"jso {} null` {
		t.Errorf("frames = %q, want the truncated one then both later frames", got)
	}
}
