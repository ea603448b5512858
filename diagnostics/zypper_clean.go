package diagnostics

import (
	"github.com/msls-dev/msls/internal/ecosystem"
)

// ZypperCleanRule flags: zypper install without zypper clean in the same RUN leaves the zypper cache in the image.
var ZypperCleanRule = registerRun(&Rule{
	Code:     "ZypperClean",
	Severity: SeverityWarning,
	Summary:  "zypper install without zypper clean in the same RUN leaves the zypper cache in the image",
	Aliases:  []string{"DL3036"},
}, zypperCleanRule.check, finalOnly)

var zypperCleanRule = dlCleanRule{
	install: func(c ecosystem.Command) bool { _, ok := zypperInstall(c); return ok },
	cleaned: zypperClean,
	dirs:    []string{"/var/cache/zypp"},
	msg:     "`%s` leaves the zypper cache (/var/cache/zypp) in this layer: end the same RUN with `&& zypper clean`",
}
