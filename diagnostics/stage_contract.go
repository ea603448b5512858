package diagnostics

import (
	"sync"

	"github.com/msls-dev/msls/contract"
	"github.com/msls-dev/msls/dockerfile"
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

// lastContract memoises contract.Check for the last file, so the four rules
// share one pass (Check runs the rules one after another on the same File).
var lastContract struct {
	sync.Mutex
	f  *dockerfile.File
	ps []contract.Problem
}

func contractProblems(f *dockerfile.File) []contract.Problem {
	lastContract.Lock()
	defer lastContract.Unlock()
	if lastContract.f != f {
		lastContract.f, lastContract.ps = f, contract.Check(f, nil)
	}
	return lastContract.ps
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
