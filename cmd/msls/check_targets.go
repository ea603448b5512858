package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/safefs"
	"github.com/msls-dev/msls/internal/targets"
)

// `msls check` on compose and bake files (issue 20): a compose or bake file
// given as a path, or found below a directory, is checked for targets that
// name no stage of the Dockerfile they build (UnknownBuildTarget). It is
// never linted as a Dockerfile.

// isTargetFile: compose and bake files, by name.
func isTargetFile(name string) bool {
	base := filepath.Base(name)
	return targets.IsComposeName(base) || targets.IsBakeName(base)
}

// splitTargetPaths takes the compose and bake files given by name out of
// paths; directories stay (they hold both kinds).
func splitTargetPaths(paths []string) (rest, files []string) {
	for _, p := range paths {
		if p != "-" && isTargetFile(p) {
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				files = append(files, p)
				continue
			}
		}
		rest = append(rest, p)
	}
	return rest, files
}

// collectTargetFiles finds the compose and bake files below the directories
// among paths (not below .git or node_modules).
func collectTargetFiles(paths []string) []string {
	var out []string
	for _, p := range paths {
		if st, err := os.Stat(p); err != nil || !st.IsDir() {
			continue
		}
		var found []string
		_ = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() {
				if path != p && (d.Name() == ".git" || d.Name() == "node_modules" || d.Name() == "vendor") {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && isTargetFile(d.Name()) {
				found = append(found, path)
			}
			return nil
		})
		sort.Strings(found)
		out = append(out, found...)
	}
	return out
}

// checkTargetFile reports the unknown targets of one compose or bake file.
// Its Dockerfiles are read below the current directory when the file is in
// it, else below the file's own directory (a context leaving that folder is
// not followed), through safefs.
func checkTargetFile(name string) (fileReport, error) {
	text, err := safefs.ReadFile(name, safefs.MaxConfig)
	if err != nil {
		return fileReport{}, err
	}
	abs, err := filepath.Abs(name)
	if err != nil {
		return fileReport{}, err
	}
	rootDir := filepath.Dir(abs)
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, abs); err == nil && !strings.HasPrefix(rel, "..") {
			rootDir = wd
		}
	}
	root, err := safefs.OpenRoot(rootDir)
	if err != nil {
		return fileReport{}, err
	}
	defer root.Close()
	rel, err := filepath.Rel(root.Dir(), abs)
	if err != nil {
		return fileReport{}, err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		if r, err := filepath.Rel(root.Dir(), real); err == nil {
			rel = r
		}
	}
	rep := fileReport{Path: name, Lines: dockerfile.NewLineIndex(text)}
	type dfStages struct {
		names []string
		ok    bool // read and parsed; a missing Dockerfile is not judged
	}
	parsed := map[string]dfStages{}
	for _, t := range targets.Parse(filepath.ToSlash(rel), "", text) {
		if t.Stage == "" || len(t.Dockerfiles) == 0 || targets.Suppressed(text, t.KeyLine) {
			continue
		}
		df := t.Dockerfiles[0]
		st, seen := parsed[df]
		if !seen {
			if b, err := root.ReadFile(df, safefs.MaxDockerfile); err == nil {
				st = dfStages{names: stageNames(dockerfile.Parse(b)), ok: true}
			}
			parsed[df] = st
		}
		if !st.ok {
			continue
		}
		stages := st.names
		msg, bad := targets.Unknown(t, df, stages)
		if !bad {
			continue
		}
		start, end := t.Span.Start, t.Span.End
		if !t.Exact {
			start = rep.Lines.LineStart(t.KeyLine)
			end = rep.Lines.LineEnd(t.KeyLine)
		}
		rep.Findings = append(rep.Findings, diagnostics.Finding{
			Code: targets.RuleCode, Severity: diagnostics.SeverityError, Message: msg, URL: targets.RuleURL,
			Span: dockerfile.Span{Start: start, End: end},
		})
	}
	return rep, nil
}

func stageNames(f *dockerfile.File) []string {
	var names []string
	for _, st := range f.Stages {
		if st.Name != "" {
			names = append(names, st.Name)
		}
	}
	return names
}
