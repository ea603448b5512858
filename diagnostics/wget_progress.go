package diagnostics

import (
	"strings"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// WgetProgressRule flags wget with its default progress bar, which fills
// the build log with thousands of lines.
var WgetProgressRule = registerRun(&Rule{
	Code:     "WgetProgress",
	Severity: SeverityInformation,
	Summary:  "wget without --progress or -q floods the build log with its progress bar",
	Aliases:  []string{"DL3047"},
}, eachCommand(checkWgetProgress), nil)

// wgetValueLetters are wget's one-letter options that take a value: in a
// cluster (`-qO-`), what follows them is the value.
const wgetValueLetters = "oaOPUetTwiBDIXAR"

// wgetQuiet reports whether a wget command sets its progress output: -q,
// -nv, --progress, or a log file (-o, -a).
func wgetQuiet(c ecosystem.Command) bool {
	if c.HasOption("--progress", "--quiet", "--no-verbose", "-nv", "--output-file", "--append-output", "--show-progress") {
		return true
	}
	for _, a := range c.Args() {
		if a == "--" {
			break
		}
		if !strings.HasPrefix(a, "-") || strings.HasPrefix(a, "--") {
			continue
		}
		for i := 1; i < len(a); i++ {
			if a[i] == 'q' || a[i] == 'o' || a[i] == 'a' {
				return true
			}
			if strings.IndexByte(wgetValueLetters, a[i]) >= 0 {
				break
			}
		}
	}
	return false
}

func checkWgetProgress(f *dockerfile.File, in *dockerfile.Instruction, c ecosystem.Command, out []Finding) []Finding {
	if c.Name() != "wget" || len(c.Words) < 2 || wgetQuiet(c) {
		return out
	}
	out = append(out, Finding{
		Message: "wget's progress bar writes thousands of lines to the build log: add --progress=dot:giga (GNU wget) or -q",
		Span:    dlCmdSpan(c),
	})
	return out
}
