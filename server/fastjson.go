package server

import (
	"encoding/json"
	"math"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"go.lsp.dev/protocol"
)

// The messages that carry a whole document (didOpen, and didChange when the
// client sends full text) are the largest the server reads, and one arrives
// per keystroke. encoding/json reads such a message three times (it validates
// the message, then the params again, then unquotes the text): on the 198-line
// benchmark file that was ~0.2 ms of every full-text edit. The readers here
// take one strict pass. They are a fast path only: they accept exactly the
// shapes msls expects and decline anything else (an escape they do not
// handle, a number that is not a plain integer, a key that only matches
// case-insensitively, invalid UTF-8, ...), and the caller then uses
// encoding/json, which gives its usual result or error. Whatever they
// accept, they decode exactly as encoding/json does (FuzzFastJSON checks).

// maxFastDepth bounds the nesting the reader follows (encoding/json's limit
// is 10000; deeper input falls back to it).
const maxFastDepth = 1000

type jreader struct {
	b     []byte
	i     int
	depth int
}

func (r *jreader) ws() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte (0 at the end).
func (r *jreader) peek() byte {
	r.ws()
	if r.i < len(r.b) {
		return r.b[r.i]
	}
	return 0
}

func (r *jreader) eat(c byte) bool {
	if r.peek() == c {
		r.i++
		return true
	}
	return false
}

// str reads a string. Invalid escapes, invalid UTF-8 and control characters
// decline.
func (r *jreader) str() (string, bool) { return r.readStr(true) }

// readStr reads a string; when build is false it only validates it.
func (r *jreader) readStr(build bool) (string, bool) {
	if !r.eat('"') {
		return "", false
	}
	b := r.b
	start := r.i
	var sb *strings.Builder
	seg := start
	for i := r.i; i < len(b); {
		c := b[i]
		if c != '"' && c != '\\' && c >= 0x20 {
			i++
			continue
		}
		switch c {
		case '"':
			r.i = i + 1
			if !utf8.Valid(b[start:i]) {
				return "", false
			}
			if !build {
				return "", true
			}
			if sb == nil {
				return string(b[start:i]), true
			}
			sb.Write(b[seg:i])
			return sb.String(), true
		case '\\':
			if build && sb == nil {
				sb = &strings.Builder{}
				sb.Grow(len(b) - start)
			}
			if build {
				sb.Write(b[seg:i])
			}
			if i+1 >= len(b) {
				return "", false
			}
			var e byte
			switch b[i+1] {
			case '"':
				e = '"'
			case '\\':
				e = '\\'
			case '/':
				e = '/'
			case 'b':
				e = '\b'
			case 'f':
				e = '\f'
			case 'n':
				e = '\n'
			case 'r':
				e = '\r'
			case 't':
				e = '\t'
			case 'u': // as encoding/json: a pair of surrogates, else U+FFFD
				c := getu4(b[i:])
				if c < 0 {
					return "", false
				}
				i += 6
				if utf16.IsSurrogate(c) {
					if d := utf16.DecodeRune(c, getu4(b[i:])); d != unicode.ReplacementChar {
						i += 6
						c = d
					} else {
						c = unicode.ReplacementChar
					}
				}
				if build {
					sb.WriteRune(c)
				}
				seg = i
				continue
			default:
				return "", false
			}
			if build {
				sb.WriteByte(e)
			}
			i += 2
			seg = i
		default: // a control character
			return "", false
		}
	}
	return "", false
}

