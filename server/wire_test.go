package server

import (
	"errors"
	"io"
	"runtime"
	"strconv"
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
	fr := newFrameReader(strings.NewReader("Content-Length: 999999999\r\n\r\n"))
	// Skipping (not allocating) the announced bytes runs into the end of
	// input.
	if _, err := fr.Read(); err != io.ErrUnexpectedEOF {
		t.Fatalf("got %v, want io.ErrUnexpectedEOF", err)
	}
}

// A frame over the limit but skippable costs itself: the frame after it is
// read. The body is streamed, never held.
func TestFrameReaderOverLimitFrameThenNext(t *testing.T) {
	n := int64(maxFrameBytes + 1<<20)
	in := io.MultiReader(
		strings.NewReader("Content-Length: "+strconv.FormatInt(n, 10)+"\r\n\r\n"),
		io.LimitReader(zeros{}, n),
		strings.NewReader("Content-Length: 2\r\n\r\n{}"))
	fr := newFrameReader(in)
	if _, err := fr.Read(); !errors.Is(err, errBadFrame) {
		t.Fatalf("oversized frame: %v, want a skipped frame", err)
	}
	if b, err := fr.Read(); err != nil || string(b) != "{}" {
		t.Fatalf("frame after it: %q, %v", b, err)
	}
}

// A Content-Length too large to skip (2^62) ends the stream at once: skipping
// it would swallow every later frame while the server looked alive.
func TestFrameReaderUnskippableFrameEnds(t *testing.T) {
	fr := newFrameReader(strings.NewReader("Content-Length: 4611686018427387904\r\n\r\nContent-Length: 2\r\n\r\n{}"))
	if _, err := fr.Read(); !errors.Is(err, errFrameTooLarge) {
		t.Fatalf("got %v, want errFrameTooLarge", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// A header line with no line break is read in bounded memory: 64 MiB of it
// must not be held, and a frame after it (on a line of its own) still comes
// through, as does a Content-Length glued to the end of a long line.
func TestFrameReaderLongHeaderLine(t *testing.T) {
	const n = 64 << 20
	in := io.MultiReader(
		io.LimitReader(repeatByte('a'), n),
		strings.NewReader("\r\n\r\nContent-Length: 2\r\n\r\n{}"),
		io.LimitReader(repeatByte('b'), n),
		strings.NewReader("Content-Length: 4\r\n\r\nnull"))
	fr := newFrameReader(in)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if _, err := fr.Read(); !errors.Is(err, errBadFrame) {
		t.Fatalf("long header line: %v, want a skipped frame", err)
	}
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 8<<20 {
		t.Errorf("reading a %d-byte header line allocated %d bytes", n, grew)
	}
	if b, err := fr.Read(); err != nil || string(b) != "{}" {
		t.Fatalf("frame after the long line: %q, %v", b, err)
	}
	if b, err := fr.Read(); err != nil || string(b) != "null" {
		t.Fatalf("frame glued to a long line: %q, %v", b, err)
	}
}

type repeatByte byte

func (r repeatByte) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
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
