package diagnostics

import (
	"github.com/msls-dev/msls/internal/ecosystem"
)

// YarnCacheCleanRule flags yarn install without `yarn cache clean` in the
// same RUN, in a stage of the final image.
var YarnCacheCleanRule = registerRun(&Rule{
	Code:     "YarnCacheClean",
	Severity: SeverityInformation,
	Summary:  "yarn install without yarn cache clean in the same RUN leaves yarn's cache in the image",
	Aliases:  []string{"DL3060"},
}, yarnCleanRule.check, finalOnly)

var yarnCleanRule = dlCleanRule{
	install: func(c ecosystem.Command) bool {
		if c.Name() != "yarn" || c.HasOption("--version", "-v", "--help", "-h") {
			return false
		}
		p := splitPkgCommand(c, "--cwd", "--modules-folder", "--cache-folder", "--network-timeout", "--mutex")
		return p.Sub == "" || p.Sub == "install"
	},
	cleaned: func(c ecosystem.Command) bool {
		a := c.Args()
		return c.Name() == "yarn" && len(a) >= 2 && a[0] == "cache" && a[1] == "clean"
	},
	// cacheMountOn matches substrings: ".cache/yarn" covers root's cache
	// and /usr/local/share's.
	dirs: []string{"/usr/local/share/.cache/yarn", "/root/.cache/yarn", ".cache/yarn", ".yarn/cache"},
	msg:  "`%s` leaves yarn's package cache in this layer: end the same RUN with `&& yarn cache clean`, or use a cache mount on the yarn cache",
}
