package codeactions

import (
	"path"
	"strings"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/buildmodel"
	"github.com/msls-dev/msls/internal/ecosystem"
)

func init() { RegisterFixer(diagnostics.CacheBustingCopyRule, fixCacheBust) }

// fixCacheBust copies the install's manifests before it and moves the
// whole-context COPY after it. When the install's RUN goes on with steps
// that need the sources (`npm ci && npm run build`), the RUN is cut after
// the install so those steps run after the copy.
func fixCacheBust(f *dockerfile.File, fd diagnostics.Finding, ctx Context) []Action {
	var hit *diagnostics.CacheBustHit
	for _, h := range diagnostics.CacheBust(f) {
		if h.Copy.Span.Start <= fd.Span.Start && fd.Span.Start <= h.Copy.Span.End {
			h := h
			hit = &h
			break
		}
	}
	if hit == nil || hit.Soft || hit.Kind != ecosystem.Deps || hit.Eco == nil {
		return nil
	}
	cp, inst := hit.Copy, hit.Install
	if inst.Sub != nil || len(inst.Heredocs) > 0 || inst.JSON || cp.Sub != nil || cp.Stage != inst.Stage {
		return nil // (a copy made in a parent stage is not moved across stages)
	}
	// Whatever lies between the copy and the install must not depend on the
	// sources or on the directory the copy targets.
	st := f.Stages[cp.Stage]
	between := false
	for _, in := range st.Instructions {
		if in == cp {
			between = true
			continue
		}
		if in == inst {
			break
		}
		if between {
			switch in.Keyword {
			case "ENV", "ARG", "LABEL", "EXPOSE":
			case "COPY", "ADD":
				if _, ok := in.Flag("from"); ok {
					return nil
				}
			case "RUN":
				if len(ecosystem.RunInstalls(in)) == 0 && !onlySysPkgs(in) {
					return nil
				}
			default:
				return nil
			}
		}
	}
	dest := cp.Args[len(cp.Args)-1].Value
	// A directory copy (`COPY ./javascript /app`) brings the manifests from
	// inside that directory: copy them from there.
	dir := ""
	if !hit.Whole {
		if len(cp.Args) != 2 {
			return nil
		}
		dir = strings.TrimSuffix(buildmodel.CleanSource(strings.Trim(cp.Args[0].Value, `"'`)), "/")
		if dir == "." || strings.ContainsAny(dir, "*?[$") || strings.Contains(dir, "://") {
			return nil
		}
		if ctx != nil {
			ctx = subContext{ctx, dir}
		}
	}
	files := manifestsFor(hit, ctx)
	if len(files) == 0 {
		return nil
	}
	mdest := dest
	if !strings.HasSuffix(mdest, "/") {
		mdest += "/"
	}
	var copies []string
	var root []string
	for _, m := range files {
		src := m
		if dir != "" {
			src = path.Join(dir, m)
		}
		if strings.Contains(m, "/") {
			copies = append(copies, "COPY "+src+" "+path.Join(mdest, m))
		} else {
			root = append(root, src)
		}
	}
	if len(root) > 0 {
		copies = append([]string{"COPY " + strings.Join(root, " ") + " " + mdest}, copies...)
	}
	copyText := strings.ReplaceAll(f.Slice(cp.Span), "\r\n", "\n")
	var copyBlock []string
	for _, c := range cp.Comments {
		copyBlock = append(copyBlock, f.Slice(c.Span))
	}
	copyBlock = append(copyBlock, strings.Split(copyText, "\n")...)

	edits := []dockerfile.Edit{
		// remove the broad copy (with its comments)
		{Span: dockerfile.Span{Start: blockStart(f, cp), End: afterLine(f, cp.Span.End)}},
	}
	edits = append(edits, insertBefore(f, inst, copies...))
	// Cut the RUN after the install command when more follows.
	tailStart := hit.InstallSpan.End
	rest := strings.TrimSpace(strings.ReplaceAll(f.Slice(dockerfile.Span{Start: tailStart, End: inst.Span.End}), "\\\n", ""))
	rest = strings.TrimSpace(strings.ReplaceAll(rest, "\\\r\n", ""))
	if rest == "" {
		edits = append(edits, insertAfter(f, inst, copyBlock...))
	} else {
		var sep string
		switch {
		case strings.HasPrefix(rest, "&&"):
			sep = "&&"
		case strings.HasPrefix(rest, ";"):
			sep = ";"
		default:
			return nil
		}
		tail := strings.TrimSpace(strings.TrimPrefix(rest, sep))
		if tail == "" || strings.Count(tail, "'")%2 == 1 || strings.Count(tail, `"`)%2 == 1 {
			return nil
		}
		// The tail ran where the install ran: keep a `cd` that moved there.
		for _, c := range ecosystem.RunCommands(inst) {
			if c.Start != hit.InstallSpan.Start {
				continue
			}
			switch {
			case c.DirUnknown || c.Subshell || c.Cond || strings.ContainsAny(c.Dir, " '\"$`\\"):
				return nil
			case c.Dir != "":
				tail = "cd " + c.Dir + " && " + tail
			}
		}
		var flags []string
		for _, fl := range inst.Flags {
			flags = append(flags, f.Slice(fl.Span))
		}
		run := "RUN " + strings.Join(append(flags, tail), " ")
		ind := indentOf(f, inst)
		var b strings.Builder
		b.WriteString(eol(f))
		for _, l := range copyBlock {
			b.WriteString(ind + l + eol(f))
		}
		b.WriteString(ind + run)
		edits = append(edits, dockerfile.Edit{Span: dockerfile.Span{Start: tailStart, End: inst.Span.End}, NewText: b.String()})
	}
	return []Action{{Title: "Copy dependency manifests first", Edits: edits, Preferred: true, Safe: true}}
}

