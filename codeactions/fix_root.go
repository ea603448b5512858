package codeactions

import (
	"strings"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
)

func init() { RegisterFixer(diagnostics.RootFinalStageRule, fixRootFinalStage) }

// debianImages are official images built on Debian or Ubuntu (their
// non-alpine tags), where useradd/groupadd exist.
var debianImages = []string{"debian", "ubuntu", "python", "node", "golang", "ruby", "php", "openjdk", "eclipse-temurin",
	"amazoncorretto", "maven", "gradle", "rust", "nginx", "httpd", "perl", "buildpack-deps", "elixir", "erlang", "haskell",
	"julia", "r-base", "swift", "gcc", "mcr.microsoft.com/dotnet/aspnet", "mcr.microsoft.com/dotnet/runtime",
	"mcr.microsoft.com/dotnet/sdk"}

// fixRootFinalStage adds a non-root USER where the runtime starts (before
// the first CMD/ENTRYPOINT after the stage's last file-system step), choosing
// how by the base image.
func fixRootFinalStage(f *dockerfile.File, fd diagnostics.Finding, _ Context) []Action {
	st := f.FinalStage()
	if st == nil {
		return nil
	}
	// Follow FROM <stage> to the image the stage is built on.
	base := st
	for base.Parent >= 0 {
		base = f.Stages[base.Parent]
	}
	img := parseImage(base.BaseImage)
	repo := strings.ToLower(img.Repo)
	tag := strings.ToLower(img.Tag)
	var lines []string
	var edits []dockerfile.Edit
	title := "Run as a non-root user"
	switch {
	case strings.Contains(repo, "distroless"):
		if base != st || img.Digest != "" || strings.Contains(base.BaseImage, "$") {
			lines = []string{"USER 65532:65532"}
			break
		}
		// The :nonroot variants run as uid 65532 out of the box.
		nt := "nonroot"
		if tag != "" && tag != "latest" {
			nt = tag + "-nonroot"
		}
		img.Tag = nt
		edits = append(edits, dockerfile.Edit{Span: base.BaseSpan, NewText: img.String()})
		title = "Use the :" + nt + " image"
	case repo == "scratch":
		lines = []string{"USER 65532:65532"}
	case img.official("node"):
		lines = []string{"USER node"}
	case strings.Contains(tag, "alpine") || img.official("alpine") || img.official("busybox"):
		lines = []string{"RUN addgroup -S app && adduser -S -G app app", "USER app"}
	default:
		deb := false
		for _, d := range debianImages {
			if img.official(d) || repo == d {
				deb = true
			}
		}
		if !deb || img.official("nginx") || img.official("httpd") {
			return nil // unknown distribution, or a server that binds low ports as root then drops
		}
		lines = []string{"RUN groupadd --system app && useradd --system --gid app --no-create-home app", "USER app"}
	}
	if len(lines) > 0 {
		at := runtimeStart(st)
		if at == nil {
			last := st.Instructions[len(st.Instructions)-1]
			edits = append(edits, insertAfter(f, last, lines...))
		} else {
			edits = append(edits, insertBefore(f, at, lines...))
		}
	}
	return []Action{{Title: title, Edits: edits, Preferred: true}}
}

// runtimeStart is the first instruction after the stage's last RUN, COPY,
// ADD or USER: where the image's runtime configuration begins. nil when
// the stage ends with such a step.
func runtimeStart(st *dockerfile.Stage) *dockerfile.Instruction {
	last := 0
	for i, in := range st.Instructions {
		switch in.Keyword {
		case "RUN", "COPY", "ADD", "USER", "FROM", "WORKDIR":
			last = i
		}
	}
	if last+1 < len(st.Instructions) {
		return st.Instructions[last+1]
	}
	return nil
}
