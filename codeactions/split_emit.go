package codeactions

import (
	"regexp"
	"strings"
)

// stageText accumulates one stage of the split's output.
type stageText struct {
	lines []string
	// lastFS is the index after the last line that changes the file system
	// (RUN, COPY, ADD): where a USER must go so that they still run as root.
	lastFS int
}

func (s *stageText) add(text string) {
	s.lines = append(s.lines, text)
	kw := strings.ToUpper(firstWord(lastLine(text)))
	switch kw {
	case "RUN", "COPY", "ADD":
		s.lastFS = len(s.lines)
	}
}

func (s *stageText) item(it *item) {
	var b strings.Builder
	for _, c := range it.comments {
		b.WriteString(c)
		b.WriteByte('\n')
	}
	b.WriteString(it.text)
	s.add(b.String())
}

func (s *stageText) insertAt(i int, text string) {
	s.lines = append(s.lines, "")
	copy(s.lines[i+1:], s.lines[i:])
	s.lines[i] = text
}

func (s *stageText) String() string { return strings.Join(s.lines, "\n") + "\n" }

// lastLine returns the first line of an entry that is not a comment (the
// instruction's keyword line).
func lastLine(text string) string {
	for _, l := range strings.Split(text, "\n") {
		t := strings.TrimSpace(l)
		if t != "" && !strings.HasPrefix(t, "#") {
			return t
		}
	}
	return ""
}

func firstWord(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		return s[:i]
	}
	return s
}

func joinStages(stages ...*stageText) string {
	var parts []string
	for _, s := range stages {
		if s != nil {
			parts = append(parts, s.String())
		}
	}
	return strings.Join(parts, "\n")
}

// positions of the landmarks of the stage.
type landmarks struct {
	inst      int // first install (or project install)
	dep       int // first install, else first build step
	src       int // first copy of sources
	lastBuild int // last build step; -1 without one
}

func (a *analysis) landmarks() landmarks {
	l := landmarks{inst: -1, src: -1, lastBuild: -1}
	for _, it := range a.items {
		switch it.role {
		case roleInstall, roleProject:
			if l.inst < 0 {
				l.inst = it.pos
			}
		case roleContextCopy, roleSourceCopy:
			if l.src < 0 {
				l.src = it.pos
			}
		case roleBuild:
			l.lastBuild = it.pos
		}
	}
	l.dep = l.inst
	if l.dep < 0 {
		for _, it := range a.items {
			if it.role == roleBuild {
				l.dep = it.pos
				break
			}
		}
	}
	return l
}

// first returns the smallest non-negative of the positions.
func first(ps ...int) int {
	m := -1
	for _, p := range ps {
		if p >= 0 && (m < 0 || p < m) {
			m = p
		}
	}
	return m
}

// header writes FROM, the stage's ARGs and the WORKDIR.
func (a *analysis) header(s *stageText, from string, comments []string) {
	var b strings.Builder
	for _, c := range comments {
		b.WriteString(c)
		b.WriteByte('\n')
	}
	b.WriteString(from)
	s.add(b.String())
	for _, it := range a.items {
		if it.role == roleArg {
			s.item(it)
		}
	}
	if u := a.userBeforeWorkdir(); u != "" && strings.HasSuffix(from, " AS runner") {
		// The original created the app directory as its runtime user (a
		// WORKDIR after USER): the app may write there, so the runner's
		// directory, made by root, is handed to that user.
		s.add("RUN mkdir -p " + a.workdir + " && chown " + u + " " + a.workdir)
	}
	s.add(a.workdirText)
}

// userBeforeWorkdir is the non-root user the original switched to before
// its WORKDIR, "" when the WORKDIR came first (or there is no USER).
func (a *analysis) userBeforeWorkdir() string {
	user := ""
	for _, it := range a.items {
		switch it.role {
		case roleUser:
			u := strings.TrimSpace(it.inst.ArgsText)
			name, _, _ := strings.Cut(u, ":")
			if name == "root" || name == "0" || strings.Contains(u, "$") {
				user = ""
			} else {
				user = u
			}
		case roleWorkdir:
			return user
		}
	}
	return ""
}

