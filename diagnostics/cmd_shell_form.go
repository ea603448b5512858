package diagnostics

import (
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// CmdShellFormRule is hadolint's DL3025 where BuildKit's JSONArgsRecommended
// (which carries the same alias) is silent: BuildKit does not recommend the
// JSON form once a SHELL instruction is in effect, taking the SHELL as a
// sign that the shell form is meant; hadolint still does, as the shell can
// stay PID 1 either way. The two together report each shell-form CMD and
// ENTRYPOINT once.
var CmdShellFormRule = register(&Rule{
	Code:     "CmdShellForm",
	Severity: SeverityWarning,
	Summary:  "CMD or ENTRYPOINT in shell form after a SHELL instruction (the shell, not the program, gets the stop signal)",
	Aliases:  []string{"DL3025"},
	Check:    checkCmdShellForm,
})

func checkCmdShellForm(f *dockerfile.File) []Finding {
	var out []Finding
	// the SHELL in effect at each stage's end (nil: none)
	shells := make([]*dockerfile.Instruction, len(f.Stages))
	for i, st := range f.Stages {
		var shell *dockerfile.Instruction
		if st.Parent >= 0 && st.Parent < i {
			shell = shells[st.Parent]
		}
		for _, in := range st.Instructions {
			switch {
			case in.Sub != nil:
			case in.Keyword == "SHELL" && in.JSON && len(in.Args) > 0:
				shell = in
			// pwsh and cmd run cmdlets and built-ins that have no JSON form
			case shell != nil && ecosystem.IsShell(shell.Args[0].Value) && !in.JSON && (in.Keyword == "CMD" || in.Keyword == "ENTRYPOINT") && in.ArgsSpan.Len() > 0:
				out = append(out, Finding{
					Message: in.Keyword + " in shell form runs through the SHELL, which can stay PID 1 and take the stop signal your program should get: use the JSON form (" + in.Keyword + ` ["program", "arg"])`,
					Span:    firstLine(f, in),
				})
			}
		}
		shells[i] = shell
	}
	return out
}