// subContext is the build context seen from inside one of its directories.
type subContext struct {
	Context
	dir string
}

func (c subContext) Exists(rel string) bool { return c.Context.Exists(path.Join(c.dir, rel)) }
func (c subContext) ReadFile(rel string) ([]byte, error) {
	return c.Context.ReadFile(path.Join(c.dir, rel))
}

func onlySysPkgs(in *dockerfile.Instruction) bool {
	for _, c := range ecosystem.RunCommands(in) {
		if !sysPkgTools[c.Name()] && c.Name() != "rm" {
			return false
		}
	}
	return true
}

// manifestsFor lists the manifests to copy before the install: those the
// install names, else the ecosystem's manifests that exist in the context,
// else the ecosystem's canonical COPY line (globs tolerate optional files).
func manifestsFor(hit *diagnostics.CacheBustHit, ctx Context) []string {
	eco := hit.Eco
	named := len(hit.Manifests) > 0 && !sameSet(hit.Manifests, eco.Required())
	if named {
		var out []string
		for _, m := range hit.Manifests {
			if strings.HasPrefix(m, "/") || strings.Contains(m, "$") {
				return nil
			}
			m = strings.TrimPrefix(m, "./")
			if ctx != nil && !ctx.Exists(m) {
				return nil
			}
			out = append(out, m)
		}
		return out
	}
	if ctx == nil {
		return strings.Fields(eco.CopyLine)
	}
	var out []string
	for _, m := range eco.Manifests {
		if strings.ContainsAny(m, "*?[") || m == "gradle" || m == ".mvn" {
			continue
		}
		if ctx.Exists(m) {
			out = append(out, m)
		}
	}
	for _, r := range eco.Required() {
		if !strings.ContainsAny(r, "*?[") && !ctx.Exists(r) {
			return nil // the context contradicts the install: leave it
		}
	}
	return out
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]bool{}
	for _, x := range a {
		m[x] = true
	}
	for _, x := range b {
		if !m[x] {
			return false
		}
	}
	return true
}