// mkdirWorkdirRE finds `mkdir <dir>` without -p.
func mkdirWorkdirRE(dir string) *regexp.Regexp {
	return regexp.MustCompile(`\bmkdir(\s+)(` + regexp.QuoteMeta(dir) + `/?)(\s|$|;|&|\|)`)
}

// fixMkdirWorkdir makes a `RUN mkdir <workdir>` tolerate the directory
// existing: the split writes WORKDIR at the top of every stage, above the
// mkdir that created it in the original, where it would fail ("File
// exists").
func (a *analysis) fixMkdirWorkdir() {
	re := mkdirWorkdirRE(a.workdir)
	for _, it := range a.items {
		if it.inst == nil || !it.inst.Is("RUN") {
			continue
		}
		it.text = re.ReplaceAllString(it.text, "mkdir${1}-p $2$3")
	}
}

// sinkStart moves CMD and ENTRYPOINT (with their comments) to the end of
// the stage: nothing the split adds may land after the start command.
func (s *stageText) sinkStart() {
	var keep, start []string
	for _, l := range s.lines {
		switch strings.ToUpper(firstWord(lastLine(l))) {
		case "CMD", "ENTRYPOINT":
			start = append(start, l)
		default:
			keep = append(keep, l)
		}
	}
	s.lines = append(keep, start...)
}

// isPre reports whether an item ran before the dependency install and
// before the sources arrived (or is a tool, environment or system package
// step, which the install may need wherever it was written).
func isPre(it *item, l landmarks) bool {
	if l.dep >= 0 && it.pos > l.dep {
		return false
	}
	if l.src >= 0 && it.pos > l.src {
		return it.role == roleTool || it.role == roleEnv || it.role == roleSysPkg
	}
	return true
}

// preInstall writes what the original ran before installing dependencies:
// tools, system packages, setup commands, files copied outside the app,
// environment. keep filters further.
func (a *analysis) preInstall(s *stageText, l landmarks, keep func(*item) bool) {
	for _, it := range a.items {
		if !isPre(it, l) {
			continue
		}
		switch it.role {
		case roleTool, roleSysPkg, roleSetup, roleExternalCopy, roleEnv:
			if keep == nil || keep(it) {
				s.item(it)
			}
		}
	}
}

func (a *analysis) fromComments() []string {
	var out []string
	for _, c := range a.st.From.Comments {
		out = append(out, a.f.Slice(c.Span))
	}
	return out
}

// stageFrom writes `FROM image AS name`, keeping the original's --platform.
func (a *analysis) stageFrom(image, name string) string {
	b := "FROM "
	if fl, ok := a.st.From.Flag("platform"); ok {
		b += a.f.Slice(fl.Span) + " "
	}
	return b + image + " AS " + name
}

// runtimeItems returns the CMD/ENTRYPOINT items (last of each).
func (a *analysis) entrypoint() (cmd, ep *item) {
	for _, it := range a.items {
		if it.role != roleRuntime {
			continue
		}
		switch it.inst.Keyword {
		case "CMD":
			cmd = it
		case "ENTRYPOINT":
			ep = it
		}
	}
	return cmd, ep
}

// finalUser returns the USER item the runner should end with: the
// original's last USER when it is not root.
func (a *analysis) finalUser() *item {
	var u *item
	for _, it := range a.items {
		if it.role == roleUser {
			u = it
		}
	}
	if u == nil {
		return nil
	}
	v := strings.ToLower(strings.TrimSpace(u.inst.ArgsText))
	name, _, _ := strings.Cut(v, ":")
	if name == "root" || name == "0" || name == "" {
		return nil
	}
	return u
}

// user inserts the USER (and what creates it) after the last step that
// changes the file system, and after the environment that follows it.
func (s *stageText) user(text string) {
	at := s.lastFS
	for at < len(s.lines) && strings.ToUpper(firstWord(lastLine(s.lines[at]))) == "ENV" {
		at++
	}
	s.insertAt(at, text)
}

var fetchTools = regexp.MustCompile(`\b(curl|wget|git|ssh|bash)\b`)

// runtimeNeedsFullImage reports whether what the runner keeps calls tools
// a -slim image lacks (a HEALTHCHECK with curl, say).
func (a *analysis) runtimeNeedsFullImage() bool {
	for _, it := range a.items {
		if it.role == roleRuntime && fetchTools.MatchString(it.text) {
			return true
		}
	}
	return false
}
