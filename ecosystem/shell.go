package ecosystem

import "strings"

// Word is one shell word after quote removal. Start and End are byte offsets
// of the word as written in the script that was split.
type Word struct {
	Text       string
	Start, End int
	// raw is the word's offset in the (possibly nested) string it was read
	// from, so that the argument of `sh -c` can be re-read with offsets.
	raw int
}

// Command is one simple command of a shell script: the words between
// operators (`&&`, `||`, `;`, `|`, `&`, new lines). Leading variable
// assignments (`CGO_ENABLED=0 go build`), reserved words (`then`, `do`, `!`)
// and wrappers (`sudo`, `env`, `time`, `exec`, `nice`, `nohup`) are removed
// from Words; Start/End still cover the whole command as written.
type Command struct {
	Words      []Word
	Start, End int
}

// Name is the command's program name (`npm`), without a leading path.
func (c Command) Name() string {
	if len(c.Words) == 0 {
		return ""
	}
	n := c.Words[0].Text
	if i := strings.LastIndexByte(n, '/'); i >= 0 && i+1 < len(n) && !strings.HasPrefix(n, "./") {
		n = n[i+1:]
	}
	return n
}

// Args are the command's words after the program name, as plain strings.
func (c Command) Args() []string {
	if len(c.Words) < 2 {
		return nil
	}
	out := make([]string, len(c.Words)-1)
	for i, w := range c.Words[1:] {
		out[i] = w.Text
	}
	return out
}

// String joins the words with single spaces (for messages).
func (c Command) String() string {
	var b strings.Builder
	for i, w := range c.Words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w.Text)
	}
	return b.String()
}

var shells = map[string]bool{"sh": true, "bash": true, "ash": true, "dash": true, "zsh": true, "ksh": true}

var reserved = map[string]bool{"then": true, "do": true, "else": true, "elif": true, "if": true, "while": true,
	"until": true, "!": true, "{": true, "}": true, "(": true, ")": true, "fi": true, "done": true, "time": true}

var wrappers = map[string]bool{"sudo": true, "env": true, "exec": true, "nice": true, "nohup": true, "command": true,
	"eatmydata": true, "su-exec": false}

// SplitCommands splits a POSIX shell script into simple commands, as far as a
// linter needs: quotes, backslash escapes and line continuations are honoured,
// `$(...)` and backquotes are kept inside words, and the argument of
// `sh -c` / `bash -c` is split recursively (its commands carry offsets into
// script). It never fails; unbalanced quotes run to the end of the script.
func SplitCommands(script string) []Command {
	return splitCommands(script, nil, 0)
}

// splitCommands splits s; offs, when non-nil, maps offsets of s to offsets of
// the outer script (for nested `sh -c` strings).
func splitCommands(s string, offs []int, depth int) []Command {
	at := func(i int) int {
		if offs == nil {
			return i
		}
		if i < len(offs) {
			return offs[i]
		}
		if len(offs) == 0 {
			return 0
		}
		return offs[len(offs)-1] + 1
	}
	var cmds []Command
	var cur Command
	curStart := -1
	flush := func(end int) {
		if len(cur.Words) > 0 {
			cur.Start, cur.End = at(curStart), at(end-1)+1
			if end <= curStart {
				cur.End = cur.Start
			}
			cmds = append(cmds, finish(cur, s, at, depth)...)
		}
		cur = Command{}
		curStart = -1
	}
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && s[i+1] == '\n':
			i += 2
			continue
		case c == ' ' || c == '\t' || c == '\r':
			i++
			continue
		case c == '\n' || c == ';' || c == '&' || c == '|':
			flush(lastNonSpace(s, curStart, i))
			i++
			continue
		case c == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t' || s[i-1] == '\n' || s[i-1] == ';'):
			for i < len(s) && s[i] != '\n' {
				i++
			}
			continue
		case c == '(' || c == ')':
			// subshells and grouping: the parentheses separate commands.
			flush(lastNonSpace(s, curStart, i))
			i++
			continue
		}
		w, _, next := readWord(s, i, false)
		if curStart < 0 {
			curStart = i
		}
		w.Start, w.End, w.raw = at(i), at(next-1)+1, i
		cur.Words = append(cur.Words, w)
		i = next
	}
	flush(lastNonSpace(s, curStart, len(s)))
	return cmds
}

