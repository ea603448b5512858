package ecosystem

import (
	"path"
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

// RunCommands returns the commands of a RUN instruction (shell form, exec
// form running a shell with -c, and heredoc scripts) with source offsets
// into the file; see RunScript.
//
// The result is computed once per instruction and shared: callers must not
// modify it.
func RunCommands(in *dockerfile.Instruction) []Command {
	return RunScript(in).Commands
}

// RunScript parses a RUN instruction with a real shell parser
// (mvdan.cc/sh): the shell form as /bin/sh -c would run it, heredocs
// included (a heredoc redirected to a command is that command's input, not
// commands; `RUN <<EOF` alone is a script when its interpreter is a POSIX
// shell), and the exec form when it runs a shell with -c. Offsets are the
// Dockerfile's; directories are relative to the RUN's WORKDIR (see
// Command.Dir).
//
// The result is computed once per instruction and shared: callers must not
// modify it.
func RunScript(in *dockerfile.Instruction) *Script {
	return in.DerivedMovable(runScriptKey{}, func() any { return runScript(in) }, moveRunScript).(*Script)
}

// moveRunScript is RunScript of the instruction moved by d bytes (see
// dockerfile.DerivedMovable).
func moveRunScript(v any, d int) any {
	s := v.(*Script)
	if len(s.Commands) == 0 {
		return s // no offset in it: shared as it is
	}
	// Every RUN after an edit moves on every keystroke: the words and
	// redirections of all its commands go in one allocation each.
	var nw, nr int
	for _, c := range s.Commands {
		nw += len(c.Words) + len(c.Prefix)
		nr += len(c.Redirs)
	}
	m := mover{d: d, words: make([]Word, 0, nw), redirs: make([]Redirect, 0, nr)}
	out := &Script{Unknown: s.Unknown, Commands: make([]Command, len(s.Commands))}
	for i, c := range s.Commands {
		out.Commands[i] = m.command(c)
	}
	return out
}

// mover moves commands of RunCommands (whose offsets are source offsets)
// by d bytes, into new memory: its pools (see take).
type mover struct {
	d      int
	words  []Word
	redirs []Redirect
}

// command is c.moved(m.d), its slices taken from m's pools.
func (m *mover) command(c Command) Command {
	c.Start += m.d
	c.End += m.d
	c.Words = m.movedWords(c.Words)
	c.Prefix = m.movedWords(c.Prefix)
	if c.Redirs != nil {
		rs := take(&m.redirs, len(c.Redirs))
		for i, r := range c.Redirs {
			r.Start += m.d
			r.End += m.d
			rs[i] = r
		}
		c.Redirs = rs
	}
	return c
}

func (m *mover) movedWords(ws []Word) []Word {
	if ws == nil {
		return nil
	}
	out := take(&m.words, len(ws))
	for i, w := range ws {
		w.Start += m.d
		w.End += m.d
		out[i] = w
	}
	return out
}

// take returns the next n elements of a pool, with no spare capacity, so
// that an append to them cannot reach the next command's.
func take[T any](pool *[]T, n int) []T {
	l := len(*pool)
	*pool = (*pool)[:l+n]
	return (*pool)[l : l+n : l+n]
}

type runScriptKey struct{}

func runScript(in *dockerfile.Instruction) *Script {
	if in.Sub != nil {
		in = in.Sub
	}
	s := &Script{}
	if !in.Is("RUN") {
		return s
	}
	w := walker{out: s}
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
		if IsShell(words[0].Text) {
			for k := 1; k+1 < len(words); k++ {
				if strings.HasPrefix(words[k].Text, "-") && !strings.HasPrefix(words[k].Text, "--") && strings.ContainsRune(words[k].Text, 'c') {
					a := in.Args[k+1]
					// JSON escapes make exact offsets unreliable: point at the element.
					w.parse(a.Value, func(int, int) (int, int) { return a.Span.Start, a.Span.End }, dirState{}, 0)
					return s
				}
			}
		}
		s.Commands = append(s.Commands, Command{Words: words, Start: in.ArgsSpan.Start, End: in.ArgsSpan.End})
	case len(in.Heredocs) == 1 && isMarkerOnly(in):
		// `RUN <<EOF`: BuildKit runs the body as a script, with its shebang's
		// interpreter when it has one.
		h := in.Heredocs[0]
		if !heredocIsShell(h.Body) {
			s.Unknown = true // another language: its commands are not shell commands
			return s
		}
		base := h.BodySpan.Start
		w.parse(noCR(h.Body), func(a, b int) (int, int) { return base + a, base + b }, dirState{}, 0)
	default:
		src, m := composeScript(in)
		w.parse(src, m, dirState{}, 0)
	}
	return s
}

