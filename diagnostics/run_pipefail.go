package diagnostics

import (
	"fmt"
	"strings"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// RunPipefailRule flags a RUN with a pipeline when the shell does not run
// with `-o pipefail`: the pipeline's status is its last command's, so
// `curl ... | tar x` succeeds when the download fails.
var RunPipefailRule = register(&Rule{
	Code:     "RunPipefail",
	Severity: SeverityWarning,
	Summary:  "RUN with a pipe but no pipefail: a failing command before the last pipe does not fail the build",
	Aliases:  []string{"DL4006"},
	Fix:      FixAttached,
	Check:    checkRunPipefail,
})

// dlShells returns, for each RUN, the SHELL instruction in effect (nil: the
// default /bin/sh -c), following the stage's FROM chain. An ONBUILD RUN runs
// first thing in the image built FROM this one, under the SHELL that image
// inherits: the stage's last.
func dlShells(f *dockerfile.File) map[*dockerfile.Instruction]*dockerfile.Instruction {
	out := map[*dockerfile.Instruction]*dockerfile.Instruction{}
	end := make([]*dockerfile.Instruction, len(f.Stages))
	for i, st := range f.Stages {
		var sh *dockerfile.Instruction
		if st.Parent >= 0 && st.Parent < i {
			sh = end[st.Parent]
		}
		var onbuild []*dockerfile.Instruction
		for _, in := range st.Instructions {
			switch {
			case in.Sub != nil:
				if in.Sub.Keyword == "RUN" {
					onbuild = append(onbuild, in)
				}
			case in.Is("SHELL") && in.JSON:
				sh = in
			case in.Is("RUN"):
				out[in] = sh
			}
		}
		for _, in := range onbuild {
			out[in] = sh
		}
		end[i] = sh
	}
	return out
}

func checkRunPipefail(f *dockerfile.File) []Finding {
	var shells map[*dockerfile.Instruction]*dockerfile.Instruction
	var out []Finding
	dlRun(f, func(in *dockerfile.Instruction, s *ecosystem.Script) {
		// The exec form runs no SHELL.
		if target(in).JSON {
			return
		}
		var pipe *ecosystem.Command
		for i, c := range s.Commands {
			if c.Name() == "set" {
				for _, a := range c.Args() {
					if a == "pipefail" {
						return // set -o pipefail inside the script
					}
				}
			}
			if c.Piped && pipe == nil && c.Nested == 0 && !insidePiped(s.Commands, i) {
				pipe = &s.Commands[i]
			}
		}
		if pipe == nil {
			return
		}
		if shells == nil {
			shells = dlShells(f)
		}
		sh := shells[in]
		var fixes []Fix
		if sh != nil {
			if len(sh.Args) == 0 || !ecosystem.IsShell(sh.Args[0].Value) {
				return // pwsh, cmd: not a POSIX shell
			}
			for _, a := range sh.Args {
				if a.Value == "pipefail" { // ["/bin/bash", "-eo", "pipefail", "-c"]
					return
				}
			}
			if base := sh.Args[0].Value; strings.HasSuffix(base, "bash") || strings.HasSuffix(base, "zsh") || strings.HasSuffix(base, "ksh") {
				at := sh.Args[0].Span.End
				fixes = []Fix{{Title: "Add -o pipefail to SHELL", Edits: []dockerfile.Edit{{Span: dockerfile.Span{Start: at, End: at}, NewText: `, "-o", "pipefail"`}}, Preferred: true}}
			}
		} else if !dlAlpineLike(f, in) {
			// A new SHELL line before this RUN. Not safe: every later RUN of the
			// stage then runs in bash, and fails where a pipe's first command
			// fails.
			line := f.Lines.LineStart(in.StartLine)
			if len(in.Comments) > 0 { // above the RUN's comments, which may be its suppressions
				line = f.Lines.LineStart(f.Lines.Line(in.Comments[0].Span.Start))
			}
			fixes = []Fix{{Title: `Add SHELL ["/bin/bash", "-o", "pipefail", "-c"]`, Edits: []dockerfile.Edit{{Span: dockerfile.Span{Start: line, End: line}, NewText: "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n"}}, Preferred: true}}
		}
		out = append(out, Finding{
			Message: fmt.Sprintf("`%s` is piped but the shell has no pipefail: if it fails the RUN still succeeds; set SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"] before this RUN", shorten(pipe.String())),
			Span:    dlCmdSpan(*pipe),
			Fixes:   fixes,
		})
	})
	return out
}

// insidePiped reports whether command i sits inside another piped command
// of the same script: a `$(…)` in an argument of a pipeline element
// (`echo $(cat f) | grep x`) is marked piped too, but the element whose
// status the pipe loses is the enclosing `echo $(cat f)`, so the message
// names that one. A pipe inside the substitution (`v=$(curl … | jq …)`)
// has no piped command around it and is named as it is.
func insidePiped(cmds []ecosystem.Command, i int) bool {
	c := cmds[i]
	for j, d := range cmds {
		if j != i && d.Piped && d.Nested == 0 && d.Start <= c.Start && c.End <= d.End && (d.Start != c.Start || d.End != c.End) {
			return true
		}
	}
	return false
}

// dlAlpineLike reports whether the stage's chain starts from an image that
// likely has no bash (alpine, busybox, distroless, scratch).
func dlAlpineLike(f *dockerfile.File, in *dockerfile.Instruction) bool {
	if in.Stage < 0 || in.Stage >= len(f.Stages) {
		return true
	}
	cs := chain(f, f.Stages[in.Stage])
	root := cs[len(cs)-1]
	img := strings.ToLower(root.BaseImage)
	return img == "" || hasVar(img) || strings.Contains(img, "alpine") || strings.Contains(img, "busybox") || strings.Contains(img, "distroless") || img == "scratch"
}
