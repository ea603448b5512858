package diagnostics

import (
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/contract"
)

// The stage contract rules (package contract): what a multi-stage build
// copies between stages, and what its final stage runs, must exist. They
// see the Dockerfile only; the split refactor runs the same checks with the
// build context too (package.json scripts, tsconfig outDir).

// CopyFromNotProducedRule flags a COPY --from source that no step of the
// source stage produces.
var CopyFromNotProducedRule = register(&Rule{
	Code:     contract.CopyFromNotProduced,
	Severity: SeverityWarning,
	Summary:  "COPY --from copies a path the source stage never creates",
	Check:    contractRule(contract.CopyFromNotProduced),
})

// MkdirExistingDirRule flags `mkdir` (without -p) of a directory an earlier
// step created.
var MkdirExistingDirRule = register(&Rule{
	Code:     contract.MkdirExistingDir,
	Severity: SeverityError,
	Summary:  "RUN mkdir (without -p) of a directory an earlier WORKDIR, COPY or mkdir created: the build fails",
	Check:    contractRule(contract.MkdirExistingDir),
})

// StartProgramMissingRule flags a start command whose program the final
// stage does not have.
var StartProgramMissingRule = register(&Rule{
	Code:     contract.StartProgramMissing,
	Severity: SeverityWarning,
	Summary:  "The final CMD/ENTRYPOINT runs a program its base image does not ship and no step installs or copies",
	Check:    contractRule(contract.StartProgramMissing),
})

// NonRootWriteRootDirRule flags a dependency install run as a non-root user
// in a directory root created.
var NonRootWriteRootDirRule = register(&Rule{
	Code:     contract.NonRootWriteRootDir,
	Severity: SeverityWarning,
	Summary:  "A dependency install runs as a non-root USER in a directory root created: it cannot write there",
	Check:    contractRule(contract.NonRootWriteRootDir),
})

// contractKey keys the stage contract in the File's memo, so the four rules
// share one pass over each version.
type contractKey struct{}

func contractProblems(f *dockerfile.File) []contract.Problem {
	return f.Derived(contractKey{}, func() any { return contract.Check(f, nil) }).([]contract.Problem)
}

func contractRule(kind string) func(*dockerfile.File) []Finding {
	return func(f *dockerfile.File) []Finding {
		if len(f.Stages) == 0 {
			return nil
		}
		var out []Finding
		for _, p := range contractProblems(f) {
			if p.Kind == kind {
				out = append(out, Finding{Message: p.Message, Span: p.Span})
			}
		}
		return out
	}
}