func lastNonSpace(s string, start, end int) int {
	if start < 0 {
		return end
	}
	for end > start && (s[end-1] == ' ' || s[end-1] == '\t' || s[end-1] == '\r' || s[end-1] == '\n') {
		end--
	}
	return end
}

// readWord reads one word starting at i and returns it (quotes removed) and
// the offset after it. Operators end a word unless quoted.
func readWord(s string, i int, keepOffs bool) (Word, []int, int) {
	var b strings.Builder
	var offs []int
	put := func(c byte, at int) {
		b.WriteByte(c)
		if keepOffs {
			offs = append(offs, at)
		}
	}
	depth := 0 // $( ... ) nesting
	for i < len(s) {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			if s[i+1] == '\n' {
				i += 2
				continue
			}
			put(s[i+1], i+1)
			i += 2
			continue
		case c == '\'':
			j := i + 1
			for j < len(s) && s[j] != '\'' {
				put(s[j], j)
				j++
			}
			i = j + 1
			continue
		case c == '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' && j+1 < len(s) && strings.IndexByte("\"\\$`\n", s[j+1]) >= 0 {
					if s[j+1] != '\n' {
						put(s[j+1], j+1)
					}
					j += 2
					continue
				}
				put(s[j], j)
				j++
			}
			i = j + 1
			continue
		case c == '$' && i+1 < len(s) && s[i+1] == '(':
			depth++
			put(c, i)
			put('(', i+1)
			i += 2
			continue
		case c == ')' && depth > 0:
			depth--
			put(c, i)
			i++
			continue
		case c == '`':
			j := i + 1
			put(c, i)
			for j < len(s) && s[j] != '`' {
				put(s[j], j)
				j++
			}
			if j < len(s) {
				put('`', j)
			}
			i = j + 1
			continue
		case depth == 0 && (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' || c == ')'):
			return Word{Text: b.String()}, offs, i
		}
		put(c, i)
		i++
	}
	if i > len(s) {
		i = len(s)
	}
	return Word{Text: b.String()}, offs, i
}

// finish strips assignments, reserved words and wrappers from a command and
// expands `sh -c 'script'` into the script's own commands.
func finish(c Command, s string, at func(int) int, depth int) []Command {
	w := c.Words
	for len(w) > 0 {
		t := w[0].Text
		switch {
		case reserved[t]:
			w = w[1:]
			continue
		case isAssignment(t):
			w = w[1:]
			continue
		case wrappers[t]:
			w = w[1:]
			// wrapper options (`sudo -u x`, `env -i`, `nice -n 5`) and env's assignments
			for len(w) > 0 && (strings.HasPrefix(w[0].Text, "-") || isAssignment(w[0].Text)) {
				opt := w[0].Text
				w = w[1:]
				if (opt == "-u" || opt == "-g" || opt == "-n") && len(w) > 0 {
					w = w[1:]
				}
			}
			continue
		}
		break
	}
	c.Words = w
	if len(w) == 0 {
		return nil
	}
	if shells[baseName(w[0].Text)] && depth < 4 {
		for k := 1; k < len(w); k++ {
			t := w[k].Text
			if !strings.HasPrefix(t, "-") {
				break
			}
			if strings.ContainsRune(t[1:], 'c') && !strings.HasPrefix(t, "--") && k+1 < len(w) {
				inner, offs, _ := readWord(s, w[k+1].raw, true)
				for j := range offs {
					offs[j] = at(offs[j])
				}
				return splitCommands(inner.Text, offs, depth+1)
			}
		}
	}
	return []Command{c}
}

func baseName(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

func isAssignment(t string) bool {
	eq := strings.IndexByte(t, '=')
	if eq <= 0 {
		return false
	}
	for i := 0; i < eq; i++ {
		c := t[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
