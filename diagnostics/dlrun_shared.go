package diagnostics

import (
	"fmt"
	"strings"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/ecosystem"
)

// Shared pieces of the rules that read RUN's package-manager commands
// (hadolint's DL30xx/DL40xx RUN rules). Every rule reads commands through the
// shell model (ecosystem.RunScript, parsed once per instruction), never the
// raw line.

// dlRun calls fn for every RUN, ONBUILD RUN included (a RUN that ONBUILD
// wraps runs in every image built FROM this one), with its parsed script.
func dlRun(f *dockerfile.File, fn func(in *dockerfile.Instruction, s *ecosystem.Script)) {
	for _, in := range f.Instructions {
		// Keyword is upper-cased by the parser: a plain comparison, as this
		// loop runs once per rule on every keystroke.
		if target(in).Keyword != "RUN" {
			continue
		}
		fn(in, ecosystem.RunScript(in))
	}
}

// dlCommands calls fn for every command of every RUN.
func dlCommands(f *dockerfile.File, fn func(in *dockerfile.Instruction, c ecosystem.Command)) {
	dlRun(f, func(in *dockerfile.Instruction, s *ecosystem.Script) {
		for _, c := range s.Commands {
			fn(in, c)
		}
	})
}

// pkgInvocation is a package-manager command split into its subcommand and
// its operands (the words that are not options or option values).
type pkgInvocation struct {
	Sub      string
	SubWord  ecosystem.Word
	Operands []ecosystem.Word
}

// splitPkgCommand splits a command's words after the program name: the
// first operand is the subcommand, the rest are its operands. valueOpts are
// the options that take the next word as their value (`-o X`, `-t release`);
// `--opt=value` and clusters (`-qy`) take none.
func splitPkgCommand(c ecosystem.Command, valueOpts ...string) pkgInvocation {
	var p pkgInvocation
	words := c.Words[min(1, len(c.Words)):]
	for i := 0; i < len(words); i++ {
		w := words[i]
		t := w.Text
		if t == "--" {
			for _, r := range words[i+1:] {
				p.add(r)
			}
			break
		}
		if strings.HasPrefix(t, "-") && t != "-" {
			if !strings.Contains(t, "=") {
				for _, v := range valueOpts {
					if t == v {
						i++
						break
					}
				}
			}
			continue
		}
		p.add(w)
	}
	return p
}

func (p *pkgInvocation) add(w ecosystem.Word) {
	if p.Sub == "" && p.SubWord.End == 0 {
		p.Sub, p.SubWord = w.Text, w
		return
	}
	p.Operands = append(p.Operands, w)
}

// dlUnknowable reports whether a word cannot be judged: it holds an
// expansion (`$PKGS`, `$(cat list)`) or a glob.
func dlUnknowable(s string) bool { return strings.ContainsAny(s, "$`*?[") }

// dlIsPath reports whether a package operand is a file, directory or URL
// rather than a name to resolve (`./x.deb`, `/tmp/a.rpm`, `https://...`).
func dlIsPath(s string) bool {
	return strings.HasPrefix(s, ".") || strings.HasPrefix(s, "/") || strings.HasPrefix(s, "~") || strings.Contains(s, "://")
}

// dlUnpinned returns the operands that name a package without a version,
// per the pinned predicate; paths, URLs and expansions are left out.
func dlUnpinned(ops []ecosystem.Word, pinned func(string) bool, fileExts ...string) []ecosystem.Word {
	var out []ecosystem.Word
	for _, w := range ops {
		t := w.Text
		if t == "" || dlUnknowable(t) || dlIsPath(t) || pinned(t) {
			continue
		}
		file := false
		for _, e := range fileExts {
			if strings.HasSuffix(t, e) {
				file = true
			}
		}
		if !file {
			out = append(out, w)
		}
	}
	return out
}

// dlWordSpan is a word's span.
func dlWordSpan(w ecosystem.Word) dockerfile.Span { return dockerfile.Span{Start: w.Start, End: w.End} }

// dlCmdSpan is a command's span.
func dlCmdSpan(c ecosystem.Command) dockerfile.Span {
	return dockerfile.Span{Start: c.Start, End: c.End}
}

// dlInsertAfter is a fix inserting text right after a word, or nil when the
// word is not written plainly in the source (exec form, quotes, escapes),
// where an offset inside the text cannot be trusted.
func dlInsertAfter(f *dockerfile.File, in *dockerfile.Instruction, w ecosystem.Word, title, text string, safe bool) []Fix {
	if target(in).JSON || w.End <= w.Start || f.Slice(dlWordSpan(w)) != w.Text {
		return nil
	}
	return []Fix{{Title: title, Edits: []dockerfile.Edit{{Span: dockerfile.Span{Start: w.End, End: w.End}, NewText: text}}, Preferred: true, Safe: safe}}
}

// dlPinFindings appends a finding for each unpinned operand to out.
func dlPinFindings(out []Finding, ws []ecosystem.Word, how string) []Finding {
	for _, w := range ws {
		out = append(out, Finding{
			Message: "Pin the version of `" + shorten(w.Text) + "` (" + how + "), so that a rebuild installs what was tested",
			Span:    dlWordSpan(w),
		})
	}
	return out
}

// dlCleanRule is the shape of the "package cache left in the layer" rules:
// an install by one of names/subs in a RUN of a stage of the final image,
// with no clean command, no rm of the cache directory and no cache mount on
// it in that RUN.
type dlCleanRule struct {
	install func(c ecosystem.Command) bool
	cleaned func(c ecosystem.Command) bool
	dirs    []string // cache directories (rm targets and cache mounts)
	msg     string
}

func (r dlCleanRule) check(f *dockerfile.File) []Finding {
	final := finalChain(f)
	var out []Finding
	dlRun(f, func(in *dockerfile.Instruction, s *ecosystem.Script) {
		if in.Sub != nil || !final[in.Stage] || s.Unknown || cacheMountOn(in, r.dirs...) {
			return
		}
		var install *ecosystem.Command
		for i, c := range s.Commands {
			if r.cleaned(c) {
				return
			}
			if c.Name() == "rm" {
				for _, a := range c.Args() {
					for _, d := range r.dirs {
						if strings.HasPrefix(a, d) {
							return
						}
					}
				}
			}
			if install == nil && r.install(c) {
				install = &s.Commands[i]
			}
		}
		if install != nil {
			out = append(out, Finding{Message: fmt.Sprintf(r.msg, shorten(install.String())), Span: dlCmdSpan(*install)})
		}
	})
	return out
}

func dlIn(s string, set ...string) bool {
	for _, x := range set {
		if s == x {
			return true
		}
	}
	return false
}
