package diagnostics

import (
	"strings"

	"github.com/msls-dev/msls/dockerfile"
)

// CopyMultiSourceDirRule flags COPY of several sources to a destination that
// does not end in "/": the build fails, since several files can only be
// copied into a folder.
var CopyMultiSourceDirRule = register(&Rule{
	Code:     "CopyMultiSourceDir",
	Severity: SeverityError,
	Summary:  "COPY with several sources needs a destination folder ending in /",
	Aliases:  []string{"DL3021"},
	Fix:      FixAttached,
	Check:    checkCopyMultiSourceDir,
})

func checkCopyMultiSourceDir(f *dockerfile.File) []Finding {
	var out []Finding
	for _, outer := range f.Instructions {
		in := target(outer)
		if !in.Is("COPY") || len(in.Args) < 3 {
			continue
		}
		dst := in.Args[len(in.Args)-1]
		v := strings.Trim(dst.Value, `"'`)
		// "." and ".." name folders whatever follows: BuildKit copies into them
		if strings.HasSuffix(v, "/") || strings.HasSuffix(v, `\`) || hasVar(v) || v == "" || v == "." || v == ".." {
			continue
		}
		fd := Finding{
			Message: "COPY with several sources copies them into a folder: end the destination with / (" + v + "/)",
			Span:    dst.Span,
		}
		if !in.JSON && v == dst.Value {
			// The build fails without the slash, so adding it changes
			// nothing that worked.
			fd.Fixes = []Fix{{Title: "Add a trailing /", Preferred: true, Safe: true,
				Edits: []dockerfile.Edit{{Span: dockerfile.Span{Start: dst.Span.End, End: dst.Span.End}, NewText: "/"}}}}
		}
		out = append(out, fd)
	}
	return out
}
