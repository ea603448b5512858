package codeactions

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode"

	"github.com/moby/buildkit/frontend/dockerfile/linter"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// Fixes for BuildKit's build checks where the change is mechanical (the
// rules declare FixOnRequest in diagnostics/buildkit_rules.go).
func init() {
	bk := func(r interface{ RuleName() string }, fix Fixer) {
		RegisterFixer(diagnostics.RuleByCode(r.RuleName()), fix)
	}
	bk(&linter.RuleConsistentInstructionCasing, fixCasing)
	bk(&linter.RuleFromAsCasing, fixFromAs)
	bk(&linter.RuleMaintainerDeprecated, fixMaintainer)
	bk(&linter.RuleLegacyKeyValueFormat, fixLegacyKV)
	bk(&linter.RuleJSONArgsRecommended, fixJSONArgs)
	bk(&linter.RuleStageNameCasing, fixStageName)
}

// majorityUpper reports whether most keywords in the file are upper-case
// (BuildKit's ConsistentInstructionCasing follows the majority).
func majorityUpper(f *dockerfile.File) bool {
	up, low := 0, 0
	for _, in := range f.Instructions {
		k := f.Slice(in.KeywordSpan)
		switch k {
		case strings.ToUpper(k):
			up++
		case strings.ToLower(k):
			low++
		}
	}
	return up >= low
}

func caseLike(upper bool, s string) string {
	if upper {
		return strings.ToUpper(s)
	}
	return strings.ToLower(s)
}

func fixCasing(f *dockerfile.File, fd diagnostics.Finding, _ Context) []Action {
	in := instructionOf(f, fd)
	if in == nil {
		return nil
	}
	up := majorityUpper(f)
	kw := f.Slice(in.KeywordSpan)
	want := caseLike(up, kw)
	if kw == want {
		return nil
	}
	return []Action{{Title: "Write " + want + " in " + caseLike(up, "the file's") + " casing", Edits: []dockerfile.Edit{{Span: in.KeywordSpan, NewText: want}}, Preferred: true, Safe: true}}
}

func fixFromAs(f *dockerfile.File, fd diagnostics.Finding, _ Context) []Action {
	in := instructionOf(f, fd)
	if in == nil || !in.Is("FROM") || len(in.Args) < 3 {
		return nil
	}
	kw := f.Slice(in.KeywordSpan)
	as := in.Args[1]
	up := kw == strings.ToUpper(kw)
	want := caseLike(up, "as")
	if as.Value == want {
		return nil
	}
	return []Action{{Title: "Write " + want + " like " + kw, Edits: []dockerfile.Edit{{Span: as.Span, NewText: want}}, Preferred: true, Safe: true}}
}

func fixMaintainer(f *dockerfile.File, fd diagnostics.Finding, _ Context) []Action {
	in := instructionOf(f, fd)
	if in == nil || !in.Is("MAINTAINER") || in.EndLine != in.StartLine {
		return nil
	}
	who := strings.TrimSpace(in.ArgsText)
	if who == "" {
		return nil
	}
	text := "LABEL org.opencontainers.image.authors=" + strconv.Quote(who)
	return []Action{{Title: "Replace MAINTAINER with a LABEL", Edits: []dockerfile.Edit{{Span: in.Span, NewText: caseKw(f, in, text)}}, Preferred: true, Safe: !strings.ContainsAny(who, `"\$`)}}
}

// caseKw writes a replacement instruction's keyword in the casing of the
// one it replaces.
func caseKw(f *dockerfile.File, in *dockerfile.Instruction, text string) string {
	kw := f.Slice(in.KeywordSpan)
	if kw == strings.ToLower(kw) {
		k, rest, _ := strings.Cut(text, " ")
		return strings.ToLower(k) + " " + rest
	}
	return text
}

