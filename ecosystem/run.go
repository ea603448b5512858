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
	return in.Derived(mountsKey{}, func() any { return mounts(in) }).([]Mount)
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
	return in.Derived(runCommandsKey{}, func() any { return runCommands(in) }).([]Command)
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
	return in.Derived(runInstallsKey{}, func() any { return runInstalls(in) }).([]RunInstall)
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
