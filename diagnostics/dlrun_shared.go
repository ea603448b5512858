package diagnostics

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// Shared pieces of the rules that read RUN's package-manager commands
// (hadolint's DL30xx/DL40xx RUN rules). Every rule reads commands through the
// shell model (ecosystem.RunScript, parsed once per instruction), never the
// raw line.

// dlRun calls fn for every RUN, ONBUILD RUN included (a RUN that ONBUILD
// wraps runs in every image built FROM this one), with its parsed script.
func dlRun(f *dockerfile.File, fn func(in *dockerfile.Instruction, s *ecosystem.Script)) {
	for _, in := range f.Instructions {
		if isRun(in) {
			fn(in, ecosystem.RunScript(in))
		}
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

// isRun reports whether in is a RUN or an ONBUILD RUN. Keyword is
// upper-cased by the parser: a plain comparison, as this runs for every
// instruction on every keystroke.
func isRun(in *dockerfile.Instruction) bool { return target(in).Keyword == "RUN" }

// Most RUN rules judge each RUN by itself: what they find in a RUN depends
// on its own text only (its script, flags and heredocs), not on its stage
// or on other instructions. Such a rule is registered with registerRun and
// a runCheck; the findings of every runCheck on a RUN are computed once per
// instruction and memoised on it, so they survive the keystrokes that do
// not touch it, moved along when an edit above shifts it (see
// dockerfile.DerivedMovable). A version's rule pass then only gathers them:
// one memo lookup per RUN for all such rules (see runResultsOf).

// runCheck appends a rule's findings on one RUN (or ONBUILD RUN) with its
// parsed script to out. It may read f only inside in's own span (f.Slice of
// a word, to tell whether it is written plainly): the memo is reused in later
// versions of the file, where everything else may differ.
type runCheck func(f *dockerfile.File, in *dockerfile.Instruction, s *ecosystem.Script, out []Finding) []Finding

// runChecks are the registered runChecks; a rule's index in it keys its
// findings in the memos. Filled by the rules' package initialisation only.
var runChecks []runCheck

// registerRun registers a rule judged one RUN at a time. post, when not nil,
// turns the rule's findings on the RUNs of a version (with their
// instructions, in source order; read only) into the rule's findings, for
// rules that also ask where the RUN is (its stage, the SHELL before it); nil
// takes them as they are.
func registerRun(r *Rule, check runCheck, post func(f *dockerfile.File, hits []runHit) []Finding) *Rule {
	i := len(runChecks)
	runChecks = append(runChecks, check)
	r.Check = func(f *dockerfile.File) []Finding {
		res := runResultsOf(f)
		if p := res.panics[i]; p != nil {
			panic(p) // as if the rule itself had panicked on this file
		}
		hits := res.hits[i]
		if post != nil {
			return post(f, hits)
		}
		if len(hits) == 0 {
			return nil
		}
		out := make([]Finding, len(hits))
		for k, h := range hits {
			out[k] = h.Finding
		}
		return out
	}
	return register(r)
}

// eachCommand is a runCheck that calls fn for every command of the RUN.
func eachCommand(fn func(f *dockerfile.File, in *dockerfile.Instruction, c ecosystem.Command, out []Finding) []Finding) runCheck {
	return func(f *dockerfile.File, in *dockerfile.Instruction, s *ecosystem.Script, out []Finding) []Finding {
		for _, c := range s.Commands {
			out = fn(f, in, c, out)
		}
		return out
	}
}

// runHit is a finding of a runCheck on one RUN of a version.
type runHit struct {
	In *dockerfile.Instruction
	Finding
}

// rulePanic is a panic recovered in a rule, with the stack it was raised on
// (runRule reports it as the rule's).
type rulePanic struct {
	value any
	stack []byte
}

// runMemo is what every runCheck found on one RUN: the findings in the
// order of runChecks, each check's in the order it appended them.
type runMemo []ruleFinding

type ruleFinding struct {
	rule  int
	fd    Finding
	panic *rulePanic // the check panicked on this RUN (fd is empty)
}

type runMemoKey struct{}

// runMemoOf is the memo of a RUN: computed once per instruction, and moved
// with it by ParseFrom.
func runMemoOf(f *dockerfile.File, in *dockerfile.Instruction) runMemo {
	return in.DerivedMovable(runMemoKey{}, func() any { return computeRunMemo(f, in) }, moveRunMemo).(runMemo)
}

func computeRunMemo(f *dockerfile.File, in *dockerfile.Instruction) runMemo {
	s := ecosystem.RunScript(in)
	var out runMemo
	var buf []Finding
	for i, check := range runChecks {
		var p *rulePanic
		buf, p = runOneCheck(check, f, in, s, buf[:0])
		if p != nil {
			out = append(out, ruleFinding{rule: i, panic: p})
			continue
		}
		for _, fd := range buf {
			out = append(out, ruleFinding{rule: i, fd: fd})
		}
	}
	return out
}

// runOneCheck runs one check, recovering its panic: the other rules keep
// their findings on this RUN.
func runOneCheck(check runCheck, f *dockerfile.File, in *dockerfile.Instruction, s *ecosystem.Script, buf []Finding) (out []Finding, p *rulePanic) {
	defer func() {
		if v := recover(); v != nil {
			out, p = nil, &rulePanic{value: v, stack: debug.Stack()}
		}
	}()
	return check(f, in, s, buf), nil
}

// moveRunMemo is the memo of the RUN moved by d bytes (see
// dockerfile.DerivedMovable): every offset of the findings moves, in new
// memory. Most RUNs have no finding: their (nil) memo moves as it is.
func moveRunMemo(v any, d int) any {
	m := v.(runMemo)
	if len(m) == 0 {
		return m
	}
	out := make(runMemo, len(m))
	for i, h := range m {
		h.fd = movedFinding(h.fd, d)
		out[i] = h
	}
	return out
}

// movedFinding is fd with every span moved by d bytes, sharing no slice
// with fd.
func movedFinding(fd Finding, d int) Finding {
	fd.Span = shiftSpan(fd.Span, d)
	if fd.Related != nil {
		rs := make([]Related, len(fd.Related))
		for i, r := range fd.Related {
			r.Span = shiftSpan(r.Span, d)
			rs[i] = r
		}
		fd.Related = rs
	}
	if fd.Fixes != nil {
		fixes := make([]Fix, len(fd.Fixes))
		for i, fx := range fd.Fixes {
			if fx.Edits != nil {
				es := make([]dockerfile.Edit, len(fx.Edits))
				for k, e := range fx.Edits {
					e.Span = shiftSpan(e.Span, d)
					es[k] = e
				}
				fx.Edits = es
			}
			fixes[i] = fx
		}
		fd.Fixes = fixes
	}
	return fd
}

// shiftSpan moves a span the way ParseFrom moves an instruction's spans:
// the zero span (no location) stays.
func shiftSpan(s dockerfile.Span, d int) dockerfile.Span {
	if s.IsZero() {
		return s
	}
	return dockerfile.Span{Start: s.Start + d, End: s.End + d}
}

// runResults are the findings of every runCheck on the RUNs of one version,
// by rule.
type runResults struct {
	hits   [][]runHit
	panics []*rulePanic // the first panic of each rule, nil for none
}

type runResultsKey struct{}

// runResultsOf gathers the memos of f's RUNs, once per version.
func runResultsOf(f *dockerfile.File) *runResults {
	return f.Derived(runResultsKey{}, func() any {
		res := &runResults{hits: make([][]runHit, len(runChecks)), panics: make([]*rulePanic, len(runChecks))}
		for _, in := range f.Instructions {
			if !isRun(in) {
				continue
			}
			for _, h := range runMemoOf(f, in) {
				switch {
				case h.panic == nil:
					res.hits[h.rule] = append(res.hits[h.rule], runHit{In: in, Finding: h.fd})
				case res.panics[h.rule] == nil:
					res.panics[h.rule] = h.panic
				}
			}
		}
		return res
	}).(*runResults)
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
	return dlPinFindingsWhere(out, ws, nil, how)
}

// dlPinFindingsWhere is dlPinFindings for the words unpinned (nil: all)
// reports.
func dlPinFindingsWhere(out []Finding, ws []ecosystem.Word, unpinned func(string) bool, how string) []Finding {
	for _, w := range ws {
		if unpinned != nil && !unpinned(w.Text) {
			continue
		}
		out = append(out, Finding{
			Message: "Pin the version of `" + shorten(w.Text) + "` (" + how + "), so that a rebuild installs what was tested",
			Span:    dlWordSpan(w),
		})
	}
	return out
}

// dlCleanRule is the shape of the "package cache left in the layer" rules:
// an install by one of names/subs in a RUN (or ONBUILD RUN) of a stage of
// the final image, with no clean command, no rm of the cache directory and
// no cache mount on it in that RUN.
type dlCleanRule struct {
	install func(c ecosystem.Command) bool
	cleaned func(c ecosystem.Command) bool
	dirs    []string // cache directories (rm targets and cache mounts)
	msg     string
}

// check is the rule's runCheck; finalOnly its post.
func (r dlCleanRule) check(f *dockerfile.File, in *dockerfile.Instruction, s *ecosystem.Script, out []Finding) []Finding {
	if s.Unknown || cacheMountOn(target(in), r.dirs...) {
		return out
	}
	var install *ecosystem.Command
	for i, c := range s.Commands {
		if r.cleaned(c) {
			return out
		}
		if c.Name() == "rm" {
			for _, a := range c.Args() {
				for _, d := range r.dirs {
					if strings.HasPrefix(a, d) {
						return out
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