// isMarkerOnly reports whether the RUN's command line is its one heredoc
// marker (`<<EOF`, `<<-"EOF"`).
func isMarkerOnly(in *dockerfile.Instruction) bool {
	t := strings.TrimSpace(in.ArgsText)
	if !strings.HasPrefix(t, "<<") || strings.ContainsAny(t, " \t") {
		return false
	}
	t = strings.TrimLeft(strings.TrimPrefix(t, "<<"), "-")
	t = strings.Trim(t, `"'`)
	return t == in.Heredocs[0].Name
}

// noCR blanks the carriage return of CRLF line breaks: the shell parser reads
// it as part of a word, and a blank keeps every offset where it was.
func noCR(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(s, "\r\n", " \n")
}

// composeScript is the script /bin/sh -c receives for a shell-form RUN: the
// command line, then each heredoc's body and delimiter, as BuildKit passes
// them. m maps offsets of the script back to the Dockerfile.
func composeScript(in *dockerfile.Instruction) (string, offMap) {
	if len(in.Heredocs) == 0 {
		return noCR(in.ArgsText), func(a, b int) (int, int) {
			sp := in.ArgsTextSpan(a, b)
			return sp.Start, sp.End
		}
	}
	type piece struct {
		at, end int // in the script
		src     int // source offset of at; -1 for ArgsText
		srcEnd  int // the source offsets it maps to end here
	}
	var b strings.Builder
	b.WriteString(noCR(in.ArgsText))
	pieces := []piece{{0, b.Len(), -1, -1}}
	for _, h := range in.Heredocs {
		b.WriteByte('\n')
		pieces = append(pieces, piece{b.Len() - 1, b.Len(), h.MarkerSpan.End, h.MarkerSpan.End})
		at := b.Len()
		b.WriteString(noCR(h.Body))
		if h.Body != "" && !strings.HasSuffix(h.Body, "\n") {
			b.WriteByte('\n')
		}
		pieces = append(pieces, piece{at, b.Len(), h.BodySpan.Start, h.BodySpan.End})
		at = b.Len()
		b.WriteString(h.Name)
		pieces = append(pieces, piece{at, b.Len(), h.EndSpan.Start, h.EndSpan.End})
	}
	n := len(in.ArgsText)
	one := func(off int, end bool) int {
		if off <= n {
			sp := in.ArgsTextSpan(off, off)
			return sp.Start
		}
		for _, p := range pieces[1:] {
			if off < p.end || end && off == p.end {
				return min(p.src+off-p.at, p.srcEnd)
			}
		}
		return pieces[len(pieces)-1].srcEnd
	}
	return b.String(), func(a, c int) (int, int) {
		if c <= n {
			sp := in.ArgsTextSpan(a, c)
			return sp.Start, sp.End
		}
		return one(a, false), one(c, true)
	}
}

// heredocIsShell reports whether a RUN heredoc body is a shell script (no
// shebang, or a shell's).
func heredocIsShell(body string) bool {
	if !strings.HasPrefix(body, "#!") {
		return true
	}
	line, _, _ := strings.Cut(body, "\n")
	f := strings.Fields(strings.TrimPrefix(line, "#!"))
	if len(f) == 0 {
		return false
	}
	if IsShell(f[0]) {
		return true
	}
	return path.Base(f[0]) == "env" && len(f) > 1 && IsShell(f[len(f)-1])
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
	var nw, nr int
	for _, ri := range ris {
		nw += len(ri.Cmd.Words) + len(ri.Cmd.Prefix)
		nr += len(ri.Cmd.Redirs)
	}
	m := mover{d: d, words: make([]Word, 0, nw), redirs: make([]Redirect, 0, nr)}
	out := make([]RunInstall, len(ris))
	for i, ri := range ris {
		ri.Span = dockerfile.Span{Start: ri.Span.Start + d, End: ri.Span.End + d}
		ri.Cmd = m.command(ri.Cmd)
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
