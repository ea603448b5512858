package diagnostics

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/msls-dev/msls/dockerfile"
)

// EnvSelfReferenceRule flags `ENV A=1 B=$A`: every value of one ENV is
// expanded before any of its variables is set, so $A is not the 1 of the
// same line but whatever A was before (often nothing).
var EnvSelfReferenceRule = register(&Rule{
	Code:     "EnvSelfReference",
	Severity: SeverityError,
	Summary:  "ENV value referring to a variable set by the same ENV",
	Aliases:  []string{"DL3044"},
	Check:    checkEnvSelfReference,
})

func checkEnvSelfReference(f *dockerfile.File) []Finding {
	var out []Finding
	for _, st := range f.Stages {
		for k := 0; k < len(st.Vars); k++ {
			in := st.Vars[k].Inst
			if in == nil || !in.Is("ENV") {
				continue
			}
			// the vars of this one ENV: st.Vars[k:e]
			e := k
			for e < len(st.Vars) && st.Vars[e].Inst == in {
				e++
			}
			if e-k > 1 {
				out = append(out, envSelfRefs(f, in, st.Vars[k:e])...)
			}
			k = e - 1
		}
	}
	for _, in := range f.Instructions {
		if in.Sub != nil && in.Sub.Is("ENV") {
			out = append(out, onbuildEnvSelfRefs(f, in)...)
		}
	}
	return out
}

// onbuildEnvSelfRefs checks `ONBUILD ENV A=1 B=$A`: the wrapped ENV is not
// modelled as variables, so its words are read here, and BuildKit's shell
// lexer says which variables each value uses.
func onbuildEnvSelfRefs(f *dockerfile.File, in *dockerfile.Instruction) []Finding {
	var out []Finding
	var keys []string
	lex := shell.NewLex(f.EscapeToken)
	for _, a := range in.Sub.Args {
		k, v, ok := strings.Cut(a.Value, "=")
		if !ok {
			return out // the legacy `ENV key value` form sets one variable
		}
		if strings.Contains(v, "$") {
			if res, err := lex.ProcessWordWithMatches(v, shell.EnvsFromSlice(nil)); err == nil {
				for _, prev := range keys {
					if _, used := res.Unmatched[prev]; used && prev != k {
						if _, before := f.LookupVar(prev, in.Span.Start); !before {
							out = append(out, Finding{
								Message: "$" + prev + " is set by this same ENV, and is not yet set when the values are expanded: split the ENV in two",
								Span:    a.Span,
							})
							break
						}
					}
				}
			}
		}
		keys = append(keys, k)
	}
	return out
}

func envSelfRefs(f *dockerfile.File, in *dockerfile.Instruction, vars []dockerfile.Var) []Finding {
	var out []Finding
	for i := 1; i < len(vars); i++ {
		vs := vars[i].ValueSpan
		for _, r := range in.VarRefs {
			if r.Span.Start < vs.Start || r.Span.End > vs.End {
				continue
			}
			for j := 0; j < i; j++ {
				if vars[j].Name != r.Name || vars[j].Name == vars[i].Name {
					continue
				}
				if _, before := f.LookupVar(r.Name, in.Span.Start); before {
					continue // expands to the earlier value, which exists
				}
				out = append(out, Finding{
					Message: "$" + r.Name + " is set by this same ENV, and is not yet set when the values are expanded: split the ENV in two",
					Span:    r.Span,
					Related: []Related{{Span: vars[j].NameSpan, Message: r.Name + " set here"}},
				})
				break
			}
		}
	}
	return out
}
