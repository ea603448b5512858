package ecosystem

import (
	"path"
	"strings"
	"sync"

	"mvdan.cc/sh/v3/syntax"
)

// Word is one shell word after quote removal. Start and End are byte offsets
// of the word as written in the script that was parsed (source offsets in
// the Dockerfile for RunCommands). Parameter expansions, command
// substitutions and arithmetic are kept as written (`$HOME`, `$((1+2))`):
// nothing is expanded.
type Word struct {
	Text       string
	Start, End int
}

// Redirect is one redirection of a command: `> file`, `2>&1`, `<<EOF`.
type Redirect struct {
	// Op is the operator as written: ">", ">>", "<", "<<", "<<-", "<<<", "&>", ...
	Op string
	// Fd is the file descriptor written before the operator ("" for none).
	Fd string
	// Target is the redirection's word after quote removal: the file, the
	// descriptor of `>&2`, or the delimiter of a heredoc.
	Target string
	// Heredoc marks `<<`/`<<-`: the body is data fed to the command's
	// standard input (a script only when the command is a shell; see
	// Command.Nested), never commands of the enclosing script.
	Heredoc bool
	// Start and End span the redirection as written (without a heredoc's
	// body).
	Start, End int
}

// Command is one simple command of a shell script. Leading variable
// assignments (`CGO_ENABLED=0 go build`, in Assigns) and wrappers (`sudo`,
// `env`, `exec`, `nice`, `nohup`, `command`) are removed from Words;
// Start/End still cover the whole command as written (without its
// redirections). The argument of `sh -c` / `bash -c` and a heredoc fed to a
// shell (`bash <<EOF`) are parsed in turn: their commands replace the shell's.
type Command struct {
	Words      []Word
	Start, End int
	// Assigns are the NAME=value prefixes of the command, as written.
	Assigns []string
	// Prefix are the wrapper words removed before Words (`sudo -u app`,
	// `env A=1`), so that a rule can still see them.
	Prefix []Word
	// Redirs are the command's redirections, in order.
	Redirs []Redirect
	// Dir is where the command runs as far as `cd` (and pushd) moved it:
	// "" for the directory the script starts in (the RUN's WORKDIR), else an
	// absolute path or a path relative to that directory. DirUnknown is set
	// when a `cd` went somewhere msls cannot name (`cd $X`, `cd -`, `cd`
	// inside an if), and then Dir is meaningless.
	Dir        string
	DirUnknown bool
	// Subshell marks a command that runs in a child shell: inside `( )`, a
	// pipeline, `$( )`, `&` or `sh -c`; what it changes (cd, export) does
	// not outlive it.
	Subshell bool
	// Piped marks an element of a pipeline (`a | b`): the pipeline's status is
	// the last element's unless pipefail is set.
	Piped bool
	// Cond marks a command that runs only on some paths: after `||`, in an
	// if/case branch, a loop body or a function body.
	Cond bool
	// Nested is the number of `sh -c` strings (or heredocs fed to a shell)
	// the command sits in.
	Nested int
}

