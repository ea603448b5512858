package diagnostics

import (
	"sort"

	"github.com/msls-dev/msls/dockerfile"
)

// DocsBase is where msls's rule pages live; a rule's URL is DocsBase + Code + ".md".
const DocsBase = "https://github.com/msls-dev/msls/blob/main/docs/rules/"

// Source says which engine a rule belongs to.
type Source string

const (
	// SourceMsls rules are implemented in this package.
	SourceMsls Source = "msls"
	// SourceBuildKit rules are BuildKit's own build checks, run in-process.
	SourceBuildKit Source = "buildkit"
)

// Rule is one named, documented check.
type Rule struct {
	// Code is the CamelCase rule name shown to users and used in config and
	// suppression comments.
	Code     string
	Severity Severity
	// Summary is a one-line description (SARIF shortDescription, docs index).
	Summary string
	// URL documents the rule.
	URL    string
	Source Source
	// Hadolint lists hadolint rule ids that `# hadolint ignore=` maps onto
	// this rule.
	Hadolint []string
	// Check finds the rule's problems. Nil for BuildKit rules, which run
	// together in one BuildKit lint pass.
	Check func(f *dockerfile.File) []Finding
}

var registry = map[string]*Rule{}

// register adds a msls rule; called from the init of each rule's file.
func register(r *Rule) *Rule {
	if r.Source == "" {
		r.Source = SourceMsls
	}
	if r.URL == "" {
		r.URL = DocsBase + r.Code + ".md"
	}
	if _, dup := registry[r.Code]; dup {
		panic("diagnostics: rule registered twice: " + r.Code)
	}
	registry[r.Code] = r
	return r
}

// Rules lists every rule, msls's first, each group sorted by code.
func Rules() []*Rule {
	out := make([]*Rule, 0, len(registry))
	for _, r := range registry {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Source != out[j].Source {
			return out[i].Source == SourceMsls
		}
		return out[i].Code < out[j].Code
	})
	return out
}

// RuleByCode finds a rule by its exact code.
func RuleByCode(code string) *Rule { return registry[code] }
