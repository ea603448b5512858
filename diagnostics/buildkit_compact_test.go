package diagnostics

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/subrequests/lint"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/bklint"
	"github.com/msls-dev/msls/internal/corpustest"
)

// TestCompactLintMatchesFullText: BuildKit's build checks must report exactly
// the same warnings (rule, line, message) on the compact text msls lints
// (lintText, with only the image variables it mentions)
// as on the file itself with the whole stand-in image environment, over every corpus
// file BuildKit lints without a parse error.
func TestCompactLintMatchesFullText(t *testing.T) {
	srcs := map[string][]byte{
		"mounts":         []byte("FROM alpine AS a\nRUN --mount=type=cache,target=/root/.npm,id=$X npm ci \\\n\n  && echo $UNDEFINED\nFROM a\nRUN --mount=from=a,target=/a cp /a/x /y\ncmd echo hi\n"),
		"secrets":        []byte("FROM alpine\nARG PASSWORD\nRUN echo $PASSWORD \\\n # c\n && true\nENV key value\n"),
		"check-comments": []byte("FROM alpine\n# a comment\n# check=skip=JSONArgsRecommended\nCMD echo hi\n#\n# more\nENTRYPOINT echo x\n"),
		"experimental":   []byte("# check=experimental=InvalidDefinitionDescription\n# foo is the thing\nARG foo=1\n# base is the base stage\nFROM alpine AS base\nCMD [\"x\"]\n"),
		"backtick":       []byte("# escape=`\nFROM mcr.microsoft.com/windows/nanoserver\nRUN echo a `\n  b\nWORKDIR rel\n"),
	}
	corpustest.AddAll(t, srcs)
	compared, warnings := 0, 0
	for name, src := range srcs {
		f := dockerfile.Parse(src)
		if len(f.Errors) > 0 {
			continue // those lint a text with the bad lines dropped: not comparable
		}
		// the file as written, with every imageEnv variable, against what
		// msls lints: the compact text with the variables it mentions
		full, compact := lintWithEnv(src, bklint.ImageEnv), lintTextAlone(lintText(f, nil, nil))
		if full == nil || compact == nil {
			if (full == nil) != (compact == nil) {
				t.Errorf("%s: lint result presence differs", name)
			}
			continue
		}
		a, b := warningKeys(full), warningKeys(compact)
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Errorf("%s: warnings differ\nfull:    %v\ncompact: %v", name, a, b)
		}
		if (full.Error == nil) != (compact.Error == nil) {
			t.Errorf("%s: error differs: %v vs %v", name, full.Error, compact.Error)
		}
		compared++
		warnings += len(a)
	}
	t.Logf("compared BuildKit checks on %d files (%d warnings)", compared, warnings)
}

func warningKeys(r *lint.LintResults) []string {
	var out []string
	for _, w := range r.Warnings {
		line := int32(-1)
		if w.Location != nil && len(w.Location.Ranges) > 0 && w.Location.Ranges[0].Start != nil {
			line = w.Location.Ranges[0].Start.Line
		}
		// UndefinedVar's "(did you mean $X?)" is drawn from every variable in
		// scope, the stand-in image's too: with only the mentioned image
		// variables msls no longer suggests ones the real image may lack
		// (`$UID` -> "did you mean $PWD?"), a deliberate difference.
		detail, _, _ := strings.Cut(w.Detail, " (did you mean")
		out = append(out, fmt.Sprintf("%s@%d:%s", w.RuleName, line, detail))
	}
	sort.Strings(out)
	return out
}
