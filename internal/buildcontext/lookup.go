package buildcontext

import (
	"path"
	"sort"
	"strings"

	"github.com/moby/patternmatcher"
)

// Result is what one COPY/ADD source names in the context.
type Result struct {
	// Source is the source as a context-relative path (CleanSource).
	Source   string
	Wildcard bool
	// Matched are the paths the source names and BuildKit sends: the file or
	// folder itself, or each path a wildcard matches.
	Matched []Entry
	// Ignored are paths the source names that exist but the ignore file
	// excludes (so the build does not see them).
	Ignored []Entry
	// PatternIgnored is set when the ignore file excludes the source path
	// itself (whether it exists or not): BuildKit's CopyIgnoredFile.
	PatternIgnored bool
	// Known says whether an empty Matched means "matches nothing": false
	// past the listing's bound, under a folder that was not listed, or
	// under a symbolic link.
	Known bool
	// Files are the files the source brings, folders expanded (links count
	// as files), in path order; FilesKnown is false when part of them lies
	// in a folder that was not listed.
	Files      []string
	FilesKnown bool
}

// Lookup resolves a COPY/ADD source as BuildKit would: relative to the
// context root with `..` clamped; a source with wildcards matches each path
// component with path.Match (filepath.Match semantics, as BuildKit's copy
// does), and with parents (`COPY --parents`) the `/./` pivot is dropped and
// a pattern is matched with BuildKit's include-pattern matcher (`**` allowed).
// Sources holding variables cannot be resolved: Known is false.
func (c *Context) Lookup(src string, parents bool) Result {
	if c == nil {
		return Result{Source: CleanSource(src), Wildcard: HasWildcards(src)}
	}
	// the rules ask on every keystroke: answers are kept with the context
	// (bounded: a context lives until its files change)
	key := lookupKey{src, parents}
	if r, ok := c.memo.Load(key); ok {
		return r.(Result)
	}
	r := c.lookup(src, parents)
	if c.memoN.Add(1) <= maxMemo {
		c.memo.Store(key, r)
	}
	return r
}

// maxMemo bounds the remembered answers per context.
const maxMemo = 4096

type lookupKey struct {
	src     string
	parents bool
}

func (c *Context) lookup(src string, parents bool) Result {
	r := Result{Source: CleanSource(src), Wildcard: HasWildcards(src)}
	if c == nil || strings.Contains(src, "$") || windowsPath(src) {
		return r
	}
	r.PatternIgnored = r.Source != "." && c.Ignored(r.Source)
	switch {
	case r.Source == ".":
		r.Known, r.Matched = true, []Entry{{Path: ".", Dir: true}}
		r.Files, r.FilesKnown = c.expand(Entry{Path: ".", Dir: true})
	case r.Wildcard && parents:
		c.lookupIncludePattern(&r)
	case r.Wildcard:
		c.lookupGlob(&r)
	default:
		c.lookupExact(&r)
	}
	return r
}

func (c *Context) lookupExact(r *Result) {
	if e, ok := c.Entry(r.Source); ok {
		r.Known = true
		if e.Ignored {
			r.Ignored = append(r.Ignored, e)
			return
		}
		r.Matched = []Entry{e}
		r.Files, r.FilesKnown = c.expand(e)
		return
	}
	// Not listed: decide whether that means absent.
	for a := path.Dir(r.Source); a != "."; a = path.Dir(a) {
		e, ok := c.Entry(a)
		if !ok {
			continue
		}
		switch {
		case !e.Dir && !e.Link:
			r.Known = true // below a file: cannot exist
		case e.Ignored:
			r.Known = true // whatever is there is not sent
		case e.Opaque || e.Link:
			r.Known = false // an unlisted folder or a link
		default:
			r.Known = c.Complete // a listed folder without it
		}
		return
	}
	r.Known = c.Complete
}

func (c *Context) lookupGlob(r *Result) {
	comps := strings.Split(r.Source, "/")
	r.Known, r.FilesKnown = c.Complete, c.Complete
	for _, e := range c.entries {
		parts := strings.Split(e.Path, "/")
		if len(parts) > len(comps) {
			continue
		}
		ok, err := matchParts(comps[:len(parts)], parts)
		if err != nil {
			r.Known, r.FilesKnown = false, false
			return
		}
		if !ok {
			continue
		}
		if len(parts) < len(comps) {
			// a folder on the way: if it was not listed, matches may hide in it
			if (e.Opaque || e.Link) && !e.Ignored {
				r.Known, r.FilesKnown = false, false
			}
			continue
		}
		c.take(r, e)
	}
	sort.Strings(r.Files)
}

