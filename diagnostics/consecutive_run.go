package diagnostics

import (
	"sort"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// ConsecutiveRunRule flags a RUN right after another RUN of the same stage,
// with the same flags, when each runs a single command: they could be one
// RUN and one layer.
var ConsecutiveRunRule = register(&Rule{
	Code:     "ConsecutiveRun",
	Severity: SeverityInformation,
	Summary:  "consecutive single-command RUN instructions could be one RUN (one layer)",
	Aliases:  []string{"DL3059"},
	Check:    checkConsecutiveRun,
})

// dlSingleCommand reports whether a RUN runs one command (so that it was
// not split from its neighbour deliberately, as a chain would show).
func dlSingleCommand(in *dockerfile.Instruction) bool {
	if in.Sub != nil || len(in.Heredocs) > 0 {
		return false
	}
	s := ecosystem.RunScript(in)
	return !s.Unknown && len(s.Commands) == 1
}

func dlSameFlags(a, b *dockerfile.Instruction) bool {
	if len(a.Flags) != len(b.Flags) {
		return false
	}
	for i := range a.Flags {
		if a.Flags[i].Name != b.Flags[i].Name || a.Flags[i].Value != b.Flags[i].Value {
			return false
		}
	}
	return true
}

func checkConsecutiveRun(f *dockerfile.File) []Finding {
	var out []Finding
	for _, st := range f.Stages {
		for i := 1; i < len(st.Instructions); i++ {
			prev, in := st.Instructions[i-1], st.Instructions[i]
			if !in.Is("RUN") || !prev.Is("RUN") || in.Sub != nil || prev.Sub != nil || !dlSameFlags(prev, in) ||
				!dlSingleCommand(prev) || !dlSingleCommand(in) || commentBetween(f, prev, in) {
				continue
			}
			out = append(out, Finding{
				Message: "This RUN follows another single-command RUN: join them with `&&` into one RUN, one layer",
				Span:    firstLine(f, in),
				Related: []Related{{Span: firstLine(f, prev), Message: "the previous RUN"}},
			})
		}
	}
	return out
}

// commentBetween reports whether a comment line separates two instructions.
// hadolint counts a comment as a step between two RUNs, and so does msls: a
// comment above a RUN usually says why it is a step of its own.
func commentBetween(f *dockerfile.File, a, b *dockerfile.Instruction) bool {
	i := sort.Search(len(f.Comments), func(i int) bool { return f.Comments[i].Span.Start >= a.Span.End })
	return i < len(f.Comments) && f.Comments[i].Span.Start < b.Span.Start
}
