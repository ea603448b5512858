package server

// The wire layer: what is msls's own, what is go.lsp.dev/jsonrpc2's, and why.
//
// jsonrpc2 (v0.10.0) is the JSON-RPC package of the protocol module msls uses,
// and msls speaks its types where they fit: error codes are jsonrpc2.Code
// (errors.go), and the server's own requests to the client (whose ids it
// picks) are jsonrpc2.Call. Notifications are not jsonrpc2.Notification:
// it encodes the params, then the message around them again, ~3x the cost of
// one encoding for the publishDiagnostics sent on every keystroke.
//
// The rest is msls's own, because jsonrpc2's connection does not survive what
// an editor session must:
//   - framing (frameReader): jsonrpc2's stream ends the connection on a frame
//     that does not parse; here a bad frame costs only itself, header lines
//     and frames are bounded (maxHeaderLine, maxFrameBytes), and a frame too
//     large to skip closes the stream with a logged error (maxSkipBytes);
//   - reading messages (message, decodeMessage in server.go): jsonrpc2's
//     DecodeMessage cannot tell a parse error (-32700) from an invalid request
//     (-32600), and its ID holds an int32 or a string, where a client may send
//     any JSON number, or null;
//   - replies (responseOut, errorOut) echo the client's id byte for byte, for
//     the same reason;
//   - dispatch (server.go): jsonrpc2 closes the connection when a handler
//     returns an error; here the error becomes the reply, a panic is logged
//     and answered, and at most maxInflight requests are handled at once, so
//     a client that stops reading stops the server reading instead of
//     growing it.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// maxFrameBytes bounds a single message so a bogus Content-Length cannot make
// us allocate gigabytes.
const maxFrameBytes = 128 << 20

// maxSkipBytes is the largest frame over maxFrameBytes that is skipped (read
// and discarded, exactly its length) rather than ending the session. Reading
// past a frame means trusting its length: up to 1 GiB that costs a second of
// reading at most and the session goes on (an editor that sent a huge file
// by mistake keeps its server); beyond it (a length of 2^62) skipping would
// swallow every later message while the server looked alive, answering
// nothing, so the stream is closed with a logged error instead.
const maxSkipBytes = 1 << 30

// maxHeaderLine bounds one header line (the reader's buffer): a line without
// a line break must not grow memory. A longer line is discarded as it is
// read, keeping only its last headerTail bytes, where a Content-Length
// glued to the tail of a broken body would be.
const (
	maxHeaderLine = 64 << 10
	headerTail    = 256
)

// errBadFrame marks a frame that was skipped; the stream is still usable.
var errBadFrame = errors.New("bad frame")

// errFrameTooLarge ends the stream: a frame announced more than maxSkipBytes.
var errFrameTooLarge = errors.New("frame too large to skip")

type frameReader struct {
	r *bufio.Reader
}

func newFrameReader(r io.Reader) *frameReader {
	return &frameReader{r: bufio.NewReaderSize(r, maxHeaderLine)}
}

// readLine reads one header line, holding at most maxHeaderLine+headerTail
// bytes of it; long reports that the line was longer and only its tail is
// returned.
func (fr *frameReader) readLine() (line string, long bool, err error) {
	b, err := fr.r.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		return string(b), false, err
	}
	tail := make([]byte, 0, headerTail)
	for err == bufio.ErrBufferFull {
		tail = append(tail[:0], b[max(0, len(b)-headerTail):]...)
		b, err = fr.r.ReadSlice('\n')
	}
	return string(append(tail, b...)), true, err
}

