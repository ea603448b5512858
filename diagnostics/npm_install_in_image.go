package diagnostics

import (
	"fmt"
	"strings"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// NpmInstallInImageRule flags `npm install` where `npm ci` belongs and the
// deprecated `--only=production` / `--production` spellings.
var NpmInstallInImageRule = register(&Rule{
	Code:     "NpmInstallInImage",
	Severity: SeverityWarning,
	Summary:  "`npm install` in an image build: use `npm ci` (exact lockfile install); `--only=production` is deprecated, use `--omit=dev`",
	Check:    checkNpmInstall,
	Fix:      FixOnRequest | FixAttached, // `npm ci`: codeactions/fix_npm.go (safe with a lockfile); `--omit=dev`: attached
})

var npmInstallAliases = map[string]bool{"install": true, "i": true, "add": true, "in": true, "ins": true, "inst": true, "insta": true, "instal": true, "isnt": true, "isnta": true, "isntal": true, "isntall": true}

func checkNpmInstall(f *dockerfile.File) []Finding {
	var out []Finding
	for _, in := range f.Instructions {
		if in.Sub != nil || in.Err != nil {
			continue
		}
		for _, ri := range ecosystem.RunInstalls(in) {
			if ri.Eco.Name != "npm" {
				continue
			}
			words := ri.Cmd.Words
			exact := !in.JSON || len(words) > 1 && words[1].Start != words[0].Start
			for _, w := range words[1:] {
				if strings.HasPrefix(w.Text, "-") {
					continue
				}
				if npmInstallAliases[w.Text] {
					fd := Finding{Message: fmt.Sprintf("`npm %s` may rewrite package-lock.json and resolve different versions than the ones you tested; `npm ci` installs exactly the lockfile (and fails if it is out of date)", w.Text),
						Span: ri.Span}
					if exact && f.Slice(dockerfile.Span{Start: w.Start, End: w.End}) == w.Text {
						// the "Use npm ci" fix is codeactions/fix_npm.go's
						fd.Span = dockerfile.Span{Start: words[0].Start, End: w.End}
					}
					out = append(out, fd)
				}
				break
			}
			for _, w := range words[1:] {
				var repl string
				switch w.Text {
				case "--only=production", "--only=prod", "--production", "--prod":
					repl = "--omit=dev"
				case "--only=development", "--only=dev", "--dev":
					repl = "--include=dev"
				default:
					continue
				}
				fd := Finding{Message: fmt.Sprintf("`%s` is deprecated in npm 7+ (and ignored by newer releases of some commands); use `%s`", w.Text, repl),
					Span: dockerfile.Span{Start: w.Start, End: w.End}, Deprecated: true}
				if exact && f.Slice(fd.Span) == w.Text {
					fd.Fixes = []Fix{{Title: "Use " + repl, Edits: []dockerfile.Edit{{Span: fd.Span, NewText: repl}}, Preferred: true, Safe: true}}
				} else {
					fd.Span = ri.Span
				}
				out = append(out, fd)
			}
		}
	}
	return out
}
