package diagnostics

import (
	"fmt"
	"strings"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// AptGetNoInstallRecommendsRule flags apt-get install without
// --no-install-recommends.
var AptGetNoInstallRecommendsRule = registerRun(&Rule{
	Code:     "AptGetNoInstallRecommends",
	Severity: SeverityInformation,
	Summary:  "apt-get install without --no-install-recommends installs recommended packages too",
	Aliases:  []string{"DL3015"},
	Fix:      FixAttached,
}, eachCommand(checkAptGetNoInstallRecommends), nil)

func checkAptGetNoInstallRecommends(f *dockerfile.File, in *dockerfile.Instruction, c ecosystem.Command, out []Finding) []Finding {
	p, ok := aptGetInstall(c)
	if !ok || c.HasOption("--no-install-recommends") {
		return out
	}
	for _, a := range c.Args() {
		if strings.HasPrefix(a, "APT::Install-Recommends=") {
			return out // -o APT::Install-Recommends=false (or a deliberate =true)
		}
	}
	out = append(out, Finding{
		Message: fmt.Sprintf("`%s` also installs every recommended package: add --no-install-recommends and name the packages you need", shorten(c.String())),
		Span:    dlCmdSpan(c),
		// Not safe: the image loses the recommended packages, which the
		// software may use.
		Fixes: dlInsertAfter(f, in, p.SubWord, "Add --no-install-recommends", " --no-install-recommends", false),
	})
	return out
}
