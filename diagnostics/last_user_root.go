package diagnostics

import (
	"fmt"

	"github.com/msls-dev/msls/dockerfile"
)

// LastUserRootRule is hadolint's DL3002 for the stages RootFinalStage does
// not speak for. hadolint judges every stage: a stage whose own last USER is
// root or uid 0 is flagged (a builder stage too, and so is an export-only
// scratch stage); a stage with no USER is not. The final image's explicit
// root USER is RootFinalStage's finding (it carries the DL3002 alias), so
// this rule leaves that one USER alone and nothing is reported twice.
var LastUserRootRule = register(&Rule{
	Code:     "LastUserRoot",
	Severity: SeverityWarning,
	Summary:  "A stage's last USER is root (stages other than the final image's; see RootFinalStage)",
	Aliases:  []string{"DL3002"},
	Check:    checkLastUserRoot,
})

func checkLastUserRoot(f *dockerfile.File) []Finding {
	// the USER RootFinalStage reports, if it reports one
	_, _, finalIn, _, skip := finalUser(f)
	if skip || finalIn == nil || !isRootUser(userOf(finalIn)) {
		finalIn = nil
	}
	var out []Finding
	for _, s := range f.Stages {
		in := lastUser(s)
		if in == nil || in == finalIn {
			continue
		}
		u := userOf(in)
		if hasVar(u) || !isRootUser(u) {
			continue
		}
		out = append(out, Finding{
			Message: fmt.Sprintf("Stage %q ends as root: its last USER is %s, so the rest of its steps, and any stage built FROM it, run as root. Switch back to an unprivileged user after the steps that need root", s.Ref(), u),
			Span:    firstLine(f, in),
		})
	}
	return out
}
