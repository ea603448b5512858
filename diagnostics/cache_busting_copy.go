package diagnostics

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/buildmodel"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// CacheBustingCopyRule flags a COPY of the whole build context that comes
// before a dependency install in the same stage.
var CacheBustingCopyRule = register(&Rule{
	Code:     "CacheBustingCopy",
	Severity: SeverityWarning,
	Summary:  "The whole build context is copied before the dependency install, so any source change re-runs the install",
	Check:    checkCacheBustingCopy,
	Fix:      FixOnRequest, // codeactions/fix_cachebust.go: the manifests come from the build context
})

// CheckWith runs CacheBustingCopy over the model built with the build
// context when one is known (one model per check either way).
func init() { CacheBustingCopyRule.CheckOpts = checkCacheBustingCopyWith }

// CacheBustHit is one broad COPY/ADD that comes before a dependency install
// in the same stage. Code actions use it to write the fix (copy Eco's
// manifests and install before Copy).
type CacheBustHit struct {
	Copy    *dockerfile.Instruction
	Install *dockerfile.Instruction
	// InstallSpan is the install command inside Install.
	InstallSpan dockerfile.Span
	Eco         *ecosystem.Ecosystem
	Kind        ecosystem.Kind
	// Command is the install command as words joined by spaces.
	Command string
	// Manifests the install reads (what to copy first).
	Manifests []string
	// Soft is set when the order is defensible (the install needs the
	// project itself, a `cargo chef prepare` planner, or a cache mount keeps
	// the re-run cheap); Reason says which.
	Soft   bool
	Reason string
	// Whole is set when Copy brings the whole context (`.`, `*`); otherwise
	// it copies a directory that holds the manifest along with sources.
	Whole bool
}

// CacheBust finds every broad COPY that precedes a dependency install in the
// install's stage or in a stage it is built on, one hit per (copy, install)
// pair, in source order. It judges sources by their names; CacheBustWith
// takes the build context's answers.
func CacheBust(f *dockerfile.File) []CacheBustHit {
	if !installs(f) {
		return nil
	}
	return CacheBustWith(buildmodel.Build(f))
}

// installs reports whether a RUN of f installs something: most files do
// not, and then no model is built.
func installs(f *dockerfile.File) bool {
	for _, in := range f.Instructions {
		if isRun(in) && len(ecosystem.RunInstalls(in)) > 0 {
			return true
		}
	}
	return false
}

// maxCopiesLooked bounds how far back along a stage chain an install looks
// for broad copies: a file of thousands of chained stages must stay linear.
const maxCopiesLooked = 256

// CacheBustWith is CacheBust over a build model (which may carry the build
// context: then a directory copy counts only when the context says it brings
// a manifest, and a copy the context says brings only dependency manifests
// does not count at all).
func CacheBustWith(m *buildmodel.Model) []CacheBustHit {
	var hits []CacheBustHit
	var copies []*buildmodel.Copy
	for _, st := range m.Stages {
		for _, step := range st.Steps {
			in := step.In
			if in.Err != nil && !in.Is("RUN") || len(step.Installs) == 0 {
				continue
			}
			mounts := ecosystem.Mounts(in)
			// the copies along the chain before this RUN, oldest first
			copies = copies[:0]
			for n := step.Before.Copies; n != nil && len(copies) < maxCopiesLooked; n = n.Tail {
				copies = append(copies, n.Head)
			}
			slices.Reverse(copies)
			before := step.Before
			done := map[string]bool{}
			for _, ri := range step.Installs {
				eco := ri.Eco
				wasDone := before.DepsDone(eco) || done[eco.Name]
				if ri.Kind == ecosystem.Deps || ri.Kind == ecosystem.Resolve {
					done[eco.Name] = true
				}
				// After a dependency-only install of the same ecosystem (here
				// or in a stage this one is built on), a build or a project
				// install only adds the project: the dependency layer stays.
				if (ri.Kind == ecosystem.Build || ri.Kind == ecosystem.Project) && wasDone {
					continue
				}
				manifests := ri.Manifests()
				if boundManifest(mounts, manifests) {
					continue
				}
				for _, c := range copies {
					if c.Kind == buildmodel.CopyNarrow || !c.FromContext() || c.In.Err != nil {
						continue // (a COPY BuildKit rejects is reported as such)
					}
					if c.Kind == buildmodel.CopyDir && !dirHoldsManifest(m, c, ri, manifests, copies) {
						continue
					}
					if onlyManifests(m, c) {
						continue
					}
					if copiedBefore(copies, manifests, c) {
						continue
					}
					hit := CacheBustHit{Copy: c.In, Install: in, InstallSpan: ri.Span, Eco: eco, Kind: ri.Kind,
						Command: ri.Cmd.String(), Manifests: manifests, Whole: c.Kind == buildmodel.CopyContext}
					switch {
					case ri.Kind == ecosystem.Project:
						hit.Soft, hit.Reason = true, "it installs the project itself"
					case ri.Kind == ecosystem.Planner:
						hit.Soft, hit.Reason = true, "a cargo-chef planner reads the whole tree by design"
					case cacheMounted(mounts, eco):
						hit.Soft, hit.Reason = true, "a cache mount keeps the re-run cheap"
					}
					hits = append(hits, hit)
					break // the earliest broad copy is the one to fix
				}
			}
		}
	}
	return hits
}

