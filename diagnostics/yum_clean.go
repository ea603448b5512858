package diagnostics

import (
	"github.com/msls-dev/msls/internal/ecosystem"
)

// YumCleanRule flags: yum install without yum clean all in the same RUN leaves the yum cache in the image.
var YumCleanRule = registerRun(&Rule{
	Code:     "YumClean",
	Severity: SeverityWarning,
	Summary:  "yum install without yum clean all in the same RUN leaves the yum cache in the image",
	Aliases:  []string{"DL3032"},
}, yumCleanRule.check, finalOnly)

var yumCleanRule = dlCleanRule{
	install: func(c ecosystem.Command) bool { _, ok := rpmInstall(c, "yum"); return ok },
	cleaned: func(c ecosystem.Command) bool { return rpmCleanAll(c, "yum") },
	dirs:    []string{"/var/cache/yum"},
	msg:     "`%s` leaves the yum cache (/var/cache/yum) in this layer: end the same RUN with `&& yum clean all`",
}
