package diagnostics

import (
	"strings"

	"github.com/msls-dev/msls/dockerfile"
)

// CopyWholeFilesystemRule flags `COPY --from=<stage> / <dest>`: it copies
// the other stage's entire file system (package caches, shells, compilers)
// instead of the files the image needs.
var CopyWholeFilesystemRule = register(&Rule{
	Code:     "CopyWholeFilesystem",
	Severity: SeverityWarning,
	Summary:  "COPY --from copying the whole file system of another stage or image",
	Aliases:  []string{"DL3067"},
	Check:    checkCopyWholeFilesystem,
})

func checkCopyWholeFilesystem(f *dockerfile.File) []Finding {
	var out []Finding
	for _, outer := range f.Instructions {
		in := target(outer)
		if !in.Is("COPY") || len(in.Args) < 2 {
			continue
		}
		from, ok := in.Flag("from")
		if !ok || from.Value == "" {
			continue
		}
		if st := f.StageByName(from.Value); st != nil && builtOnScratch(f, st) {
			// a stage built on scratch holds only what was copied into it
			// (an export stage of binaries): all of it is what is wanted
			continue
		}
		for _, a := range in.Args[:len(in.Args)-1] {
			v := strings.Trim(a.Value, `"'`)
			if v == "/" || v == "/." || v == "/*" {
				out = append(out, Finding{
					Message: "COPY --from=" + from.Value + " " + v + " copies that stage's whole file system: copy only the paths the image needs",
					Span:    a.Span,
				})
				break
			}
		}
	}
	return out
}

// builtOnScratch reports whether a stage's FROM chain starts from scratch.
func builtOnScratch(f *dockerfile.File, st *dockerfile.Stage) bool {
	return strings.EqualFold(chainRoot(f, st).BaseImage, "scratch")
}