// boundManifest reports whether the install's primary manifest is
// bind-mounted into the RUN (Docker's recommended pattern).
func boundManifest(mounts []ecosystem.Mount, manifests []string) bool {
	for _, m := range mounts {
		if m.Type != "bind" || m.From != "" {
			continue
		}
		src := m.Source
		if src == "" || src == "." || src == "./" {
			continue // the whole context: as broad as COPY . .
		}
		for _, mf := range manifests {
			if ecosystem.CopyCovers(src, mf) || path.Base(m.Target) == path.Base(mf) && ecosystem.CopyCovers(src, path.Base(mf)) {
				return true
			}
		}
	}
	return false
}

// copiedBefore reports whether a narrow context COPY brought the install's
// primary manifest before the broad copy c: the author already separated
// the manifest layer, so msls does not second-guess the order.
func copiedBefore(copies []*buildmodel.Copy, manifests []string, c *buildmodel.Copy) bool {
	if len(manifests) == 0 {
		return false
	}
	for _, n := range copies {
		if n == c {
			return false
		}
		if n.Kind != buildmodel.CopyNarrow || !n.FromContext() {
			continue
		}
		for _, src := range n.Sources {
			if ecosystem.CopyCovers(src, manifests[0]) {
				return true
			}
		}
	}
	return false
}

// dirHoldsManifest decides whether a directory COPY brought the install's
// manifest: the build context says so; or the install names a file under the
// copy's destination; or the copy lands in the directory the install runs in
// (WORKDIR, then any `cd`) and the manifest came from nowhere else.
func dirHoldsManifest(m *buildmodel.Model, c *buildmodel.Copy, ri *buildmodel.Install, manifests []string, copies []*buildmodel.Copy) bool {
	known, holds := false, false
	for i := range c.Sources {
		files, ok := m.Files(c, i)
		if !ok {
			known = false
			break
		}
		known = true
		for _, fl := range files {
			for _, mf := range manifests {
				holds = holds || path.Base(fl) == path.Base(mf)
			}
		}
	}
	if known {
		return holds
	}
	if c.Dest == "" {
		return false
	}
	for _, mf := range manifests {
		dir := path.Dir(strings.TrimPrefix(mf, "./"))
		if dir == "." {
			continue
		}
		if path.IsAbs(dir) && dir == c.Dest || ri.DirKnown && path.Join(ri.Dir, dir) == c.Dest {
			return true
		}
	}
	if !ri.DirKnown || ri.Dir != c.Dest {
		return false
	}
	for _, n := range copies {
		if n.Kind != buildmodel.CopyNarrow || !n.FromContext() {
			continue
		}
		for _, src := range n.Sources {
			for _, mf := range manifests {
				if ecosystem.CopyCovers(src, mf) {
					return false
				}
			}
		}
	}
	return true
}

func cacheMounted(mounts []ecosystem.Mount, eco *ecosystem.Ecosystem) bool {
	for _, m := range mounts {
		if m.Type == "cache" && eco.CacheTarget(m.Target) {
			return true
		}
	}
	return false
}

// onlyManifests reports whether the build context says the copy brings
// only dependency manifests (requirement files, lock files): no source
// change can touch those, so the install after them stays cached, and
// copying one file instead (the rule's advice) could break an `-r base.txt`
// include. False when the context cannot tell, and for the context root.
func onlyManifests(m *buildmodel.Model, c *buildmodel.Copy) bool {
	n := 0
	for i := range c.Sources {
		if c.Clean[i] == "." {
			return false
		}
		files, ok := m.Files(c, i)
		if !ok {
			return false
		}
		for _, p := range files {
			if !isDependencyManifest(p) {
				return false
			}
			n++
		}
	}
	return n > 0
}

