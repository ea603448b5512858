// Package diagnostics holds msls's rules. A rule is a named, documented value
// whose Check takes a *dockerfile.File and returns plain Findings; the server
// and the CLI turn Findings into LSP diagnostics or report lines.
package diagnostics

import "github.com/msls-dev/msls/dockerfile"

// Severity follows LSP's DiagnosticSeverity numbering.
type Severity int

const (
	SeverityError       Severity = 1
	SeverityWarning     Severity = 2
	SeverityInformation Severity = 3
	SeverityHint        Severity = 4
)

func (s Severity) String() string {
	switch s {
	case SeverityError:
		return "error"
	case SeverityWarning:
		return "warning"
	case SeverityInformation:
		return "info"
	case SeverityHint:
		return "hint"
	}
	return "unknown"
}

// Related points at another place that explains a finding (e.g. the install
// that a COPY busts).
type Related struct {
	Span    dockerfile.Span
	Message string
}

// Fix is a set of edits that resolves a finding.
type Fix struct {
	Title string
	Edits []dockerfile.Edit
	// Preferred marks the fix an editor may apply on "auto fix".
	Preferred bool
	// Safe fixes are applied by source.fixAll and `msls fix` without asking.
	Safe bool
}

// Finding is one problem a rule found.
type Finding struct {
	Code     string
	Severity Severity
	Message  string
	Span     dockerfile.Span
	// URL documents the rule (codeDescription.href).
	URL     string
	Related []Related
	// Fixes are attached by rules that declare FixAttached.
	Fixes []Fix
	// Aliases, when not nil, replace the rule's aliases for this finding
	// (FindingAliases): a rule whose hadolint id covers only some of its
	// findings lists it on those and sets an empty list on the others.
	Aliases []string
	// Unnecessary / Deprecated map to LSP diagnostic tags.
	Unnecessary bool
	Deprecated  bool
}
