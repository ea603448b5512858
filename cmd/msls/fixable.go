package main

import (
	"path/filepath"

	"github.com/msls-dev/msls/codeactions"
	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
)

// needsFixable lists the `msls check` formats that report whether each
// finding is fixable (the others skip the work).
var needsFixable = map[string]bool{"json": true, "sarif": true}

// fixContext is the build context `msls fix` gives the fixers of a file:
// the Dockerfile's directory; none for standard input.
func fixContext(path string) codeactions.Context {
	if path == "-" {
		return nil
	}
	return codeactions.NewDirContext(filepath.Dir(path))
}

// fixable says, per finding, whether `msls fix` fixes it: whether the
// finding has the safe fix msls fix applies (codeactions.SafeFix, with the
// same build context).
func fixable(path string, f *dockerfile.File, findings []diagnostics.Finding) []bool {
	ctx := fixContext(path)
	defer codeactions.CloseContext(ctx) // it holds the directory open
	out := make([]bool, len(findings))
	for i, fd := range findings {
		_, out[i] = codeactions.SafeFix(f, fd, ctx)
	}
	return out
}
