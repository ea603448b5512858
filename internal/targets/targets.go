// Package targets finds where the stages of Dockerfiles are built as targets
// outside the Dockerfile: compose files (services.*.build.target), bake files
// (HCL and JSON: target "x" { target = "stage" }), GitHub workflow steps
// using docker/build-push-action (with: target), and `docker build --target`
// lines in Makefiles and shell scripts.
//
// Everything here is a function of a file's path (relative to the workspace
// root, slash-separated) and its contents: no file system, no global state.
// Resolving which Dockerfile an entry builds gives paths relative to the same
// root; a caller decides which exist.
package targets

import (
	"path"
	"strings"
	"unicode/utf8"
)

// Kind is the kind of file a target comes from.
type Kind string

const (
	Compose  Kind = "compose"
	Bake     Kind = "bake"
	Workflow Kind = "workflow"
	Make     Kind = "make"
	Script   Kind = "script"
)

// Span is a byte range of the source file, with its LSP-style start and end
// (0-based line, UTF-16 character) so callers need not re-read the file.
type Span struct {
	Start, End int
	StartLine  int
	StartChar  int
	EndLine    int
	EndChar    int
}

// Target is one place a Dockerfile stage is built as a target.
type Target struct {
	Kind Kind
	// File is the source file (relative to the root, slash-separated).
	File string
	// Name says which entry of the file: the compose service, the bake
	// target, the workflow job and step, the make rule.
	Name string
	// Stage is the target stage named, "" when it is not a literal.
	Stage string
	// Span is where Stage's text is in File; valid only when Exact.
	Span Span
	// Exact: the span holds exactly Stage's text (no escapes), so it can
	// be renamed in place.
	Exact bool
	// Shared: Stage's text belongs to another entry of the file (a bake
	// parent named in `inherits`, a YAML anchor used by several compose
	// services). That entry renames it and is judged by Unknown; this one
	// is listed only (references, hover).
	Shared bool
	// Dockerfiles are the candidate paths of the Dockerfile built, best
	// first (relative to the root, slash-separated, cleaned). Empty when
	// Unresolved.
	Dockerfiles []string
	// KeyLine is the 0-based line of the `target` key (or flag), -1 when the
	// entry has none: entries without a target are kept so an editor can
	// complete one.
	KeyLine int
	// Unresolved says why the Dockerfile or the stage is not known
	// (variables, remote contexts, paths outside the root).
	Unresolved string
}

// Classify says what kind of target source a file is, from its path relative
// to the root ("" when it is none).
func Classify(rel string) Kind {
	rel = path.Clean(strings.ReplaceAll(rel, "\\", "/"))
	base := strings.ToLower(path.Base(rel))
	switch {
	case IsComposeName(base):
		return Compose
	case IsBakeName(base):
		return Bake
	case (strings.HasSuffix(base, ".yml") || strings.HasSuffix(base, ".yaml")) && inWorkflows(rel):
		return Workflow
	case base == "makefile" || base == "gnumakefile" || strings.HasSuffix(base, ".mk") || strings.HasPrefix(base, "makefile."):
		return Make
	case strings.HasSuffix(base, ".sh") || strings.HasSuffix(base, ".bash"):
		return Script
	}
	return ""
}

// inWorkflows: the file is directly in a .github/workflows directory.
func inWorkflows(rel string) bool {
	const dir = ".github/workflows/"
	i := strings.Index(rel, dir)
	if i < 0 || (i > 0 && rel[i-1] != '/') {
		return false
	}
	return !strings.Contains(rel[i+len(dir):], "/")
}

// IsComposeName reports whether a base name is a compose file's:
// compose.yaml, docker-compose.yml, compose.override.yaml,
// docker-compose.prod.yml, dev.compose.yaml and so on.
func IsComposeName(base string) bool {
	base = strings.ToLower(base)
	var stem string
	switch {
	case strings.HasSuffix(base, ".yaml"):
		stem = strings.TrimSuffix(base, ".yaml")
	case strings.HasSuffix(base, ".yml"):
		stem = strings.TrimSuffix(base, ".yml")
	default:
		return false
	}
	return stem == "compose" || stem == "docker-compose" ||
		strings.HasPrefix(stem, "compose.") || strings.HasPrefix(stem, "docker-compose.") ||
		strings.HasSuffix(stem, ".compose") || strings.HasSuffix(stem, "-compose")
}