func fixLegacyKV(f *dockerfile.File, fd diagnostics.Finding, _ Context) []Action {
	in := instructionOf(f, fd)
	if in == nil || !(in.Is("ENV") || in.Is("LABEL")) || len(in.Args) < 2 || strings.Contains(in.Args[0].Value, "=") {
		return nil
	}
	if in.EndLine != in.StartLine {
		return nil
	}
	key := in.Args[0].Value
	val := strings.TrimSpace(in.ArgsText[len(key):])
	var nv string
	switch {
	case len(in.Args) == 2 && !strings.ContainsAny(val, " \t"):
		nv = key + "=" + val
	case !strings.ContainsAny(val, `"'\`):
		nv = key + `="` + val + `"`
	default:
		return nil
	}
	return []Action{{Title: "Use " + in.Keyword + " " + key + "=value", Edits: []dockerfile.Edit{{Span: in.ArgsSpan, NewText: nv}}, Preferred: true, Safe: true}}
}

// fixJSONArgs writes a shell-form CMD/ENTRYPOINT in exec form when it is a
// plain command (no variables, operators, globs or redirections the shell
// would have interpreted).
func fixJSONArgs(f *dockerfile.File, fd diagnostics.Finding, _ Context) []Action {
	in := instructionOf(f, fd)
	if in == nil || in.JSON || !(in.Is("CMD") || in.Is("ENTRYPOINT")) {
		return nil
	}
	text := in.ArgsText
	if text == "" || strings.ContainsAny(text, "$`|&;<>*?(){}~\\\n") || strings.HasPrefix(strings.TrimSpace(text), "[") {
		return nil
	}
	cmds := ecosystem.SplitCommands(text)
	if len(cmds) != 1 {
		return nil
	}
	words := wordsOf(cmds[0])
	if len(words) == 0 || cmds[0].Start != 0 || strings.Contains(strings.Fields(text)[0], "=") {
		return nil
	}
	for _, w := range words {
		for _, r := range w {
			if !unicode.IsPrint(r) {
				return nil
			}
		}
	}
	return []Action{{Title: "Use the exec (JSON) form", Edits: []dockerfile.Edit{{Span: in.ArgsSpan, NewText: execForm(words)}}, Preferred: true, Safe: true}}
}

func execForm(words []string) string {
	parts := make([]string, len(words))
	for i, w := range words {
		b, _ := json.Marshal(w)
		parts[i] = strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(b))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// fixStageName lower-cases a stage name and every reference to it.
func fixStageName(f *dockerfile.File, fd diagnostics.Finding, _ Context) []Action {
	var st *dockerfile.Stage
	for _, s := range f.Stages {
		if s.Name != "" && s.NameSpan.Start <= fd.Span.End && fd.Span.Start <= s.NameSpan.End && s.Name != strings.ToLower(s.Name) {
			st = s
		}
	}
	if st == nil {
		for _, s := range f.Stages {
			if s.Name != "" && s.Name != strings.ToLower(s.Name) && s.From.Span.Contains(fd.Span.Start) {
				st = s
			}
		}
	}
	if st == nil || strings.Contains(st.Name, "$") {
		return nil
	}
	low := strings.ToLower(st.Name)
	if other := f.StageByName(low); other != nil && other != st {
		return nil
	}
	edits := []dockerfile.Edit{{Span: st.NameSpan, NewText: low}}
	for _, s := range f.Stages[st.Index+1:] {
		if s.Parent == st.Index {
			edits = append(edits, dockerfile.Edit{Span: s.BaseSpan, NewText: low})
		}
		for _, in := range s.Instructions {
			if fl, ok := in.Flag("from"); ok && strings.EqualFold(fl.Value, st.Name) {
				edits = append(edits, dockerfile.Edit{Span: fl.ValueSpan, NewText: low})
			}
			for _, fl := range in.Flags {
				if fl.Name != "mount" {
					continue
				}
				for _, part := range strings.Split(fl.Value, ",") {
					k, v, _ := strings.Cut(part, "=")
					if k == "from" && strings.EqualFold(v, st.Name) {
						i := strings.Index(fl.Value, part)
						start := fl.ValueSpan.Start + i + len("from=")
						edits = append(edits, dockerfile.Edit{Span: dockerfile.Span{Start: start, End: start + len(v)}, NewText: low})
					}
				}
			}
		}
	}
	return []Action{{Title: "Rename stage to " + low, Edits: edits, Preferred: true, Safe: true}}
}
