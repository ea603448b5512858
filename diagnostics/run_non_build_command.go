package diagnostics

import (
	"fmt"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// RunNonBuildCommandRule flags commands that are meaningless in a build:
// interactive tools, process and service control, network setup.
var RunNonBuildCommandRule = registerRun(&Rule{
	Code:     "RunNonBuildCommand",
	Severity: SeverityInformation,
	Summary:  "RUN calls a command that makes no sense in an image build (ssh, vim, service, shutdown, ...)",
	Aliases:  []string{"DL3001"},
}, eachCommand(checkRunNonBuildCommand), nil)

var nonBuildCommands = map[string]string{
	"ssh": "a remote shell", "vim": "an editor", "nano": "an editor", "shutdown": "a shutdown", "service": "a service manager",
	"ps": "a process listing", "free": "a memory report", "top": "a process monitor", "kill": "a signal to a process",
	"mount": "a mount", "ifconfig": "network setup",
}

func checkRunNonBuildCommand(f *dockerfile.File, in *dockerfile.Instruction, c ecosystem.Command, out []Finding) []Finding {
	what, ok := nonBuildCommands[c.Name()]
	if !ok {
		return out
	}
	out = append(out, Finding{
		Message: fmt.Sprintf("`%s` runs %s during the build, where nothing stays running and no one interacts: move it to the container's start-up, or drop it", c.Name(), what),
		Span:    dlWordSpan(c.Words[0]),
	})
	return out
}
