package diagnostics

import (
	"strings"

	"github.com/msls-dev/msls/dockerfile"
)

// AddInsteadOfCopyRule flags ADD of local files and folders: ADD also
// fetches URLs and unpacks archives, so COPY says what is meant and cannot
// surprise (a local tar archive given to ADD is extracted).
var AddInsteadOfCopyRule = register(&Rule{
	Code:     "AddInsteadOfCopy",
	Severity: SeverityError,
	Summary:  "ADD of local files or folders: use COPY",
	Aliases:  []string{"DL3020"},
	Fix:      FixAttached,
	Check:    checkAddInsteadOfCopy,
})

// addOnlyFlags are ADD options COPY does not accept: a rewrite to COPY
// would not parse.
var addOnlyFlags = []string{"checksum", "keep-git-dir", "unpack"}

// archiveSuffixes are the names ADD unpacks (or that hadolint accepts as
// archives): ADD is the right instruction for them.
var archiveSuffixes = []string{".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tbz2", ".tar.xz", ".txz", ".tar.zst", ".tzst",
	".gz", ".bz2", ".xz", ".zst", ".lz", ".lzma", ".z", ".zip", ".7z", ".rar"}

func isRemoteSource(s string) bool {
	l := strings.ToLower(strings.Trim(s, `"'`))
	return strings.Contains(l, "://") || strings.HasPrefix(l, "git@") || strings.HasSuffix(l, ".git")
}

func isArchiveName(s string) bool {
	l := strings.ToLower(strings.Trim(s, `"'`))
	for _, suf := range archiveSuffixes {
		if strings.HasSuffix(l, suf) {
			return true
		}
	}
	return false
}

func checkAddInsteadOfCopy(f *dockerfile.File) []Finding {
	var out []Finding
	for _, outer := range f.Instructions {
		in := target(outer)
		if !in.Is("ADD") || len(in.Args) < 2 {
			continue
		}
		local := true
		for _, a := range in.Args[:len(in.Args)-1] {
			if isRemoteSource(a.Value) || isArchiveName(a.Value) || hasVar(a.Value) {
				local = false
				break
			}
		}
		if !local {
			continue
		}
		fd := Finding{
			Message: "ADD of local files: use COPY (ADD also fetches URLs and unpacks archives, COPY only copies)",
			Span:    in.KeywordSpan,
		}
		rewritable := true
		for _, name := range addOnlyFlags {
			if _, ok := in.Flag(name); ok {
				rewritable = false
			}
		}
		if rewritable {
			// Not Safe: ADD unpacks a local tar archive whatever its name,
			// COPY copies it as a file.
			fd.Fixes = []Fix{{Title: "Use COPY", Preferred: true,
				Edits: []dockerfile.Edit{{Span: in.KeywordSpan, NewText: caseLike(f.Slice(in.KeywordSpan), "COPY")}}}}
		}
		out = append(out, fd)
	}
	return out
}

// caseLike writes keyword in lower case when the word it replaces is.
func caseLike(written, keyword string) string {
	if written != "" && written == strings.ToLower(written) {
		return strings.ToLower(keyword)
	}
	return keyword
}