// Read returns the body of the next frame. Errors wrapping errBadFrame mean
// the frame was dropped and reading may go on; any other error (io.EOF
// included) ends the stream.
func (fr *frameReader) Read() ([]byte, error) {
	length := -1
	sawHeader := false
	var bad string
	for {
		line, long, err := fr.readLine()
		if err != nil {
			if err == io.EOF && (sawHeader || line != "") {
				return nil, io.ErrUnexpectedEOF
			}
			return nil, err
		}
		line = strings.TrimRight(line, "\r\n")
		// A frame whose Content-Length was wrong leaves the tail of a body
		// (which has no line break) glued to the next header line; cut it
		// off, or every later frame would be lost the same way.
		if i := indexContentLength(line); i >= 0 {
			line = line[i:]
		} else if long {
			sawHeader = true
			bad = fmt.Sprintf("header line longer than %d bytes", maxHeaderLine)
			continue
		}
		if line == "" {
			if !sawHeader {
				// Blank lines between frames are harmless noise.
				continue
			}
			break
		}
		sawHeader = true
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			bad = fmt.Sprintf("malformed header line %q", truncate(line, 80))
			continue
		}
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil || n < 0 {
				bad = fmt.Sprintf("invalid Content-Length %q", truncate(value, 40))
				continue
			}
			length = n
		}
	}
	if length < 0 {
		if bad == "" {
			bad = "missing Content-Length header"
		}
		return nil, fmt.Errorf("%w: %s", errBadFrame, bad)
	}
	if length > maxSkipBytes {
		return nil, fmt.Errorf("%w: Content-Length %d is over %d", errFrameTooLarge, length, maxSkipBytes)
	}
	if length > maxFrameBytes {
		if _, err := io.CopyN(io.Discard, fr.r, int64(length)); err != nil {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("%w: frame of %d bytes is too large", errBadFrame, length)
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(fr.r, body); err != nil {
		return nil, io.ErrUnexpectedEOF
	}
	return body, nil
}

// indexContentLength finds "Content-Length:" (ASCII case-insensitive) in a
// header line, or returns -1.
func indexContentLength(line string) int {
	const h = "content-length:"
	for i := 0; i+len(h) <= len(line); i++ {
		j := 0
		for j < len(h) && lowerASCII(line[i+j]) == h[j] {
			j++
		}
		if j == len(h) {
			return i
		}
	}
	return -1
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// frameWriter serialises whole frames: responses and notifications come from
// many goroutines.
type frameWriter struct {
	mu  sync.Mutex
	w   io.Writer
	buf bytes.Buffer
}

func (fw *frameWriter) write(body []byte) error {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	fw.buf.Reset()
	fw.buf.WriteString("Content-Length: ")
	fw.buf.WriteString(strconv.Itoa(len(body)))
	fw.buf.WriteString("\r\n\r\n")
	fw.buf.Write(body)
	_, err := fw.w.Write(fw.buf.Bytes())
	return err
}

// message is any JSON-RPC 2.0 message; which fields are set tells its kind.
type message struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method,omitempty"`
	Params  json.RawMessage `json:"params,omitempty"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *Error          `json:"error,omitempty"`
}

func (m *message) isRequest() bool      { return m.Method != "" && m.ID != nil }
func (m *message) isNotification() bool { return m.Method != "" && m.ID == nil }
func (m *message) isResponse() bool {
	return m.Method == "" && m.ID != nil && (m.Result != nil || m.Error != nil)
}

// validID reports whether a request id is a string or a number (or null,
// which JSON-RPC tolerates).
func validID(id json.RawMessage) bool {
	id = bytes.TrimSpace(id)
	if len(id) == 0 {
		return false
	}
	switch c := id[0]; {
	case c == '"', c == '-', c >= '0' && c <= '9':
		return true
	case bytes.Equal(id, []byte("null")):
		return true
	}
	return false
}

// idKey normalises an id for use as a map key (a string id "1" and a number
// id 1 stay distinct).
func idKey(id json.RawMessage) string { return string(bytes.TrimSpace(id)) }

type responseOut struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  any             `json:"result"`
}

type errorOut struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Error   *Error          `json:"error"`
}

type notificationOut struct {
	JSONRPC string `json:"jsonrpc"`
	Method  string `json:"method"`
	Params  any    `json:"params,omitempty"`
}

var nullID = json.RawMessage("null")
