package diagnostics

import (
	"path"
	"strings"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// CopyThenExtractRule flags a COPY of a local tar archive that a later RUN
// of the stage extracts with tar: ADD unpacks local tar archives itself,
// without storing the archive in a layer first.
var CopyThenExtractRule = register(&Rule{
	Code:     "CopyThenExtract",
	Severity: SeverityInformation,
	Summary:  "a COPYed tar archive is extracted by a later RUN: ADD extracts local tar archives itself",
	Aliases:  []string{"DL3010"},
	Check:    checkCopyThenExtract,
})

// tarExts are the archive names ADD unpacks (tar, optionally gzip, bzip2 or
// xz compressed). Zip files are not among them: ADD copies them as they are.
var tarExts = []string{".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tbz2", ".tar.xz", ".txz"}

func isTarName(s string) bool {
	for _, e := range tarExts {
		if strings.HasSuffix(s, e) {
			return true
		}
	}
	return false
}

// tarExtracts reports whether a tar command extracts (`-x`, `xzf`,
// `--extract`, `--get`).
func tarExtracts(c ecosystem.Command) bool {
	if c.HasOption("-x", "--extract", "--get") {
		return true
	}
	a := c.Args()
	// old-style first argument without a dash: `tar xzf file`
	return len(a) > 0 && !strings.HasPrefix(a[0], "-") && strings.Contains(a[0], "x") && len(a[0]) <= 6
}

func checkCopyThenExtract(f *dockerfile.File) []Finding {
	var out []Finding
	for _, st := range f.Stages {
		copied := map[string]*dockerfile.Instruction{} // archive base name -> COPY
		for _, in := range st.Instructions {
			switch {
			case in.Sub != nil:
			case in.Is("COPY") && !in.JSON && len(in.Args) >= 2:
				if _, from := in.Flag("from"); from {
					continue // ADD cannot read another stage
				}
				for _, a := range in.Args[:len(in.Args)-1] {
					if isTarName(a.Value) && !hasVar(a.Value) && !strings.Contains(a.Value, "://") {
						copied[path.Base(a.Value)] = in
					}
				}
				if dst := in.Args[len(in.Args)-1].Value; isTarName(dst) {
					copied[path.Base(dst)] = in // COPY x /opt/app.tar.gz
				}
			case in.Is("RUN") && len(copied) > 0:
				for _, c := range ecosystem.RunCommands(in) {
					if c.Name() != "tar" || !tarExtracts(c) {
						continue
					}
					for _, a := range c.Args() {
						cp := copied[path.Base(a)]
						if cp == nil || !isTarName(a) {
							continue
						}
						delete(copied, path.Base(a))
						out = append(out, Finding{
							Message: "This COPY stores " + path.Base(a) + " in a layer only for a later RUN to unpack it: ADD unpacks a local tar archive itself",
							Span:    firstLine(f, cp),
							Related: []Related{{Span: dlCmdSpan(c), Message: "the tar that extracts it"}},
						})
					}
				}
			}
		}
	}
	return out
}
