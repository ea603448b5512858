package diagnostics

import (
	"fmt"
	"path"
	"strings"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/ecosystem"
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

// copyKind says how much of the context a COPY brings.
type copyKind int

const (
	copyNarrow  copyKind = iota
	copyContext          // `.`, `./`, `*`, `./*`
	copyDir              // a directory that may hold sources and manifests
)

// classifyCopy looks at a COPY/ADD's sources (not --from, not heredocs).
func classifyCopy(in *dockerfile.Instruction) (copyKind, []string) {
	if !in.Is("COPY") && !in.Is("ADD") || len(in.Heredocs) > 0 {
		return copyNarrow, nil
	}
	if _, ok := in.Flag("from"); ok {
		return copyNarrow, nil
	}
	if len(in.Args) < 2 {
		return copyNarrow, nil
	}
	srcs := make([]string, 0, len(in.Args)-1)
	for _, a := range in.Args[:len(in.Args)-1] {
		srcs = append(srcs, strings.Trim(a.Value, `"'`))
	}
	kind := copyNarrow
	for _, s := range srcs {
		switch {
		case s == "." || s == "./" || s == "*" || s == "./*" || s == "/" || s == "./.":
			return copyContext, srcs
		case strings.Contains(s, "://") || strings.HasPrefix(s, "git@"):
			// a URL or git source: not the build context
		case strings.HasSuffix(s, "/") && !strings.ContainsAny(s, "*?["):
			kind = copyDir
		case !strings.Contains(path.Base(s), ".") && !strings.ContainsAny(s, "*?[$") && !isManifestName(path.Base(s)):
			kind = copyDir // `COPY src /app`: most likely a directory
		}
	}
	return kind, srcs
}

func isManifestName(base string) bool {
	for _, e := range ecosystem.All {
		if e.IsManifest(base) {
			return true
		}
	}
	return false
}

// CacheBust finds every broad COPY that precedes a dependency install in the
// same stage, one hit per (copy, install) pair, in source order.
func CacheBust(f *dockerfile.File) []CacheBustHit {
	var hits []CacheBustHit
	depsDone := map[int]map[string]bool{} // stage -> ecosystems with a Deps step so far
	for _, st := range f.Stages {
		done := map[string]bool{}
		if st.Parent >= 0 {
			for k := range depsDone[st.Parent] {
				done[k] = true
			}
		}
		depsDone[st.Index] = done
		type broad struct {
			in   *dockerfile.Instruction
			kind copyKind
			srcs []string
			dest string
		}
		var broads []broad
		copied := map[string]int{} // manifest-ish source -> offset of its COPY
		workdir := ""
		for _, in := range st.Instructions {
			if in.Sub != nil || in.Err != nil && !in.Is("RUN") {
				continue
			}
			switch {
			case in.Is("WORKDIR") && len(in.Args) > 0:
				w := strings.Trim(in.Args[0].Value, `"'`)
				if strings.HasPrefix(w, "/") || workdir == "" {
					workdir = w
				} else {
					workdir = path.Join(workdir, w)
				}
			case in.Is("COPY") || in.Is("ADD"):
				kind, srcs := classifyCopy(in)
				if kind == copyNarrow {
					for _, s := range srcs {
						copied[s] = in.Span.Start
					}
					continue
				}
				broads = append(broads, broad{in: in, kind: kind, srcs: srcs, dest: strings.Trim(in.Args[len(in.Args)-1].Value, `"'`)})
			case in.Is("RUN"):
				mounts := ecosystem.Mounts(in)
				for _, ri := range ecosystem.RunInstalls(in) {
					eco := ri.Eco
					wasDone := done[eco.Name]
					if ri.Kind == ecosystem.Deps {
						done[eco.Name] = true
					}
					if ri.Kind == ecosystem.Build && wasDone {
						continue
					}
					manifests := ri.Manifests()
					if boundManifest(mounts, manifests) {
						continue
					}
					for _, b := range broads {
						if b.kind == copyDir && !dirHoldsManifest(b.srcs, b.dest, workdir, manifests, copied) {
							continue
						}
						if copiedBefore(copied, manifests, b.in.Span.Start) {
							continue
						}
						hit := CacheBustHit{Copy: b.in, Install: in, InstallSpan: ri.Span, Eco: eco, Kind: ri.Kind,
							Command: ri.Cmd.String(), Manifests: manifests, Whole: b.kind == copyContext}
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

// copiedBefore reports whether a narrow COPY brought the install's primary
// manifest before offset off: the author already separated the manifest
// layer, so msls does not second-guess the order.
func copiedBefore(copied map[string]int, manifests []string, off int) bool {
	if len(manifests) == 0 {
		return false
	}
	for src, at := range copied {
		if at < off && ecosystem.CopyCovers(src, manifests[0]) {
			return true
		}
	}
	return false
}

// dirHoldsManifest decides whether a directory COPY brought the install's
// manifest: the install names a file under the copy's destination, or the
// copy lands in the working directory and the manifest came from nowhere else.
func dirHoldsManifest(srcs []string, dest, workdir string, manifests []string, copied map[string]int) bool {
	d := strings.TrimSuffix(strings.TrimPrefix(dest, "./"), "/")
	for _, mf := range manifests {
		dir := path.Dir(strings.TrimPrefix(mf, "./"))
		if dir != "." && (dir == d || workdir != "" && path.Join(workdir, dir) == path.Clean(dest)) {
			return true
		}
	}
	intoWorkdir := d == "." || d == "" || workdir != "" && path.Clean(dest) == path.Clean(workdir)
	if !intoWorkdir {
		return false
	}
	for src := range copied {
		for _, mf := range manifests {
			if ecosystem.CopyCovers(src, mf) {
				return false
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

func checkCacheBustingCopy(f *dockerfile.File) []Finding {
	hits := CacheBust(f)
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
