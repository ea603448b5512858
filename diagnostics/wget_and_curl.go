package diagnostics

import (
	"fmt"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// WgetAndCurlRule flags a stage that uses both wget and curl.
var WgetAndCurlRule = register(&Rule{
	Code:     "WgetAndCurl",
	Severity: SeverityWarning,
	Summary:  "both wget and curl are used: pick one download tool",
	Aliases:  []string{"DL4001"},
	Check:    checkWgetAndCurl,
})

func checkWgetAndCurl(f *dockerfile.File) []Finding {
	type use struct {
		first *ecosystem.Command
		all   []ecosystem.Command
	}
	byStage := map[int]map[string]*use{}
	dlCommands(f, func(in *dockerfile.Instruction, c ecosystem.Command) {
		n := c.Name()
		if n != "wget" && n != "curl" {
			return
		}
		m := byStage[in.Stage]
		if m == nil {
			m = map[string]*use{}
			byStage[in.Stage] = m
		}
		u := m[n]
		if u == nil {
			u = &use{}
			m[n] = u
		}
		u.all = append(u.all, c)
	})
	var out []Finding
	for _, st := range f.Stages {
		m := byStage[st.Index]
		w, c := m["wget"], m["curl"]
		if w == nil || c == nil {
			continue
		}
		// Report the tool that appears second, at each of its uses.
		later, other := w, c
		if c.all[0].Start > w.all[0].Start {
			later, other = c, w
		}
		for _, x := range later.all {
			out = append(out, Finding{
				Message: fmt.Sprintf("This stage already downloads with %s: use it here too instead of installing and running %s", other.all[0].Name(), x.Name()),
				Span:    dlWordSpan(x.Words[0]),
				Related: []Related{{Span: dlWordSpan(other.all[0].Words[0]), Message: "the other download tool"}},
			})
		}
	}
	return out
}
