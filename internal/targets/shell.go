package targets

import (
	"bytes"
	"path"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// docker build flags that take no value; every other flag written without
// `=` takes the next word, so the context argument is found correctly.
var boolFlags = map[string]bool{
	"--push": true, "--load": true, "--no-cache": true, "--pull": true, "-q": true, "--quiet": true,
	"--rm": true, "--force-rm": true, "--compress": true, "--squash": true, "--check": true,
	"--debug": true, "-D": true, "--disable-content-trust": true,
}

// parseScript finds docker build commands in a shell script. Relative paths
// are taken from the script's directory first, then from the root (scripts
// are often run from the repository's top).
func parseScript(rel string, content []byte) []Target {
	f, err := syntax.NewParser(syntax.KeepComments(false)).Parse(bytes.NewReader(content), rel)
	if err != nil && f == nil {
		return nil
	}
	x := newLineIndex(content)
	var out []Target
	bases := []string{path.Dir(rel)}
	if path.Dir(rel) != "." {
		bases = append(bases, ".")
	}
	syntax.Walk(f, func(n syntax.Node) bool {
		if c, ok := n.(*syntax.CallExpr); ok {
			if t, ok := dockerBuild(c, x, 0, rel, bases); ok {
				out = append(out, t)
			}
		}
		return true
	})
	return out
}

// parseMakefile finds docker build commands in a Makefile's recipe lines
// (lines starting with a tab, joined across backslash continuations), each
// parsed as shell. Make runs recipes from the Makefile's directory.
func parseMakefile(rel string, content []byte) []Target {
	x := newLineIndex(content)
	var out []Target
	rule := ""
	lines := bytes.SplitAfter(content, []byte("\n"))
	off := 0
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		start := off
		off += len(line)
		if len(line) == 0 || line[0] != '\t' {
			s := strings.TrimSpace(string(line))
			if j := strings.Index(s, ":"); j > 0 && !strings.HasPrefix(s, "#") && !strings.Contains(s[:j], "=") {
				rule = strings.TrimSpace(s[:j])
			}
			continue
		}
		// a recipe, continued while lines end in a backslash
		end := off
		for bytes.HasSuffix(bytes.TrimRight(lines[i], "\r\n"), []byte("\\")) && i+1 < len(lines) {
			i++
			off += len(lines[i])
			end = off
		}
		// Blank out make's prefixes (tab, @, -, +) and $$ (make's escape
		// for $) so offsets stay those of the file.
		rec := append([]byte(nil), content[start:end]...)
		j := 0
		for j < len(rec) && (rec[j] == '\t' || rec[j] == '@' || rec[j] == '-' || rec[j] == '+' || rec[j] == ' ') {
			rec[j] = ' '
			j++
		}
		rec = bytes.ReplaceAll(rec, []byte("$$"), []byte(" $"))
		f, err := syntax.NewParser().Parse(bytes.NewReader(rec), rel)
		if err != nil && f == nil {
			continue
		}
		syntax.Walk(f, func(n syntax.Node) bool {
			if c, ok := n.(*syntax.CallExpr); ok {
				if t, ok := dockerBuild(c, x, start, rel, []string{path.Dir(rel)}); ok {
					t.Name = rule
					out = append(out, t)
				}
			}
			return true
		})
	}
	return out
}

// lit is a word's literal value: plain text and quoted text without
// expansions; ok is false otherwise. quoted says the word is one quoted
// string (its text starts one byte in).
func lit(w *syntax.Word) (s string, quoted, ok bool) {
	var b strings.Builder
	for _, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.Lit:
			b.WriteString(p.Value)
		case *syntax.SglQuoted:
			b.WriteString(p.Value)
			quoted = len(w.Parts) == 1
		case *syntax.DblQuoted:
			for _, q := range p.Parts {
				l, isLit := q.(*syntax.Lit)
				if !isLit {
					return "", false, false
				}
				b.WriteString(l.Value)
			}
			quoted = len(w.Parts) == 1
		default:
			return "", false, false
		}
	}
	return b.String(), quoted, true
}

