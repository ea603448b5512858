package format

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/msls-dev/msls/dockerfile"
)

// verify compares the instructions of the original and the formatted file.
// It returns the indexes of instructions whose BuildKit parse differs; ok is
// true when the files are equivalent.
func verify(orig, formatted *dockerfile.File) (bad []int, ok bool) {
	if orig.EscapeToken != formatted.EscapeToken || len(orig.Instructions) != len(formatted.Instructions) ||
		!sameDirectives(orig, formatted) {
		return nil, false
	}
	for i, a := range orig.Instructions {
		b := formatted.Instructions[i]
		if (a.Node == nil) != (b.Node == nil) || (a.Err == nil) != (b.Err == nil) {
			bad = append(bad, i)
			continue
		}
		if a.Node != nil && NodeDiff(a.Node, b.Node) != "" {
			bad = append(bad, i)
		}
	}
	return bad, len(bad) == 0
}

func sameDirectives(a, b *dockerfile.File) bool {
	if len(a.Directives) != len(b.Directives) {
		return false
	}
	for i := range a.Directives {
		if a.Directives[i].Name != b.Directives[i].Name || a.Directives[i].Value != b.Directives[i].Value {
			return false
		}
	}
	return true
}

// SameInstructions parses both texts with BuildKit and reports the first
// difference between their instructions ("" when they are the same). White
// space outside quotes in shell-form commands is not significant; everything
// else (flags, arguments, heredoc bodies, comments BuildKit attaches, the
// escape token) must match exactly. It is the check the formatter's tests
// run over the corpus; an original BuildKit rejects gives an error.
func SameInstructions(original, formatted []byte) (string, error) {
	ra, err := parser.Parse(bytes.NewReader(original))
	if err != nil {
		return "", err
	}
	rb, err := parser.Parse(bytes.NewReader(formatted))
	if err != nil {
		return "formatted file does not parse: " + err.Error(), nil
	}
	if ra.EscapeToken != rb.EscapeToken {
		return fmt.Sprintf("escape token %q became %q", ra.EscapeToken, rb.EscapeToken), nil
	}
	ca, cb := ra.AST.Children, rb.AST.Children
	if len(ca) != len(cb) {
		return fmt.Sprintf("%d instructions became %d", len(ca), len(cb)), nil
	}
	for i := range ca {
		if d := NodeDiff(ca[i], cb[i]); d != "" {
			return fmt.Sprintf("instruction %d (line %d): %s", i+1, ca[i].StartLine, d), nil
		}
	}
	return "", nil
}

// NodeDiff describes how two BuildKit instruction nodes differ, ignoring
// positions, the original source text and unquoted white space in shell-form
// commands.
func NodeDiff(a, b *parser.Node) string {
	if a == nil || b == nil {
		if a == b {
			return ""
		}
		return "node missing"
	}
	// Keywords are case-insensitive; BuildKit keeps them as written.
	if !strings.EqualFold(a.Value, b.Value) {
		return fmt.Sprintf("instruction %q became %q", a.Value, b.Value)
	}
	if d := fieldDiff(a, b, false, true); d != "" {
		return d
	}
	if len(a.Children) != len(b.Children) {
		return "sub-instruction count differs"
	}
	for i := range a.Children {
		if d := NodeDiff(a.Children[i], b.Children[i]); d != "" {
			return d
		}
	}
	// The arguments: a chain of words whose last one is the command line of
	// a shell-form RUN, CMD, ENTRYPOINT or HEALTHCHECK CMD.
	shellForm := false
	if a.Attributes["json"] == false {
		switch strings.ToLower(a.Value) {
		case "run", "cmd", "entrypoint", "healthcheck":
			shellForm = true
		}
	}
	x, y := a.Next, b.Next
	for k := 0; x != nil && y != nil; k++ {
		// `FROM image AS name`: BuildKit compares AS case-insensitively.
		fromAS := k == 1 && strings.EqualFold(a.Value, "from") && strings.EqualFold(x.Value, "as")
		if d := fieldDiff(x, y, shellForm && x.Next == nil, fromAS); d != "" {
			return d
		}
		if len(x.Children) != len(y.Children) {
			return "argument structure differs"
		}
		for i := range x.Children {
			if d := NodeDiff(x.Children[i], y.Children[i]); d != "" {
				return d
			}
		}
		x, y = x.Next, y.Next
	}
	if x != nil || y != nil {
		return "argument count differs"
	}
	return ""
}

func fieldDiff(a, b *parser.Node, shell, keyword bool) string {
	switch {
	case keyword:
		if !strings.EqualFold(a.Value, b.Value) {
			return fmt.Sprintf("%q became %q", a.Value, b.Value)
		}
	case shell:
		if !equalWords(a.Value, b.Value) {
			return fmt.Sprintf("command %q became %q", a.Value, b.Value)
		}
	default:
		if a.Value != b.Value {
			return fmt.Sprintf("value %q became %q", a.Value, b.Value)
		}
	}
	if strings.Join(a.Flags, "\x00") != strings.Join(b.Flags, "\x00") {
		return fmt.Sprintf("flags %q became %q", a.Flags, b.Flags)
	}
	if commentKey(a.PrevComment) != commentKey(b.PrevComment) {
		return fmt.Sprintf("comments %q became %q", a.PrevComment, b.PrevComment)
	}
	if len(a.Attributes) != len(b.Attributes) {
		return "attributes differ"
	}
	for k, v := range a.Attributes {
		if b.Attributes[k] != v {
			return "attribute " + k + " differs"
		}
	}
	if len(a.Heredocs) != len(b.Heredocs) {
		return "heredoc count differs"
	}
	for i := range a.Heredocs {
		if a.Heredocs[i] != b.Heredocs[i] {
			return fmt.Sprintf("heredoc %q differs", a.Heredocs[i].Name)
		}
	}
	return ""
}

// equalWords compares two shell command strings word by word: white space
// outside quotes separates words, its amount does not matter.
func equalWords(a, b string) bool {
	if a == b {
		return true
	}
	wa, wb := shellWords(a), shellWords(b)
	if len(wa) != len(wb) {
		return false
	}
	for i := range wa {
		if wa[i] != wb[i] {
			return false
		}
	}
	return true
}

func shellWords(s string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote == '\'':
			if c == '\'' {
				quote = 0
			}
		case c == '\\' || c == '`':
			cur.WriteByte(c)
			inWord = true
			if i+1 < len(s) {
				i++
				c = s[i]
			}
		case quote == '"':
			if c == '"' {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
			continue
		}
		cur.WriteByte(c)
		inWord = true
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// commentKey normalises the comments BuildKit attaches to an instruction.
// BuildKit drops one byte after the line's first and so keeps the '#' of an
// indented comment ("    # text" gives "# text"); un-indenting the comment
// is a layout change, not a change of its text.
func commentKey(cs []string) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString(strings.TrimSpace(strings.TrimLeft(c, "#")))
		b.WriteByte('\n')
	}
	return b.String()
}
