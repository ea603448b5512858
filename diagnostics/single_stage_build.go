package diagnostics

import (
	"fmt"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// SingleStageBuildRule points out a one-stage Dockerfile that both builds
// and runs the application.
var SingleStageBuildRule = register(&Rule{
	Code:     "SingleStageBuild",
	Severity: SeverityInformation,
	Summary:  "One stage both builds and runs: the toolchain, sources and build caches ship in the image",
	Check:    checkSingleStage,
})

// buildScripts are package.json script names that compile an application.
var buildScripts = map[string]bool{"build": true, "build:prod": true, "build:production": true, "compile": true, "dist": true}

// BuildStep finds the first command of the instruction that compiles the
// application (`npm run build`, `go build`, `cargo build`, `mvn package`,
// `dotnet publish`, ...). ok is false when there is none.
func BuildStep(in *dockerfile.Instruction) (cmd ecosystem.Command, ok bool) {
	for _, c := range ecosystem.RunCommands(in) {
		if ins, ok := ecosystem.Classify(c); ok && ins.Kind == ecosystem.Build && ins.Eco.Name != "go" || ok && ins.Eco.Name == "go" && len(c.Words) > 1 && c.Words[1].Text == "build" {
			return c, true
		}
		args := c.Args()
		switch c.Name() {
		case "npm", "pnpm", "bun":
			if len(args) >= 2 && args[0] == "run" && buildScripts[args[1]] || len(args) >= 1 && c.Name() != "npm" && buildScripts[args[0]] {
				return c, true
			}
		case "yarn":
			if len(args) >= 1 && (buildScripts[args[0]] || args[0] == "run" && len(args) >= 2 && buildScripts[args[1]]) {
				return c, true
			}
		case "tsc", "next", "vite", "webpack", "ng", "nest":
			if c.Name() == "tsc" || len(args) >= 1 && args[0] == "build" {
				return c, true
			}
		}
	}
	return ecosystem.Command{}, false
}

func checkSingleStage(f *dockerfile.File) []Finding {
	if len(f.Stages) != 1 {
		return nil
	}
	st := f.Stages[0]
	for _, in := range st.Instructions {
		if in.Sub != nil || !in.Is("RUN") {
			continue
		}
		if c, ok := BuildStep(in); ok {
			// "and also runs it" only when the file says what runs: the
			// base image's own CMD is unknown here.
			runs := ""
			for _, x := range st.Instructions {
				if x.Sub == nil && (x.Is("CMD") || x.Is("ENTRYPOINT")) {
					runs = " and also runs it"
				}
			}
			return []Finding{{
				Message: fmt.Sprintf("This single stage builds the application (`%s`, line %d)%s, so the build toolchain, sources and caches ship in the image. Split it into deps → builder → runner stages and copy only the build output into a slim runtime image", c.String(), lineOf(f, c.Start), runs),
				Span:    firstLine(f, st.From),
				Related: []Related{{Span: dockerfile.Span{Start: c.Start, End: c.End}, Message: "the build step"}},
			}}
		}
	}
	return nil
}
