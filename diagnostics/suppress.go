package diagnostics

import (
	"strings"

	"github.com/msls-dev/msls/dockerfile"
)

// codeSet is a set of rule codes; "all" stands for every code.
type codeSet map[string]bool

func (s codeSet) has(code string, src Source) bool {
	if s == nil {
		return false
	}
	return s[code] || s["all"] && src != ""
}

// add puts a comma-separated list into the set. In msls's and hadolint's
// comments (names true) a rule's name or alias (hadolint's ids) stands for
// the rule; `check=skip=` lists are BuildKit's and taken as written.
// hadolint has no `ignore=all`, so its comments never silence everything.
func (s codeSet) add(codes string, names, hadolint bool) {
	for _, c := range strings.Split(codes, ",") {
		c = strings.TrimSpace(c)
		if c == "" || hadolint && c == "all" {
			continue
		}
		if names {
			for _, r := range Lookup(c) {
				s[r.Code] = true
			}
		}
		s[c] = true
	}
}

// pragma is what one comment line asks to suppress.
type pragma struct {
	global   bool
	codes    codeSet
	buildkit bool // a `check=skip=` list: `all` covers BuildKit rules only
}

// parsePragma reads `msls [global] ignore=A,B`, `hadolint [global] ignore=DLxxxx`
// and `check=skip=A,B[;...]` comments. Text after the list (`# reason`,
// `// reason`) is ignored.
func parsePragma(text string) (pragma, bool) {
	t := strings.TrimSpace(text)
	// Most comments are prose: reject them before lower-casing (which
	// allocates). Only ASCII letters lower-case to m, h or c.
	if t == "" || !strings.ContainsRune("mhcMHC", rune(t[0])) {
		return pragma{}, false
	}
	lower := strings.ToLower(t)
	var p pragma
	switch {
	case strings.HasPrefix(lower, "msls "), strings.HasPrefix(lower, "hadolint "):
		hadolint := strings.HasPrefix(lower, "hadolint ")
		rest := strings.TrimSpace(t[strings.IndexByte(t, ' ')+1:])
		if strings.HasPrefix(strings.ToLower(rest), "global ") {
			p.global = true
			rest = strings.TrimSpace(rest[len("global "):])
		}
		if !strings.HasPrefix(strings.ToLower(rest), "ignore=") {
			return p, false
		}
		list := firstField(rest[len("ignore="):])
		p.codes = codeSet{}
		p.codes.add(list, true, hadolint)
		return p, true
	case strings.HasPrefix(lower, "check="):
		for _, part := range strings.Split(firstField(t[len("check="):]), ";") {
			k, v, _ := strings.Cut(part, "=")
			if strings.EqualFold(strings.TrimSpace(k), "skip") {
				p.codes = codeSet{}
				p.codes.add(v, false, false)
				p.buildkit = true
				return p, true
			}
		}
	}
	return p, false
}

func firstField(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		s = s[:i]
	}
	return s
}

// suppressed reports whether a pragma covers a finding's code.
func (p pragma) covers(code string) bool {
	r := registry[code]
	if p.codes[code] {
		return true
	}
	if !p.codes["all"] {
		return false
	}
	if p.buildkit {
		return r != nil && r.Source == SourceBuildKit
	}
	return code != ParseErrorCode
}

// suppress drops findings silenced by comments. Parse errors are never
// silenced.
func suppress(f *dockerfile.File, in []Finding, inline bool) []Finding {
	var global []pragma
	for _, c := range f.Comments {
		if p, ok := parsePragma(c.Text); ok && p.global {
			global = append(global, p)
		}
	}
	if d, ok := f.Directive("check"); ok {
		if p, ok := parsePragma("check=" + d.Value); ok {
			global = append(global, p)
		}
	}
	// per-stage check=skip comments above FROM (BuildKit's semantics)
	stageSkip := map[int][]pragma{}
	if inline {
		for _, st := range f.Stages {
			for _, c := range st.From.Comments {
				if p, ok := parsePragma(c.Text); ok && p.buildkit {
					stageSkip[st.Index] = append(stageSkip[st.Index], p)
				}
			}
		}
	}
	out := in[:0]
next:
	for _, fd := range in {
		if fd.Code == ParseErrorCode {
			out = append(out, fd)
			continue
		}
		for _, p := range global {
			if p.covers(fd.Code) {
				continue next
			}
		}
		if inline {
			if ins := f.InstructionAt(fd.Span.Start); ins != nil {
				for _, c := range ins.Comments {
					if p, ok := parsePragma(c.Text); ok && !p.global && p.covers(fd.Code) {
						continue next
					}
				}
				if ins.Stage >= 0 {
					for _, p := range stageSkip[ins.Stage] {
						if p.covers(fd.Code) {
							continue next
						}
					}
				}
			}
		}
		out = append(out, fd)
	}
	return out
}
