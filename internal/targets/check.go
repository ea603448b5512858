package targets

import (
	"fmt"
	"strings"

	"github.com/moby/buildkit/util/suggest"
)

// RuleCode is the code of the finding for a target that names no stage.
const RuleCode = "UnknownBuildTarget"

// RuleURL documents the rule.
const RuleURL = "https://github.com/msls-dev/msls/blob/main/docs/rules/UnknownBuildTarget.md"

// Unknown says whether t names none of stages (the `AS` names of the
// Dockerfile at dfPath, in order), with the message to show. BuildKit
// matches --target against stage names case-insensitively; an entry
// without a literal stage is never unknown, nor a Shared one (it is judged
// once, at the entry that writes it).
func Unknown(t Target, dfPath string, stages []string) (string, bool) {
	if t.Stage == "" || t.Shared {
		return "", false
	}
	for _, s := range stages {
		if strings.EqualFold(s, t.Stage) {
			return "", false
		}
	}
	msg := fmt.Sprintf("target %q names no stage of %s", t.Stage, dfPath)
	if len(stages) == 0 {
		return msg + " (it has no named stages)", true
	}
	if m, ok := suggest.Search(t.Stage, stages, false); ok {
		return msg + fmt.Sprintf(" (did you mean %q?)", m), true
	}
	return msg + " (stages: " + strings.Join(stages, ", ") + ")", true
}

// Suppressed reports whether the rule is silenced for a target on line
// (0-based) of content: `msls ignore=UnknownBuildTarget` (or `=all`) in a
// comment on that line or the one above.
func Suppressed(content []byte, line int) bool {
	x := newLineIndex(content)
	for _, l := range []int{line, line - 1} {
		if l < 0 || l >= len(x.starts) {
			continue
		}
		end := len(content)
		if l+1 < len(x.starts) {
			end = x.starts[l+1]
		}
		text := string(content[x.starts[l]:end])
		for _, mark := range []string{"#", "//"} {
			if i := strings.Index(text, mark); i >= 0 {
				c := text[i:]
				if strings.Contains(c, "msls ignore="+RuleCode) || strings.Contains(c, "msls ignore=all") {
					return true
				}
			}
		}
	}
	return false
}