// IsBakeName reports whether a base name is a bake file's:
// docker-bake.hcl, docker-bake.json, docker-bake.override.hcl, *.bake.hcl.
func IsBakeName(base string) bool {
	base = strings.ToLower(base)
	var stem string
	switch {
	case strings.HasSuffix(base, ".hcl"):
		stem = strings.TrimSuffix(base, ".hcl")
	case strings.HasSuffix(base, ".json"):
		stem = strings.TrimSuffix(base, ".json")
	default:
		return false
	}
	return stem == "docker-bake" || strings.HasPrefix(stem, "docker-bake.") || strings.HasSuffix(stem, ".bake") || stem == "bake"
}

// Parse finds the targets of one file; kind "" classifies it by name. A file
// that does not parse yields what could be read before the error.
func Parse(rel string, kind Kind, content []byte) []Target {
	rel = path.Clean(strings.ReplaceAll(rel, "\\", "/"))
	if kind == "" {
		kind = Classify(rel)
	}
	var out []Target
	switch kind {
	case Compose:
		out = parseCompose(rel, content)
	case Bake:
		if strings.HasSuffix(strings.ToLower(rel), ".json") {
			out = parseBakeJSON(rel, content)
		} else {
			out = parseBakeHCL(rel, content)
		}
	case Workflow:
		out = parseWorkflow(rel, content)
	case Make:
		out = parseMakefile(rel, content)
	case Script:
		out = parseScript(rel, content)
	}
	return out
}

// resolve joins a context and a Dockerfile name the way docker does: the
// Dockerfile is relative to the context unless it is absolute. base is the
// directory the context is relative to. It returns "" and a reason when the
// result is unknown or leaves the root.
func resolve(base, context, dockerfile string, fileRelToBase bool) (string, string) {
	if context == "" {
		context = "."
	}
	if isRemote(context) {
		return "", "remote context " + context
	}
	if hasVariable(context) {
		return "", "context " + context + " is not a literal"
	}
	if dockerfile == "" {
		dockerfile = "Dockerfile"
	}
	if hasVariable(dockerfile) {
		return "", "Dockerfile " + dockerfile + " is not a literal"
	}
	if path.IsAbs(context) || path.IsAbs(dockerfile) {
		return "", "absolute path outside the workspace"
	}
	var p string
	if fileRelToBase {
		p = path.Join(base, dockerfile)
	} else {
		p = path.Join(base, context, dockerfile)
	}
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", "Dockerfile " + p + " is outside the workspace"
	}
	return p, ""
}

func isRemote(s string) bool {
	for _, p := range []string{"http://", "https://", "git://", "git@", "ssh://", "github.com/", "docker-image://", "oci-layout://", "target:"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return strings.HasSuffix(s, ".git") || strings.Contains(s, ".git#")
}

// hasVariable: compose and bake interpolate ${X} and $X, workflows ${{ }},
// make $(X).
func hasVariable(s string) bool { return strings.ContainsAny(s, "$`") }

// lineIndex maps byte offsets of a source to LSP positions.
type lineIndex struct {
	text   []byte
	starts []int
}

func newLineIndex(text []byte) *lineIndex {
	x := &lineIndex{text: text, starts: []int{0}}
	for i, c := range text {
		if c == '\n' {
			x.starts = append(x.starts, i+1)
		}
	}
	return x
}

// offset is the byte offset of a 1-based line and a 1-based column counted
// in runes (as go.yaml.in/yaml reports them); -1 when out of range.
func (x *lineIndex) offset(line, col int) int {
	if line < 1 || line > len(x.starts) {
		return -1
	}
	off := x.starts[line-1]
	for c := 1; c < col; c++ {
		if off >= len(x.text) || x.text[off] == '\n' {
			return -1
		}
		_, n := utf8.DecodeRune(x.text[off:])
		off += n
	}
	return off
}

// pos is the 0-based line and UTF-16 character of a byte offset.
func (x *lineIndex) pos(off int) (int, int) {
	lo, hi := 0, len(x.starts)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if x.starts[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	ch := 0
	for i := x.starts[lo]; i < off && i < len(x.text); {
		r, n := utf8.DecodeRune(x.text[i:])
		if r >= 0x10000 {
			ch += 2
		} else {
			ch++
		}
		i += n
	}
	return lo, ch
}

func (x *lineIndex) span(start, end int) Span {
	sl, sc := x.pos(start)
	el, ec := x.pos(end)
	return Span{Start: start, End: end, StartLine: sl, StartChar: sc, EndLine: el, EndChar: ec}
}

// exact reports whether text[start:start+len(s)] is s.
func exact(text []byte, start int, s string) bool {
	return start >= 0 && start+len(s) <= len(text) && string(text[start:start+len(s)]) == s
}