// take records an entry a pattern matched: ignored, or matched with the
// files it brings. It reports whether the entry was matched (not ignored).
func (c *Context) take(r *Result, e Entry) bool {
	if e.Ignored {
		r.Ignored = append(r.Ignored, e)
		return false
	}
	r.Matched = append(r.Matched, e)
	files, known := c.expand(e)
	r.Files = append(r.Files, files...)
	r.FilesKnown = r.FilesKnown && known
	return true
}

func matchParts(pats, parts []string) (bool, error) {
	for i := range parts {
		ok, err := path.Match(pats[i], parts[i])
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// lookupIncludePattern is `COPY --parents` with a pattern: BuildKit passes
// it to the copy as an include pattern (patternmatcher syntax).
func (c *Context) lookupIncludePattern(r *Result) {
	pm, err := patternmatcher.New([]string{r.Source})
	if err != nil {
		return
	}
	r.Known, r.FilesKnown = c.Complete, c.Complete
	// the pattern's leading literal folders: an unlisted folder elsewhere
	// cannot hold a match
	var lit []string
	for _, part := range strings.Split(r.Source, "/") {
		if HasWildcards(part) {
			break
		}
		lit = append(lit, part)
	}
	prefix := strings.Join(lit, "/") + "/"
	var under string // the last matched folder: its contents come with it
	for _, e := range c.entries {
		if under != "" && strings.HasPrefix(e.Path, under+"/") {
			continue
		}
		ok, err := pm.MatchesOrParentMatches(e.Path)
		if err != nil {
			r.Known, r.FilesKnown = false, false
			return
		}
		if !ok {
			if (e.Opaque || e.Link) && !e.Ignored && (prefix == "/" || strings.HasPrefix(e.Path+"/", prefix) || strings.HasPrefix(prefix, e.Path+"/")) {
				r.Known, r.FilesKnown = false, false // `**` may reach inside
			}
			continue
		}
		if !c.take(r, e) {
			continue
		}
		if e.Dir {
			under = e.Path
		}
	}
}

// expand lists the files a matched entry brings.
func (c *Context) expand(e Entry) ([]string, bool) {
	if !e.Dir {
		return []string{e.Path}, true
	}
	if e.Opaque || e.Link {
		return nil, false
	}
	prefix := e.Path + "/"
	i := 0
	if e.Path == "." {
		prefix = ""
	} else {
		i = sort.Search(len(c.entries), func(i int) bool { return c.entries[i].Path >= prefix })
	}
	var files []string
	known := c.Complete
	for ; i < len(c.entries) && strings.HasPrefix(c.entries[i].Path, prefix); i++ {
		x := c.entries[i]
		switch {
		case x.Ignored:
		case x.Dir && (x.Opaque || x.Link):
			known = false
		case !x.Dir:
			files = append(files, x.Path)
		}
	}
	return files, known
}

// windowsPath: a backslash or a drive letter (`C:\app`, `.\src`) is a path
// for Windows containers, which BuildKit normalises for that platform;
// msls does not guess how, so such sources stay unknown.
func windowsPath(src string) bool {
	return strings.Contains(src, `\`) || len(src) >= 2 && src[1] == ':' && (src[0]|0x20 >= 'a' && src[0]|0x20 <= 'z')
}

// Match answers buildmodel.Context: the files a COPY source (as the build
// model cleans it) brings from the context after the ignore file; ok is
// false when the listing cannot tell (variables, unlisted folders, past the
// listing's bound).
func (c *Context) Match(src string) (files []string, ok bool) {
	if c == nil {
		return nil, false
	}
	r := c.Lookup(src, false)
	switch {
	case !r.Known:
		return nil, false
	case len(r.Matched) == 0:
		return nil, true // nothing there, or only what the ignore file drops
	case !r.FilesKnown:
		return nil, false
	}
	return r.Files, true
}