// dockerBuild recognises `docker build`, `docker image build` and `docker
// buildx build` (also `b`) with --target; base is the offset of the parsed
// text in the file.
func dockerBuild(c *syntax.CallExpr, x *lineIndex, base int, rel string, dirs []string) (Target, bool) {
	args := c.Args
	if len(args) < 2 {
		return Target{}, false
	}
	cmd, _, _ := lit(args[0])
	if path.Base(cmd) != "docker" && path.Base(cmd) != "podman" {
		return Target{}, false
	}
	i := 1
	w, _, _ := lit(args[i])
	if w == "buildx" || w == "image" || w == "builder" {
		i++
		if i >= len(args) {
			return Target{}, false
		}
		w, _, _ = lit(args[i])
	}
	if w != "build" && w != "b" {
		return Target{}, false
	}
	t := Target{Kind: Script, File: rel, KeyLine: -1}
	if strings.HasSuffix(strings.ToLower(path.Base(rel)), ".sh") || strings.HasSuffix(rel, ".bash") {
		t.Name = "line " + itoa(int(c.Pos().Line()))
	} else {
		t.Kind = Make
	}
	var context, file string
	contextOK, fileOK, haveTarget := true, true, false
	for i++; i < len(args); i++ {
		a := args[i]
		s, _, ok := lit(a)
		if !ok || !strings.HasPrefix(s, "-") || s == "-" {
			if context == "" {
				context, contextOK = s, ok
			}
			continue
		}
		name, val, hasVal := strings.Cut(s, "=")
		if boolFlags[name] {
			continue
		}
		valWord := (*syntax.Word)(nil)
		valOff := -1
		if hasVal {
			valOff = valueOffset(a, name, base)
		} else if i+1 < len(args) {
			i++
			valWord = args[i]
			var vq, vok bool
			val, vq, vok = lit(valWord)
			if !vok {
				val = "$"
			}
			valOff = base + int(valWord.Pos().Offset())
			if vq {
				valOff++
			}
		}
		switch name {
		case "--target":
			haveTarget = true
			t.KeyLine, _ = x.pos(base + int(a.Pos().Offset()))
			if hasVariable(val) || val == "" {
				t.Unresolved = "target is not a literal"
				continue
			}
			t.Stage = val
			if exact(x.text, valOff, val) {
				t.Span, t.Exact = x.span(valOff, valOff+len(val)), true
			}
		case "-f", "--file":
			file = val
			fileOK = !hasVariable(val)
		}
	}
	if !haveTarget {
		return Target{}, false
	}
	if context == "" && contextOK {
		context = "."
	}
	var pathWhy string
	switch {
	case context == "-":
		pathWhy = "context from standard input"
	case !fileOK:
		pathWhy = "Dockerfile is not a literal"
	case !contextOK && file == "":
		pathWhy = "context is not a literal"
	}
	if pathWhy == "" {
		for _, d := range dirs {
			// -f is relative to the working directory, not the context
			var p, why string
			if file != "" {
				p, why = resolve(d, ".", file, true)
			} else {
				p, why = resolve(d, context, "", false)
			}
			if why != "" {
				pathWhy = why
				continue
			}
			t.Dockerfiles = append(t.Dockerfiles, p)
		}
		if len(t.Dockerfiles) > 0 {
			pathWhy = ""
		}
	}
	if t.Unresolved == "" { // the target's own reason comes first
		t.Unresolved = pathWhy
	}
	return t, true
}

// valueOffset is where the value of --flag=value starts in the file: after
// the `=` of a plain word, or inside the quotes of --flag='value'.
func valueOffset(w *syntax.Word, name string, base int) int {
	off := base + int(w.Pos().Offset())
	switch {
	case len(w.Parts) == 1:
		if _, ok := w.Parts[0].(*syntax.Lit); ok {
			return off + len(name) + 1
		}
	case len(w.Parts) == 2:
		if l, ok := w.Parts[0].(*syntax.Lit); ok && l.Value == name+"=" {
			switch w.Parts[1].(type) {
			case *syntax.SglQuoted, *syntax.DblQuoted:
				return base + int(w.Parts[1].Pos().Offset()) + 1
			}
		}
	}
	return -1
}
