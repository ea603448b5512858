package codeactions

import (
	"regexp"
	"strings"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
)

var ignoreRE = regexp.MustCompile(`^#\s*msls\s+ignore=(\S*)`)
var globalIgnoreRE = regexp.MustCompile(`^#\s*msls\s+global\s+ignore=(\S*)`)

// IgnoreActions are the suppression actions for a finding: a
// `# msls ignore=Code` line above its instruction, or a
// `# msls global ignore=Code` line for the whole file (after the parser
// directives, which must stay first).
func IgnoreActions(f *dockerfile.File, fd diagnostics.Finding) []Action {
	if fd.Code == "" || fd.Code == diagnostics.ParseErrorCode {
		return nil
	}
	var out []Action
	if in := instructionOf(f, fd); in != nil {
		out = append(out, Action{Title: "Ignore " + fd.Code + " for this instruction", Edits: []dockerfile.Edit{ignoreLine(f, in, fd.Code)}})
	}
	out = append(out, Action{Title: "Ignore " + fd.Code + " in this file", Edits: []dockerfile.Edit{globalIgnore(f, fd.Code)}})
	for i := range out {
		out[i].Kind = KindQuickFix
	}
	return out
}

// ignoreLine extends an existing `# msls ignore=` line directly above the
// instruction, or adds one.
func ignoreLine(f *dockerfile.File, in *dockerfile.Instruction, code string) dockerfile.Edit {
	if n := len(in.Comments); n > 0 {
		c := in.Comments[n-1]
		text := f.Slice(c.Span)
		if m := ignoreRE.FindStringSubmatchIndex(text); m != nil {
			at := c.Span.Start + m[3]
			return dockerfile.Edit{Span: dockerfile.Span{Start: at, End: at}, NewText: sepIfNeeded(text[m[2]:m[3]]) + code}
		}
	}
	at := lineStartOf(f, in.Span.Start)
	return dockerfile.Edit{Span: dockerfile.Span{Start: at, End: at}, NewText: indentOf(f, in) + "# msls ignore=" + code + eol(f)}
}

func sepIfNeeded(list string) string {
	if list == "" || strings.HasSuffix(list, ",") {
		return ""
	}
	return ","
}

func globalIgnore(f *dockerfile.File, code string) dockerfile.Edit {
	for _, c := range f.Comments {
		text := f.Slice(c.Span)
		if m := globalIgnoreRE.FindStringSubmatchIndex(text); m != nil {
			at := c.Span.Start + m[3]
			return dockerfile.Edit{Span: dockerfile.Span{Start: at, End: at}, NewText: sepIfNeeded(text[m[2]:m[3]]) + code}
		}
	}
	at := 0
	if n := len(f.Directives); n > 0 {
		at = afterLine(f, f.Directives[n-1].Span.End)
	} else if len(f.Text) >= 3 && string(f.Text[:3]) == "\xEF\xBB\xBF" {
		at = 3
	}
	return dockerfile.Edit{Span: dockerfile.Span{Start: at, End: at}, NewText: "# msls global ignore=" + code + eol(f)}
}
