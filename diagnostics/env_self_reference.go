package diagnostics

import (
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