// isDependencyManifest: a manifest or lock file of a known ecosystem, or a
// pip requirements file (`*.txt`/`*.in` named or filed as requirements).
func isDependencyManifest(p string) bool {
	base := path.Base(p)
	for _, e := range ecosystem.All {
		if e.IsManifest(base) {
			return true
		}
	}
	ext := path.Ext(base)
	if ext != ".txt" && ext != ".in" {
		return false
	}
	for _, part := range strings.Split(strings.ToLower(p), "/") {
		if strings.HasPrefix(part, "requirement") || strings.HasPrefix(part, "constraint") {
			return true
		}
	}
	return false
}

func checkCacheBustingCopy(f *dockerfile.File) []Finding {
	return cacheBustFindings(f, CacheBust(f))
}

func checkCacheBustingCopyWith(f *dockerfile.File, opts *Options) []Finding {
	if !installs(f) {
		return nil
	}
	var ctx buildmodel.Context // (a nil *buildcontext.Context must stay a nil interface)
	if c := usableContext(f, opts); c != nil {
		ctx = c
	}
	return cacheBustFindings(f, CacheBustWith(buildmodel.BuildWith(f, ctx)))
}

func cacheBustFindings(f *dockerfile.File, hits []CacheBustHit) []Finding {
	var out []Finding
	// one finding per COPY, listing every install it busts
	var order []*dockerfile.Instruction
	groups := map[*dockerfile.Instruction][]CacheBustHit{}
	for _, h := range hits {
		if groups[h.Copy] == nil {
			order = append(order, h.Copy)
		}
		groups[h.Copy] = append(groups[h.Copy], h)
	}
	for _, c := range order {
		group := groups[c]
		h := group[0]
		soft := true
		for _, g := range group {
			if soft && !g.Soft {
				h = g
			}
			soft = soft && g.Soft
		}
		what := strings.Join(strings.Fields(f.Slice(h.Copy.ArgsSpan)), " ")
		scope := "the whole build context"
		if !h.Whole {
			scope = "a directory holding both sources and " + manifestList(h)
		}
		msg := fmt.Sprintf("%s %s copies "+scope+" before `%s` (line %d), so every source change re-runs it and re-downloads the dependencies. Copy %s first, install, then copy the rest",
			h.Copy.Keyword, what, h.Command, lineOf(f, h.InstallSpan.Start), manifestList(h))
		sev := SeverityWarning
		if soft {
			sev = SeverityInformation
			advice := "installing the dependencies first from " + manifestList(h) + " (then the project) keeps that layer cached"
			if h.Kind == ecosystem.Planner {
				advice = "keep `cargo chef cook` in a later stage that copies only recipe.json"
			}
			msg = fmt.Sprintf("%s %s copies "+scope+" before `%s` (line %d); %s, but %s",
				h.Copy.Keyword, what, h.Command, lineOf(f, h.InstallSpan.Start), h.Reason, advice)
		}
		if h.Kind == ecosystem.Resolve && !soft {
			msg = fmt.Sprintf("%s %s copies "+scope+" before `%s` (line %d), so every source change re-runs it and re-downloads the dependencies. Copy %s first and run `%s` before copying the rest",
				h.Copy.Keyword, what, h.Command, lineOf(f, h.InstallSpan.Start), manifestList(h), h.Eco.DepsCommand)
		}
		if h.Copy.Stage != h.Install.Stage && h.Copy.Stage >= 0 && h.Install.Stage >= 0 {
			// the copy is inherited: say where the install sees it from
			msg += fmt.Sprintf(" (the install runs in stage %q, which is built on stage %q: base it on a stage before this copy, or copy the manifests first there)",
				f.Stages[h.Install.Stage].Ref(), f.Stages[h.Copy.Stage].Ref())
		}
		fd := Finding{Severity: sev, Message: msg, Span: firstLine(f, h.Copy)}
		for _, g := range group {
			fd.Related = append(fd.Related, Related{Span: g.InstallSpan,
				Message: fmt.Sprintf("`%s` re-runs whenever any file copied on line %d changes", g.Command, lineOf(f, g.Copy.Span.Start))})
		}
		out = append(out, fd)
	}
	return out
}

// manifestList names what to copy before the install, for messages.
func manifestList(h CacheBustHit) string {
	if h.Kind == ecosystem.Deps && len(h.Manifests) > 0 && (h.Eco.Name == "pip" || h.Eco.Name == "uv" && h.Manifests[0] != "pyproject.toml" || h.Eco.Name == "cargo" && h.Manifests[0] == "recipe.json") {
		names := make([]string, len(h.Manifests))
		for i, m := range h.Manifests {
			if path.IsAbs(m) {
				m = path.Base(m)
			}
			names[i] = m
		}
		return strings.Join(names, " ")
	}
	return h.Eco.CopyLine
}