// getu4 decodes a \uXXXX escape at the start of b, or returns -1.
func getu4(b []byte) rune {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range b[2:6] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// integer reads a JSON number that is a plain integer (no fraction or
// exponent) in [lo, hi].
func (r *jreader) integer(lo, hi int64) (int64, bool) {
	r.ws()
	i, neg := r.i, false
	if i < len(r.b) && r.b[i] == '-' {
		neg = true
		i++
	}
	if i >= len(r.b) || r.b[i] < '0' || r.b[i] > '9' || (r.b[i] == '0' && i+1 < len(r.b) && r.b[i+1] >= '0' && r.b[i+1] <= '9') {
		return 0, false
	}
	var v int64
	for ; i < len(r.b) && r.b[i] >= '0' && r.b[i] <= '9'; i++ {
		if v > (math.MaxInt64-9)/10 {
			return 0, false
		}
		v = v*10 + int64(r.b[i]-'0')
	}
	if i < len(r.b) && (r.b[i] == '.' || r.b[i] == 'e' || r.b[i] == 'E') {
		return 0, false
	}
	if neg {
		v = -v
	}
	if v < lo || v > hi || (neg && v == 0) {
		return 0, false
	}
	r.i = i
	return v, true
}

// skip reads any JSON value, strictly.
func (r *jreader) skip() bool {
	switch r.peek() {
	case '"':
		_, ok := r.readStr(false)
		return ok
	case '{':
		return r.object(func(string) bool { return r.skip() })
	case '[':
		r.i++
		r.depth++
		defer func() { r.depth-- }()
		if r.depth > maxFastDepth {
			return false
		}
		if r.eat(']') {
			return true
		}
		for {
			if !r.skip() {
				return false
			}
			if r.eat(']') {
				return true
			}
			if !r.eat(',') {
				return false
			}
		}
	case 't':
		return r.literal("true")
	case 'f':
		return r.literal("false")
	case 'n':
		return r.literal("null")
	default:
		return r.number()
	}
}

func (r *jreader) literal(s string) bool {
	if strings.HasPrefix(string(r.b[r.i:min(len(r.b), r.i+len(s))]), s) {
		r.i += len(s)
		return true
	}
	return false
}

// number reads any JSON number.
func (r *jreader) number() bool {
	i := r.i
	digits := func() bool {
		j := i
		for i < len(r.b) && r.b[i] >= '0' && r.b[i] <= '9' {
			i++
		}
		return i > j
	}
	if i < len(r.b) && r.b[i] == '-' {
		i++
	}
	switch {
	case i < len(r.b) && r.b[i] == '0':
		i++
	case !digits():
		return false
	}
	if i < len(r.b) && r.b[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(r.b) && (r.b[i] == 'e' || r.b[i] == 'E') {
		i++
		if i < len(r.b) && (r.b[i] == '+' || r.b[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	r.i = i
	return true
}

// raw reads any value and returns its bytes.
func (r *jreader) raw() (json.RawMessage, bool) {
	r.ws()
	start := r.i
	if !r.skip() {
		return nil, false
	}
	// a copy, as encoding/json makes: the frame buffer may be reused
	return append(json.RawMessage(nil), r.b[start:r.i]...), true
}

// object reads an object, calling field for each key with the reader at the
// value, which field must consume. A key that differs from every known one
// (names, exactly) but matches one case-insensitively, or is not ASCII,
// declines: encoding/json would match it to a field; so does a known key
// given twice (encoding/json merges some values).
func (r *jreader) object(field func(key string) bool, names ...string) bool {
	if !r.eat('{') {
		return false
	}
	r.depth++
	defer func() { r.depth-- }()
	if r.depth > maxFastDepth {
		return false
	}
	if r.eat('}') {
		return true
	}
	seen := uint64(0)
	for {
		key, ok := r.str()
		if !ok || !r.eat(':') {
			return false
		}
		for i, n := range names {
			if key == n {
				if seen&(1<<i) != 0 {
					return false
				}
				seen |= 1 << i
			} else if strings.EqualFold(key, n) {
				return false
			}
		}
		for i := 0; i < len(key); i++ {
			if key[i] >= utf8.RuneSelf {
				return false
			}
		}
		if !field(key) {
			return false
		}
		if r.eat('}') {
			return true
		}
		if !r.eat(',') {
			return false
		}
	}
}

// end reports whether only white space is left.
func (r *jreader) end() bool {
	r.ws()
	return r.i == len(r.b)
}

// fastMessage decodes a JSON-RPC message as json.Unmarshal into message
// would; ok is false when it declines (see above). Responses with an error
// object decline too.
func fastMessage(body []byte) (m message, ok bool) {
	r := &jreader{b: body}
	ok = r.object(func(key string) bool {
		var ok bool
		switch key {
		case "jsonrpc":
			m.JSONRPC, ok = r.str()
		case "id":
			m.ID, ok = r.raw()
		case "method":
			m.Method, ok = r.str()
		case "params":
			m.Params, ok = r.raw()
		case "result":
			m.Result, ok = r.raw()
		case "error":
			return false
		default:
			return r.skip()
		}
		return ok
	}, "jsonrpc", "id", "method", "params", "result", "error")
	return m, ok && r.end()
}

// fastDidChange decodes didChange params as json.Unmarshal would.
func fastDidChange(raw []byte, p *didChangeParams) bool {
	r := &jreader{b: raw}
	var out didChangeParams
	ok := r.object(func(key string) bool {
		switch key {
		case "textDocument":
			return r.object(func(key string) bool {
				switch key {
				case "uri":
					s, ok := r.str()
					out.TextDocument.URI = protocol.DocumentURI(s)
					return ok
				case "version":
					v, ok := r.integer(math.MinInt32, math.MaxInt32)
					out.TextDocument.Version = int32(v)
					return ok
				}
				return r.skip()
			}, "uri", "version")
		case "contentChanges":
			if r.peek() != '[' {
				return false
			}
			r.i++
			out.ContentChanges = []contentChange{}
			if r.eat(']') {
				return true
			}
			for {
				var c contentChange
				if !r.object(func(key string) bool {
					var ok bool
					switch key {
					case "range":
						var rg protocol.Range
						c.Range = &rg
						return r.fastRange(&rg)
					case "text":
						c.Text, ok = r.str()
						return ok
					}
					return r.skip()
				}, "range", "text") {
					return false
				}
				out.ContentChanges = append(out.ContentChanges, c)
				if r.eat(']') {
					return true
				}
				if !r.eat(',') {
					return false
				}
			}
		}
		return r.skip()
	}, "textDocument", "contentChanges")
	if !ok || !r.end() {
		return false
	}
	*p = out
	return true
}

func (r *jreader) fastRange(rg *protocol.Range) bool {
	return r.object(func(key string) bool {
		switch key {
		case "start":
			return r.fastPosition(&rg.Start)
		case "end":
			return r.fastPosition(&rg.End)
		}
		return r.skip()
	}, "start", "end")
}

func (r *jreader) fastPosition(p *protocol.Position) bool {
	return r.object(func(key string) bool {
		var v int64
		var ok bool
		switch key {
		case "line":
			v, ok = r.integer(0, math.MaxUint32)
			p.Line = uint32(v)
		case "character":
			v, ok = r.integer(0, math.MaxUint32)
			p.Character = uint32(v)
		default:
			return r.skip()
		}
		return ok
	}, "line", "character")
}

// fastDidOpen decodes didOpen params as json.Unmarshal would.
func fastDidOpen(raw []byte, p *protocol.DidOpenTextDocumentParams) bool {
	r := &jreader{b: raw}
	var out protocol.DidOpenTextDocumentParams
	ok := r.object(func(key string) bool {
		if key != "textDocument" {
			return r.skip()
		}
		d := &out.TextDocument
		return r.object(func(key string) bool {
			var s string
			var ok bool
			switch key {
			case "uri":
				s, ok = r.str()
				d.URI = protocol.DocumentURI(s)
			case "languageId":
				s, ok = r.str()
				d.LanguageID = protocol.LanguageIdentifier(s)
			case "version":
				var v int64
				v, ok = r.integer(math.MinInt32, math.MaxInt32)
				d.Version = int32(v)
			case "text":
				d.Text, ok = r.str()
			default:
				return r.skip()
			}
			return ok
		}, "uri", "languageId", "version", "text")
	}, "textDocument")
	if !ok || !r.end() {
		return false
	}
	*p = out
	return true
}