// Script is a parsed RUN script.
type Script struct {
	Commands []Command
	// Unknown is set when some part of the script could not be parsed (a
	// syntax error, an `sh -c` string that is not a valid script, a non-POSIX
	// shell): Commands then holds only what was understood, and a rule must
	// not conclude anything from a command's absence.
	Unknown bool
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

// HasOption reports whether any argument is one of the options, in any
// position: a long option matches `--name` and `--name=value`; a one-letter
// option (`-y`) also matches inside a cluster of short options (`-qy`).
// Arguments after `--` are not options.
func (c Command) HasOption(names ...string) bool {
	for _, w := range c.Words[min(1, len(c.Words)):] {
		a := w.Text
		if a == "--" {
			return false
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			continue
		}
		for _, n := range names {
			switch {
			case a == n:
				return true
			case strings.HasPrefix(n, "--") && strings.HasPrefix(a, n+"="):
				return true
			case len(n) == 2 && n[0] == '-' && n[1] != '-' && !strings.HasPrefix(a, "--") && strings.IndexByte(a[1:], n[1]) >= 0 && isShortCluster(a):
				return true
			}
		}
	}
	return false
}

// isShortCluster reports whether a is a cluster of one-letter options
// (`-qy`), not an option with an attached value such as `-ofile`: only
// letters.
func isShortCluster(a string) bool {
	for i := 1; i < len(a); i++ {
		c := a[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// WorkDir resolves the command's directory against the directory the script
// started in (the RUN's WORKDIR); ok is false when a `cd` went somewhere
// unknown.
func (c Command) WorkDir(start string) (string, bool) {
	if c.DirUnknown {
		return "", false
	}
	if c.Dir == "" {
		return start, true
	}
	if path.IsAbs(c.Dir) {
		return path.Clean(c.Dir), true
	}
	if start == "" {
		start = "/"
	}
	return path.Join(start, c.Dir), true
}

var shells = map[string]bool{"sh": true, "bash": true, "ash": true, "dash": true, "zsh": true, "ksh": true}

var wrappers = map[string]bool{"sudo": true, "env": true, "exec": true, "nice": true, "nohup": true, "command": true,
	"eatmydata": true}

// maxNesting bounds `sh -c "sh -c '...'"` recursion.
const maxNesting = 4

// IsShell reports whether a program (a name or a path) is a POSIX-family
// shell msls parses scripts for.
func IsShell(prog string) bool { return shells[path.Base(prog)] }

// SplitCommands parses a POSIX shell script and returns its simple commands
// in execution order, with offsets into script. It returns nil when the
// parser rejects the script; ParseScript tells that apart from an empty one.
func SplitCommands(script string) []Command {
	return ParseScript(script).Commands
}

// ParseScript parses a shell script (offsets into script).
func ParseScript(script string) Script {
	var s Script
	w := walker{out: &s}
	w.parse(script, func(a, b int) (int, int) { return a, b }, dirState{}, 0)
	return s
}

// offMap maps a byte range of the script being walked to the range the
// caller wants (the Dockerfile's source offsets, or the outer script's).
type offMap func(a, b int) (int, int)

type dirState struct {
	dir     string
	unknown bool
}

// ctx is what encloses a statement.
type ctx struct {
	subshell, piped, cond bool
}

type walker struct {
	out    *Script
	src    string
	m      offMap
	nested int
}

// Scripts are read as bash (a superset of what /bin/sh accepts in
// practice); one bash rejects is read again as POSIX sh, where `((` opens
// two subshells rather than an arithmetic command.
var (
	bashParsers  = sync.Pool{New: func() any { return syntax.NewParser(syntax.Variant(syntax.LangBash)) }}
	posixParsers = sync.Pool{New: func() any { return syntax.NewParser(syntax.Variant(syntax.LangPOSIX)) }}
)

func parseShell(src string) (*syntax.File, error) {
	p := bashParsers.Get().(*syntax.Parser)
	f, err := p.Parse(strings.NewReader(src), "")
	bashParsers.Put(p)
	if err == nil {
		return f, nil
	}
	p = posixParsers.Get().(*syntax.Parser)
	f, err = p.Parse(strings.NewReader(src), "")
	posixParsers.Put(p)
	return f, err
}

// parse parses src and appends its commands; dir is the state the script
// starts in.
func (w walker) parse(src string, m offMap, st dirState, nested int) {
	f, err := parseShell(src)
	if err != nil {
		w.out.Unknown = true
		return
	}
	inner := walker{out: w.out, src: src, m: m, nested: nested}
	inner.stmts(f.Stmts, &st, ctx{subshell: nested > 0})
}

func (w walker) stmts(list []*syntax.Stmt, st *dirState, c ctx) {
	for _, s := range list {
		w.stmt(s, st, c)
	}
}

// branch runs list on a copy of st; when the copy's directory differs after
// it, the directory after the branch is unknown (it may or may not have run).
func (w walker) branch(list []*syntax.Stmt, st *dirState, c ctx) {
	cp := *st
	c.cond = true
	w.stmts(list, &cp, c)
	if cp != *st {
		st.unknown = true
	}
}

func (w walker) stmt(s *syntax.Stmt, st *dirState, c ctx) {
	if s == nil {
		return
	}
	if s.Background {
		cp := *st
		st = &cp
		c.subshell = true
	}
	switch x := s.Cmd.(type) {
	case *syntax.CallExpr:
		w.call(x, s.Redirs, st, c)
	case *syntax.DeclClause:
		w.decl(x, s.Redirs, st, c)
	case *syntax.BinaryCmd:
		switch x.Op {
		case syntax.AndStmt:
			w.stmt(x.X, st, c)
			w.stmt(x.Y, st, c)
		case syntax.OrStmt:
			w.stmt(x.X, st, c)
			w.branch([]*syntax.Stmt{x.Y}, st, c)
		default: // pipelines: every element runs in its own subshell
			pc := c
			pc.subshell, pc.piped = true, true
			l, r := *st, *st
			w.stmt(x.X, &l, pc)
			w.stmt(x.Y, &r, pc)
		}
	case *syntax.Subshell:
		cp := *st
		sc := c
		sc.subshell = true
		w.stmts(x.Stmts, &cp, sc)
	case *syntax.Block:
		w.stmts(x.Stmts, st, c)
	case *syntax.IfClause:
		for cl := x; cl != nil; cl = cl.Else {
			if cl == x {
				w.stmts(cl.Cond, st, c)
			} else {
				w.branch(cl.Cond, st, c)
			}
			w.branch(cl.Then, st, c)
		}
	case *syntax.WhileClause:
		w.branch(x.Cond, st, c)
		w.branch(x.Do, st, c)
	case *syntax.ForClause:
		w.branch(x.Do, st, c)
	case *syntax.CaseClause:
		// The patterns are words, not commands.
		for _, it := range x.Items {
			w.branch(it.Stmts, st, c)
		}
	case *syntax.FuncDecl:
		w.branch([]*syntax.Stmt{x.Body}, st, c)
	case *syntax.TimeClause:
		w.stmt(x.Stmt, st, c)
	case *syntax.CoprocClause:
		cp := *st
		sc := c
		sc.subshell = true
		w.stmt(x.Stmt, &cp, sc)
	}
}

// substitutions walks the command substitutions inside words: they run
// before the command, each in a subshell.
func (w walker) substitutions(words []*syntax.Word, st dirState, c ctx) {
	for _, wd := range words {
		if wd == nil {
			continue
		}
		if len(wd.Parts) == 1 {
			if _, lit := wd.Parts[0].(*syntax.Lit); lit {
				continue
			}
		}
		syntax.Walk(wd, func(n syntax.Node) bool {
			switch x := n.(type) {
			case *syntax.CmdSubst:
				cp := st
				sc := c
				sc.subshell = true
				w.stmts(x.Stmts, &cp, sc)
				return false
			case *syntax.ProcSubst:
				cp := st
				sc := c
				sc.subshell = true
				w.stmts(x.Stmts, &cp, sc)
				return false
			}
			return true
		})
	}
}

func (w walker) span(n syntax.Node) (int, int) {
	return w.m(int(n.Pos().Offset()), int(n.End().Offset()))
}

func (w walker) word(wd *syntax.Word) Word {
	a, b := w.span(wd)
	return Word{Text: wordText(w.src, wd), Start: a, End: b}
}

func (w walker) redirects(rs []*syntax.Redirect) []Redirect {
	if len(rs) == 0 {
		return nil
	}
	out := make([]Redirect, 0, len(rs))
	for _, r := range rs {
		rd := Redirect{Op: r.Op.String(), Heredoc: r.Op == syntax.Hdoc || r.Op == syntax.DashHdoc}
		end := r.OpPos
		if r.N != nil {
			rd.Fd = r.N.Value
		}
		if r.Word != nil {
			rd.Target = wordText(w.src, r.Word)
			end = r.Word.End()
		}
		rd.Start, rd.End = w.m(int(r.Pos().Offset()), int(end.Offset()))
		out = append(out, rd)
	}
	return out
}

func (w walker) emit(cmd Command, st *dirState, c ctx) {
	cmd.Dir, cmd.DirUnknown = st.dir, st.unknown
	cmd.Subshell, cmd.Piped, cmd.Cond, cmd.Nested = c.subshell, c.piped, c.cond, w.nested
	w.out.Commands = append(w.out.Commands, cmd)
}

func (w walker) decl(d *syntax.DeclClause, rs []*syntax.Redirect, st *dirState, c ctx) {
	var vals []*syntax.Word
	cmd := Command{Redirs: w.redirects(rs)}
	cmd.Start, cmd.End = w.span(d)
	a, b := w.span(d.Variant)
	cmd.Words = append(cmd.Words, Word{Text: d.Variant.Value, Start: a, End: b})
	for _, as := range d.Args {
		a, b := w.span(as)
		cmd.Words = append(cmd.Words, Word{Text: assignText(w.src, as), Start: a, End: b})
		if as.Value != nil {
			vals = append(vals, as.Value)
		}
	}
	w.substitutions(vals, *st, c)
	w.emit(cmd, st, c)
}

func (w walker) call(x *syntax.CallExpr, rs []*syntax.Redirect, st *dirState, c ctx) {
	var subst []*syntax.Word
	for _, as := range x.Assigns {
		if as.Value != nil {
			subst = append(subst, as.Value)
		}
	}
	subst = append(subst, x.Args...)
	w.substitutions(subst, *st, c)
	if len(x.Args) == 0 {
		return // only assignments: they set shell variables
	}
	cmd := Command{Redirs: w.redirects(rs)}
	cmd.Start, cmd.End = w.span(x)
	for _, as := range x.Assigns {
		cmd.Assigns = append(cmd.Assigns, assignText(w.src, as))
	}
	words := make([]Word, len(x.Args))
	for i, a := range x.Args {
		words[i] = w.word(a)
	}
	args := x.Args
	all := words
	// wrappers and their options (`sudo -u x`, `env -i A=b`, `nice -n 5`)
	for len(words) > 0 && wrappers[words[0].Text] {
		words, args = words[1:], args[1:]
		for len(words) > 0 && (strings.HasPrefix(words[0].Text, "-") || isAssignment(words[0].Text)) {
			opt := words[0].Text
			words, args = words[1:], args[1:]
			if (opt == "-u" || opt == "-g" || opt == "-n") && len(words) > 0 {
				words, args = words[1:], args[1:]
			}
		}
	}
	if len(words) == 0 {
		return
	}
	if n := len(all) - len(words); n > 0 {
		cmd.Prefix = all[:n:n]
	}
	cmd.Words = words
	name := cmd.Name()
	if shells[name] && w.nested < maxNesting && w.shell(cmd, args, rs, st, c) {
		return
	}
	w.emit(cmd, st, c)
	switch name {
	case "cd", "pushd":
		// In a subshell st is already the subshell's copy: the cd moves
		// the rest of the subshell only.
		cd(cmd, st)
	case "popd":
		st.unknown = true
	}
}

// cd applies `cd DIR` to the state.
func cd(cmd Command, st *dirState) {
	var target string
	n := 0
	for _, a := range cmd.Words[1:] {
		if a.Text == "-P" || a.Text == "-L" || a.Text == "-e" || a.Text == "-@" {
			continue
		}
		if n == 0 {
			target = a.Text
		}
		n++
	}
	switch {
	case n != 1 || target == "-" || target == "" || strings.ContainsAny(target, "$`*?[~"):
		st.unknown = true
	case path.IsAbs(target):
		st.dir, st.unknown = path.Clean(target), false
	case !st.unknown:
		if st.dir == "" {
			st.dir = path.Clean(target)
		} else {
			st.dir = path.Join(st.dir, target)
		}
		if st.dir == "." {
			st.dir = ""
		}
	}
}

// shell handles a shell command: `sh -c 'script'` or a heredoc fed to a
// shell reading standard input. It reports whether it replaced the command
// by the script's commands.
func (w walker) shell(cmd Command, args []*syntax.Word, rs []*syntax.Redirect, st *dirState, c ctx) bool {
	for k := 1; k < len(cmd.Words); k++ {
		t := cmd.Words[k].Text
		if !strings.HasPrefix(t, "-") || strings.HasPrefix(t, "--") {
			if strings.HasPrefix(t, "--") {
				continue
			}
			return false // a script file operand: not ours to read
		}
		if t == "-o" || t == "+o" {
			k++
			continue
		}
		if strings.ContainsRune(t[1:], 'c') {
			if k+1 >= len(cmd.Words) {
				return false
			}
			src, m := w.nestedSource(args[k+1])
			w.parse(src, m, *st, w.nested+1)
			return true
		}
	}
	// no operand: the shell reads its script from standard input
	for _, r := range rs {
		if (r.Op == syntax.Hdoc || r.Op == syntax.DashHdoc) && r.Hdoc != nil && len(r.Hdoc.Parts) > 0 {
			base := int(r.Hdoc.Pos().Offset())
			body := w.src[base:min(int(r.Hdoc.End().Offset()), len(w.src))]
			// the word's end takes in the delimiter line: drop it
			body = body[:strings.LastIndexByte(body, '\n')+1]
			outer := w.m
			w.parse(body, func(a, b int) (int, int) { return outer(base+a, base+b) }, *st, w.nested+1)
			return true
		}
	}
	return false
}

// nestedSource is the script an `sh -c` word holds, with the mapping of its
// offsets: exact when the word is one literal or single-quoted string (no
// escapes to undo), else every offset maps to the whole word.
func (w walker) nestedSource(wd *syntax.Word) (string, offMap) {
	outer := w.m
	if len(wd.Parts) == 1 {
		switch p := wd.Parts[0].(type) {
		case *syntax.SglQuoted:
			if !p.Dollar {
				base := int(p.Left.Offset()) + 1
				return p.Value, func(a, b int) (int, int) { return outer(base+a, base+b) }
			}
		case *syntax.Lit:
			if !strings.Contains(p.Value, `\`) {
				base := int(p.Pos().Offset())
				return p.Value, func(a, b int) (int, int) { return outer(base+a, base+b) }
			}
		case *syntax.DblQuoted:
			if len(p.Parts) == 1 {
				if l, ok := p.Parts[0].(*syntax.Lit); ok && !strings.Contains(l.Value, `\`) {
					base := int(l.Pos().Offset())
					return l.Value, func(a, b int) (int, int) { return outer(base+a, base+b) }
				}
			}
		}
	}
	a, b := int(wd.Pos().Offset()), int(wd.End().Offset())
	return wordText(w.src, wd), func(int, int) (int, int) { return outer(a, b) }
}

// wordText is a word after quote removal; expansions are kept as written.
func wordText(src string, wd *syntax.Word) string {
	if len(wd.Parts) == 1 {
		if l, ok := wd.Parts[0].(*syntax.Lit); ok && !strings.Contains(l.Value, `\`) {
			return l.Value
		}
	}
	var b strings.Builder
	partsText(&b, src, wd.Parts, false)
	return b.String()
}

func partsText(b *strings.Builder, src string, parts []syntax.WordPart, quoted bool) {
	for _, p := range parts {
		switch x := p.(type) {
		case *syntax.Lit:
			unescape(b, x.Value, quoted)
		case *syntax.SglQuoted:
			if x.Dollar {
				b.WriteString(slice(src, x))
			} else {
				b.WriteString(x.Value)
			}
		case *syntax.DblQuoted:
			partsText(b, src, x.Parts, true)
		default:
			b.WriteString(slice(src, p))
		}
	}
}

func slice(src string, n syntax.Node) string {
	a, e := int(n.Pos().Offset()), int(n.End().Offset())
	if a < 0 || e > len(src) || a > e {
		return ""
	}
	return src[a:e]
}

// unescape removes backslash quoting: outside quotes every `\x` is x; inside
// double quotes only before $ ` " \ and a line break.
func unescape(b *strings.Builder, s string, quoted bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			n := s[i+1]
			if n == '\n' {
				i++
				continue
			}
			if !quoted || strings.IndexByte("$`\"\\", n) >= 0 {
				b.WriteByte(n)
				i++
				continue
			}
		}
		b.WriteByte(c)
	}
}

func assignText(src string, as *syntax.Assign) string {
	if as.Name == nil {
		return wordText(src, as.Value)
	}
	t := as.Name.Value
	if as.Naked {
		return t
	}
	if as.Append {
		t += "+"
	}
	t += "="
	switch {
	case as.Value != nil:
		t += wordText(src, as.Value)
	case as.Array != nil:
		t += slice(src, as.Array)
	}
	return t
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
