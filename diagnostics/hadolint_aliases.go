package diagnostics

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/linter"
)

// parseErrorAliases names the hadolint rule a parse error stands for, where
// BuildKit's parser already refuses what hadolint reports as a rule: a file
// that does not start with FROM or ARG (DL3061) and ONBUILD wrapping
// ONBUILD, FROM or MAINTAINER (DL3043). msls reports these once, as the
// parse error, with the hadolint id beside it.
func parseErrorAliases(msg string) []string {
	switch {
	case strings.Contains(msg, "must come after a FROM"):
		return []string{"DL3061"}
	case strings.Contains(msg, "ONBUILD ONBUILD"), strings.Contains(msg, "isn't allowed as an ONBUILD trigger"):
		return []string{"DL3043"}
	}
	return nil
}

// buildkitFindingAliases narrows the hadolint ids of a BuildKit finding to
// the one that applies (and drops DL3000 where hadolint would not report
// WorkdirRelativePath's finding): MultipleInstructionsDisallowed stands for DL4003
// (CMD), DL4004 (ENTRYPOINT) and DL3012 (HEALTHCHECK), each finding for one
// of them. Nil keeps the rule's aliases.
func buildkitFindingAliases(fd Finding) []string {
	if a := workdirRelativePathAliases(fd); a != nil {
		return a
	}
	if fd.Code != linter.RuleMultipleInstructionsDisallowed.Name {
		return fd.Aliases
	}
	switch {
	case strings.Contains(fd.Message, "Multiple CMD "):
		return []string{"DL4003"}
	case strings.Contains(fd.Message, "Multiple ENTRYPOINT "):
		return []string{"DL4004"}
	case strings.Contains(fd.Message, "Multiple HEALTHCHECK "):
		return []string{"DL3012"}
	}
	return []string{}
}
