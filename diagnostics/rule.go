package diagnostics

import (
	"slices"
	"sort"
	"strings"

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

// FixKind declares where a rule's fixes come from. A rule that declares
// none offers no fix; one that declares a kind is "fixable" (`msls rules`),
// and its findings get fixes only through the kinds it declares, so the
// declaration cannot drift from what the editor and `msls fix` apply.
type FixKind uint8

const (
	// FixAttached: the rule's Check attaches fixes to its findings
	// (Finding.Fixes). For fixes that need nothing but the Dockerfile.
	FixAttached FixKind = 1 << iota
	// FixOnRequest: a fixer in package codeactions computes the fixes when
	// an editor or `msls fix` asks, knowing the build context (manifests,
	// lockfiles). The fixer registers for the rule there (RegisterFixer).
	FixOnRequest
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
	// Aliases are other names of the rule (hadolint's DLxxxx ids). An alias
	// works wherever the name does: configuration, `# msls ignore=`,
	// `# hadolint ignore=`; reports list them beside the name. Several rules
	// may share an alias (it then stands for all of them); no alias is
	// another rule's Code.
	Aliases []string
	// Fix declares how the rule's findings are fixed (0: they are not).
	Fix FixKind
	// Experimental BuildKit checks run only when a `# check=experimental=`
	// directive asks for them.
	Experimental bool
	// DefaultOff rules run only when configuration turns them on
	// (Options.Enabled): the ones hadolint itself leaves off (its "ignore"
	// level), such as DL1001 and DL3057.
	DefaultOff bool
	// Check finds the rule's problems. Nil for BuildKit rules, which run
	// together in one BuildKit lint pass.
	Check func(f *dockerfile.File) []Finding
	// CheckOpts, used instead of Check, is for rules whose judgement depends
	// on the options: the build context (CacheBustingCopy) or settings beyond
	// on/off and a severity (trusted registries, the label schema; read them
	// with o.settings(), never nil). o may be nil: the defaults.
	CheckOpts func(f *dockerfile.File, o *Options) []Finding
}

// Fixable reports whether the rule declares a fix. Whether one finding can
// be fixed depends on the text (and, for FixOnRequest, the build context):
// codeactions.SafeFix answers that.
func (r *Rule) Fixable() bool { return r.Fix != 0 }

var (
	registry = map[string]*Rule{}
	// ordered lists the rules in Rules' order, kept sorted by register: a
	// check walks it for every version of a document.
	ordered []*Rule
	// aliases maps an upper-cased alias to the rules that carry it.
	aliases = map[string][]*Rule{}
)

// register adds a rule; called from the init of each rule's file.
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
	if _, clash := aliases[strings.ToUpper(r.Code)]; clash {
		panic("diagnostics: rule name is already an alias: " + r.Code)
	}
	for _, a := range r.Aliases {
		if registry[a] != nil {
			panic("diagnostics: alias " + a + " of " + r.Code + " is a rule name")
		}
		aliases[strings.ToUpper(a)] = append(aliases[strings.ToUpper(a)], r)
	}
	registry[r.Code] = r
	i := sort.Search(len(ordered), func(i int) bool { return ruleBefore(r, ordered[i]) })
	ordered = slices.Insert(ordered, i, r)
	return r
}

// ruleBefore is Rules' order: msls's rules first, each group by code.
func ruleBefore(a, b *Rule) bool {
	if a.Source != b.Source {
		return a.Source == SourceMsls
	}
	return a.Code < b.Code
}

// Rules lists every rule, msls's first, each group sorted by code.
func Rules() []*Rule { return slices.Clone(ordered) }

// RuleByCode finds a rule by its exact code.
func RuleByCode(code string) *Rule { return registry[code] }

// Lookup finds the rules a name stands for: the rule of that exact code, or
// the rules carrying it as an alias (aliases are matched in any case, as
// hadolint's ids are written both ways). Nil when it names nothing.
func Lookup(name string) []*Rule {
	if r := registry[name]; r != nil {
		return []*Rule{r}
	}
	return aliases[strings.ToUpper(name)]
}

// IsAlias reports whether name is an alias (and not a rule's code).
func IsAlias(name string) bool {
	return registry[name] == nil && len(aliases[strings.ToUpper(name)]) > 0
}

// FindingAliases are the aliases a report shows beside a finding's code:
// the finding's own when its rule set them (a rule whose alias covers only
// some of its findings sets Finding.Aliases, empty for "none"), else the
// rule's.
func FindingAliases(fd Finding) []string {
	if fd.Aliases != nil {
		return fd.Aliases
	}
	if r := registry[fd.Code]; r != nil {
		return r.Aliases
	}
	return nil
}
