package ecosystem

import (
	"strings"

	"github.com/msls-dev/msls/dockerfile"
)

// Mount is one `RUN --mount=...` option.
type Mount struct {
	Type   string // bind (the default), cache, tmpfs, secret, ssh
	Source string
	Target string
	From   string
	Span   dockerfile.Span
}

// Mounts parses the instruction's --mount flags (RUN only), once per
// instruction; the result is shared and must not be modified.
func Mounts(in *dockerfile.Instruction) []Mount {
	return in.DerivedMovable(mountsKey{}, func() any { return mounts(in) }, moveMounts).([]Mount)
}

// moveMounts is Mounts of the instruction moved by d bytes (see
// dockerfile.DerivedMovable): Span is the only offset.
func moveMounts(v any, d int) any {
	ms := v.([]Mount)
	if ms == nil {
		return ms
	}
	out := make([]Mount, len(ms))
	for i, m := range ms {
		m.Span = shiftSpan(m.Span, d)
		out[i] = m
	}
	return out
}

// shiftSpan moves a span the way ParseFrom moves an instruction's spans: the
// zero span (no location) stays.
func shiftSpan(s dockerfile.Span, d int) dockerfile.Span {
	if s.IsZero() {
		return s
	}
	return dockerfile.Span{Start: s.Start + d, End: s.End + d}
}

type mountsKey struct{}

func mounts(in *dockerfile.Instruction) []Mount {
	var out []Mount
	for _, fl := range in.Flags {
		if !strings.EqualFold(fl.Name, "mount") || !fl.HasValue {
			continue
		}
		m := Mount{Type: "bind", Span: fl.Span}
		for _, kv := range strings.Split(fl.Value, ",") {
			k, v, _ := strings.Cut(kv, "=")
			v = strings.Trim(v, `"'`)
			switch strings.ToLower(strings.TrimSpace(k)) {
			case "type":
				m.Type = strings.ToLower(v)
			case "source", "src":
				m.Source = v
			case "target", "dst", "destination":
				m.Target = v
			case "from":
				m.From = v
			}
		}
		out = append(out, m)
	}
	return out
}

// RunInstall is an install found in a RUN instruction, with the source span
// of its command.
type RunInstall struct {
	Install
	Span dockerfile.Span
	// InHeredoc marks installs found in a heredoc body.
	InHeredoc bool
}

// RunCommands splits a RUN instruction (shell form, exec form running a
// shell with -c, and heredoc bodies) into commands whose Start/End are source
// offsets into the file.
//
// The result is computed once per instruction and shared: callers must not
// modify it.
func RunCommands(in *dockerfile.Instruction) []Command {
	return in.DerivedMovable(runCommandsKey{}, func() any { return runCommands(in) }, moveRunCommands).([]Command)
}

// moveRunCommands is RunCommands of the instruction moved by d bytes (see
// dockerfile.DerivedMovable).
func moveRunCommands(v any, d int) any {
	cs := v.([]Command)
	if cs == nil {
		return cs
	}
	out := make([]Command, len(cs))
	for i, c := range cs {
		out[i] = c.moved(d)
	}
	return out
}

// moved is a copy of a command of RunCommands (whose offsets are source
// offsets) moved by d bytes, in new memory: Start/End and the words'
// Start/End move, Word.raw is relative to the string the word was read from.
func (c Command) moved(d int) Command {
	c.Start += d
	c.End += d
	if c.Words != nil {
		ws := make([]Word, len(c.Words))
		for i, w := range c.Words {
			w.Start += d
			w.End += d
			ws[i] = w
		}
		c.Words = ws
	}
	return c
}

type runCommandsKey struct{}

