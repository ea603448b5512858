package diagnostics

import (
	"github.com/msls-dev/msls/internal/ecosystem"
)

// DnfCleanRule flags: dnf/microdnf install without dnf clean all in the same RUN leaves the dnf cache in the image.
var DnfCleanRule = registerRun(&Rule{
	Code:     "DnfClean",
	Severity: SeverityWarning,
	Summary:  "dnf/microdnf install without dnf clean all in the same RUN leaves the dnf cache in the image",
	Aliases:  []string{"DL3040"},
}, dnfCleanRule.check, finalOnly)

var dnfCleanRule = dlCleanRule{
	install: func(c ecosystem.Command) bool { _, ok := rpmInstall(c, "dnf", "microdnf", "dnf5"); return ok },
	cleaned: func(c ecosystem.Command) bool { return rpmCleanAll(c, "dnf", "microdnf", "dnf5") },
	dirs:    []string{"/var/cache/dnf", "/var/cache/yum", "/var/cache/libdnf5"},
	msg:     "`%s` leaves the dnf cache (/var/cache/dnf) in this layer: end the same RUN with `&& dnf clean all` (microdnf: `microdnf clean all`)",
}
