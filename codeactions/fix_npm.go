package codeactions

import (
	"strings"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

func init() { RegisterFixer(diagnostics.NpmInstallInImageRule, fixNpmInstall) }

// fixNpmInstall turns `npm install` into `npm ci` and the deprecated
// production switches into `--omit=dev`. It is safe when the context shows
// a lockfile (npm ci refuses to run without one).
func fixNpmInstall(f *dockerfile.File, fd diagnostics.Finding, ctx Context) []Action {
	in := instructionOf(f, fd)
	if in == nil || !in.Is("RUN") || in.JSON {
		return nil
	}
	var edits []dockerfile.Edit
	for _, c := range ecosystem.RunCommands(in) {
		if c.Name() != "npm" || len(c.Words) < 2 {
			continue
		}
		if c.End < fd.Span.Start || c.Start > fd.Span.End {
			continue
		}
		args := c.Args()
		sub := c.Words[1]
		switch sub.Text {
		// npm's own abbreviations and typo aliases of install (not `add`,
		// which always names packages)
		case "install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal", "isntall":
			for _, w := range args[1:] {
				if !strings.HasPrefix(w, "-") || w == "-g" || w == "--global" {
					return nil // installs named packages: not npm ci's job
				}
			}
			edits = append(edits, dockerfile.Edit{Span: dockerfile.Span{Start: sub.Start, End: sub.End}, NewText: "ci"})
		case "ci":
		default:
			continue
		}
		for i, w := range c.Words[2:] {
			switch w.Text {
			case "--only=production", "--only=prod", "--production", "--prod":
				edits = append(edits, dockerfile.Edit{Span: dockerfile.Span{Start: w.Start, End: w.End}, NewText: "--omit=dev"})
			case "--only":
				if i+3 < len(c.Words) && strings.HasPrefix(c.Words[i+3].Text, "prod") {
					edits = append(edits, dockerfile.Edit{Span: dockerfile.Span{Start: w.Start, End: c.Words[i+3].End}, NewText: "--omit=dev"})
				}
			}
		}
	}
	if len(edits) == 0 {
		return nil
	}
	for _, e := range edits {
		if f.Slice(e.Span) == "" || e.Span.End > in.Span.End {
			return nil
		}
	}
	safe := exists(ctx, "package-lock.json") || exists(ctx, "npm-shrinkwrap.json")
	return []Action{{Title: "Use npm ci", Edits: edits, Preferred: true, Safe: safe}}
}
