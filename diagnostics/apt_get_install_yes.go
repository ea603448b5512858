package diagnostics

import (
	"fmt"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// AptGetInstallYesRule flags apt-get install without -y: with no terminal
// apt-get asks whether to continue, reads no answer, and aborts the build.
var AptGetInstallYesRule = registerRun(&Rule{
	Code:     "AptGetInstallYes",
	Severity: SeverityWarning,
	Summary:  "apt-get install without -y aborts at its confirmation prompt",
	Aliases:  []string{"DL3014"},
	Fix:      FixAttached,
}, eachCommand(checkAptGetInstallYes), nil)

// aptAssumeYes reports whether an apt-get command answers its prompts.
func aptAssumeYes(c ecosystem.Command) bool {
	if c.HasOption("-y", "--yes", "--assume-yes", "-q=2") {
		return true
	}
	for _, a := range c.Args() {
		// -qq implies -y; so does -o APT::Get::Assume-Yes=true
		if a == "-qq" || a == "APT::Get::Assume-Yes=true" || a == "APT::Get::Assume-Yes=1" {
			return true
		}
	}
	return false
}

func checkAptGetInstallYes(f *dockerfile.File, in *dockerfile.Instruction, c ecosystem.Command, out []Finding) []Finding {
	p, ok := aptGetInstall(c)
	if !ok || aptAssumeYes(c) {
		return out
	}
	out = append(out, Finding{
		Message: fmt.Sprintf("`%s` has no -y: apt-get's confirmation prompt gets no answer in a build and aborts it; add -y", shorten(c.String())),
		Span:    dlCmdSpan(c),
		// Safe: a build that passed never reached the prompt, so -y
		// changes nothing in the image it builds.
		Fixes: dlInsertAfter(f, in, p.SubWord, "Add -y", " -y", true),
	})
	return out
}
