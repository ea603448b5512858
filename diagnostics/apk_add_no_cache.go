package diagnostics

import (
	"fmt"
	"strings"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// ApkAddNoCacheRule flags apk add without --no-cache.
var ApkAddNoCacheRule = registerRun(&Rule{
	Code:     "ApkAddNoCache",
	Severity: SeverityInformation,
	Summary:  "apk add without --no-cache keeps the package index in the image layer",
	Aliases:  []string{"DL3019"},
	Fix:      FixAttached,
}, checkApkAddNoCache, nil)

func checkApkAddNoCache(f *dockerfile.File, in *dockerfile.Instruction, s *ecosystem.Script, out []Finding) []Finding {
	if cacheMountOn(in, "/var/cache/apk", "/etc/apk/cache") {
		return out
	}
	for _, c := range s.Commands {
		if c.Name() == "rm" {
			for _, a := range c.Args() {
				if strings.HasPrefix(a, "/var/cache/apk") {
					return out // the same RUN removes the cache
				}
			}
		}
	}
	for _, c := range s.Commands {
		p, ok := apkAdd(c)
		if !ok || c.HasOption("--no-cache") {
			continue
		}
		out = append(out, Finding{
			Message: fmt.Sprintf("`%s` keeps the apk index (/var/cache/apk) in this layer: add --no-cache", shorten(c.String())),
			Span:    dlCmdSpan(c),
			// Safe: --no-cache only stops apk from keeping its index.
			Fixes: dlInsertAfter(f, in, p.SubWord, "Add --no-cache", " --no-cache", true),
		})
	}
	return out
}
