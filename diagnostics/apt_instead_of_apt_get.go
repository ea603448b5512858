package diagnostics

import (
	"fmt"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// AptInsteadOfAptGetRule flags `apt` in RUN: its command line is meant for
// people (it warns that it has no stable interface); scripts use apt-get and
// apt-cache.
var AptInsteadOfAptGetRule = registerRun(&Rule{
	Code:     "AptInsteadOfAptGet",
	Severity: SeverityWarning,
	Summary:  "apt has no stable command-line interface for scripts; use apt-get or apt-cache",
	Aliases:  []string{"DL3027"},
	Fix:      FixAttached,
}, eachCommand(checkAptInsteadOfAptGet), nil)

// aptGetSubs are apt's subcommands that apt-get has under the same name.
var aptGetSubs = map[string]bool{"install": true, "update": true, "upgrade": true, "full-upgrade": false, "dist-upgrade": true,
	"remove": true, "purge": true, "autoremove": true, "clean": true, "autoclean": true, "build-dep": true, "source": true, "download": true}

func checkAptInsteadOfAptGet(f *dockerfile.File, in *dockerfile.Instruction, c ecosystem.Command, out []Finding) []Finding {
	if c.Name() != "apt" || len(c.Words) < 2 {
		return out
	}
	fd := Finding{
		Message: fmt.Sprintf("`%s`: apt's output and options are for interactive use; use apt-get (or apt-cache to query)", shorten(c.String())),
		Span:    dlWordSpan(c.Words[0]),
	}
	p := splitPkgCommand(c, aptGetValueOpts...)
	w := c.Words[0]
	if aptGetSubs[p.Sub] && !target(in).JSON && f.Slice(dlWordSpan(w)) == "apt" {
		// Not safe: apt and apt-get differ in defaults (progress output,
		// apt keeps downloaded .debs unless configured otherwise).
		fd.Fixes = []Fix{{Title: "Use apt-get", Edits: []dockerfile.Edit{{Span: dlWordSpan(w), NewText: "apt-get"}}, Preferred: true}}
	}
	out = append(out, fd)
	return out
}
