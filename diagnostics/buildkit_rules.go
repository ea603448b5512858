package diagnostics

import "github.com/moby/buildkit/frontend/dockerfile/linter"

// bkRule is one of BuildKit's build checks as the registry knows it: its
// name, description and URL come from the linter package's rule value, so
// they follow the BuildKit version msls builds on.
type bkRule struct {
	name, desc, url string
	experimental    bool
	aliases         []string
	fix             FixKind
}

// fromLinter reads a linter rule (each has its own Format signature, so
// the rules share no interface that exposes these fields).
func fromLinter[F any](r linter.LinterRule[F], fix FixKind, aliases ...string) bkRule {
	return bkRule{name: r.Name, desc: r.Description, url: r.URL, experimental: r.Experimental, aliases: aliases, fix: fix}
}

// buildkitRules are BuildKit's build checks: every Rule* variable of
// BuildKit's linter package, in its order (TestBuildKitRulesMatchLinter
// reads the package's source and fails when one is missing). Registering
// them lets configuration, suppression, completion, hover, `msls rules` and
// SARIF know them. The aliases are hadolint's ids for the same check; the
// fixers are in codeactions/fix_buildkit.go.
var buildkitRules = []bkRule{
	fromLinter(linter.RuleStageNameCasing, FixOnRequest),
	fromLinter(linter.RuleFromAsCasing, FixOnRequest),
	fromLinter(linter.RuleNoEmptyContinuation, 0),
	fromLinter(linter.RuleConsistentInstructionCasing, FixOnRequest),
	fromLinter(linter.RuleDuplicateStageName, 0, "DL3024"),
	fromLinter(linter.RuleReservedStageName, 0, "DL3063"),
	fromLinter(linter.RuleJSONArgsRecommended, FixOnRequest, "DL3025"),
	fromLinter(linter.RuleMaintainerDeprecated, FixOnRequest, "DL4000"),
	fromLinter(linter.RuleUndefinedArgInFrom, 0),
	fromLinter(linter.RuleWorkdirRelativePath, 0, "DL3000"),
	fromLinter(linter.RuleUndefinedVar, 0),
	fromLinter(linter.RuleMultipleInstructionsDisallowed, 0, "DL4003", "DL4004", "DL3012"),
	fromLinter(linter.RuleLegacyKeyValueFormat, FixOnRequest),
	// Reported only when BuildKit pulls the base image, which msls never
	// does; registered so that configuration and `# check=skip=` accept it.
	fromLinter(linter.RuleInvalidBaseImagePlatform, 0),
	fromLinter(linter.RuleRedundantTargetPlatform, 0, "DL3065"),
	fromLinter(linter.RuleSecretsUsedInArgOrEnv, 0, "DL3064"),
	fromLinter(linter.RuleInvalidDefaultArgInFrom, 0),
	fromLinter(linter.RuleFromPlatformFlagConstDisallowed, 0, "DL3029"),
	fromLinter(linter.RuleCopyIgnoredFile, 0),
	fromLinter(linter.RuleInvalidDefinitionDescription, 0),
	fromLinter(linter.RuleExposeProtoCasing, 0),
	fromLinter(linter.RuleExposeInvalidFormat, 0),
}

// buildkitRulesIndex is Docker's index of the build checks, the page of
// those that have none of their own.
const buildkitRulesIndex = "https://docs.docker.com/reference/build-checks/"

func init() {
	for _, b := range buildkitRules {
		url := b.url
		if url == "" {
			url = buildkitRulesIndex
		}
		register(&Rule{Code: b.name, Severity: SeverityWarning, Summary: b.desc, URL: url, Source: SourceBuildKit,
			Aliases: b.aliases, Fix: b.fix, Experimental: b.experimental})
	}
}