func runCommands(in *dockerfile.Instruction) []Command {
	if in.Sub != nil {
		in = in.Sub
	}
	if !in.Is("RUN") {
		return nil
	}
	var out []Command
	switch {
	case in.JSON:
		// ["sh", "-c", "npm ci"] or ["npm", "ci"]
		if len(in.Args) == 0 {
			break
		}
		words := make([]Word, len(in.Args))
		for i, a := range in.Args {
			words[i] = Word{Text: a.Value, Start: a.Span.Start, End: a.Span.End}
		}
		if shells[baseName(words[0].Text)] {
			for k := 1; k+1 < len(words); k++ {
				if strings.HasPrefix(words[k].Text, "-") && strings.ContainsRune(words[k].Text, 'c') {
					a := in.Args[k+1]
					for _, c := range SplitCommands(a.Value) {
						// JSON escapes make exact offsets unreliable: point at the element.
						c.Start, c.End = a.Span.Start, a.Span.End
						for i := range c.Words {
							c.Words[i].Start, c.Words[i].End = a.Span.Start, a.Span.End
						}
						out = append(out, c)
					}
					return out
				}
			}
		}
		out = append(out, Command{Words: words, Start: in.ArgsSpan.Start, End: in.ArgsSpan.End})
	default:
		text := in.ArgsText
		cmds := SplitCommands(text)
		for _, c := range cmds {
			sp := in.ArgsTextSpan(c.Start, c.End)
			c.Start, c.End = sp.Start, sp.End
			for i := range c.Words {
				ws := in.ArgsTextSpan(c.Words[i].Start, c.Words[i].End)
				c.Words[i].Start, c.Words[i].End = ws.Start, ws.End
			}
			out = append(out, c)
		}
	}
	for _, h := range in.Heredocs {
		if !heredocIsShell(h.Body) {
			continue
		}
		base := h.BodySpan.Start
		for _, c := range SplitCommands(h.Body) {
			c.Start += base
			c.End += base
			for i := range c.Words {
				c.Words[i].Start += base
				c.Words[i].End += base
			}
			out = append(out, c)
		}
	}
	return out
}

// heredocIsShell reports whether a RUN heredoc body is a shell script (no
// shebang, or a shell's).
func heredocIsShell(body string) bool {
	if !strings.HasPrefix(body, "#!") {
		return true
	}
	line, _, _ := strings.Cut(body, "\n")
	for sh := range shells {
		if strings.HasSuffix(strings.Fields(line)[0], "/"+sh) || strings.HasSuffix(line, " "+sh) {
			return true
		}
	}
	return false
}

// RunInstalls returns the installs a RUN instruction performs, in order.
// Like RunCommands, it is computed once per instruction and shared.
func RunInstalls(in *dockerfile.Instruction) []RunInstall {
	return in.DerivedMovable(runInstallsKey{}, func() any { return runInstalls(in) }, moveRunInstalls).([]RunInstall)
}

// moveRunInstalls is RunInstalls of the instruction moved by d bytes (see
// dockerfile.DerivedMovable): Span and the command (the one of RunCommands it
// was classified from) move; Eco is shared and Files are names.
func moveRunInstalls(v any, d int) any {
	ris := v.([]RunInstall)
	if ris == nil {
		return ris
	}
	out := make([]RunInstall, len(ris))
	for i, ri := range ris {
		ri.Span = dockerfile.Span{Start: ri.Span.Start + d, End: ri.Span.End + d}
		ri.Cmd = ri.Cmd.moved(d)
		out[i] = ri
	}
	return out
}

type runInstallsKey struct{}

func runInstalls(in *dockerfile.Instruction) []RunInstall {
	var out []RunInstall
	target := in
	if in.Sub != nil {
		target = in.Sub
	}
	hdStart := -1
	if len(target.Heredocs) > 0 {
		hdStart = target.Heredocs[0].BodySpan.Start
	}
	for _, c := range RunCommands(in) {
		if ins, ok := Classify(c); ok {
			out = append(out, RunInstall{Install: ins, Span: dockerfile.Span{Start: c.Start, End: c.End},
				InHeredoc: hdStart >= 0 && c.Start >= hdStart})
		}
	}
	return out
}
