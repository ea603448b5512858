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
// without a literal stage is never unknown.
func Unknown(t Target, dfPath string, stages []string) (string, bool) {
	if t.Stage == "" {
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
