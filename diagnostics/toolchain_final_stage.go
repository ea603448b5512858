package diagnostics

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// ToolchainInFinalStageRule flags a final stage based on a full toolchain or
// SDK image. The image shipped is the final stage: compilers, package
// managers and headers in it are size and attack surface the application
// does not use at run time.
var ToolchainInFinalStageRule = register(&Rule{
	Code:     toolchainInFinalStageCode,
	Severity: SeverityInformation,
	Summary:  "The final stage is based on a full toolchain/SDK image; build in an earlier stage and ship a runtime image",
	Check:    checkToolchainInFinalStage,
	Fix:      FixAttached,
})

const toolchainInFinalStageCode = "ToolchainInFinalStage"

// toolchainImage is one row of the toolchain table (docs/rules/ToolchainInFinalStage.md
// lists the same rows). Matching is by name only: msls never pulls images.
type toolchainImage struct {
	// Repos are repository names, Docker Hub official images without
	// "docker.io/library/".
	Repos []string
	// What the image is, for messages.
	What string
	// Full reports whether a tag of the image is the full toolchain (e.g.
	// node:20 is, node:20-slim is not).
	Full func(tag string) bool
	// Runtime gives the runtime images of the same libc for a tag, best
	// first; none when there is no safe name-based replacement.
	Runtime func(tag string) []string
	// Hint names the runtime when Runtime has no exact answer.
	Hint string
}

var (
	debianCodenames = map[string]bool{"trixie": true, "bookworm": true, "bullseye": true, "buster": true, "stretch": true}
	ubuntuCodenames = map[string]bool{"noble": true, "jammy": true, "focal": true, "bionic": true}
	windowsTag      = regexp.MustCompile(`(?i)windowsservercore|nanoserver|ltsc|windows`)
	firstNumber     = regexp.MustCompile(`^\d+`)
	temurinInTag    = regexp.MustCompile(`(?:temurin|openjdk|jdk)-?(\d+)`)
)

func tagHas(tag string, words ...string) bool {
	for _, part := range strings.FieldsFunc(strings.ToLower(tag), func(r rune) bool { return r == '-' || r == '.' || r == '_' }) {
		for _, w := range words {
			if part == w {
				return true
			}
		}
	}
	return false
}

func isAlpine(tag string) bool { return strings.Contains(strings.ToLower(tag), "alpine") }

// notSlim is the Full test of images whose runtime variant is a -slim or
// -alpine tag of the same image.
func notSlim(tag string) bool {
	return !tagHas(tag, "slim") && !isAlpine(tag) && !windowsTag.MatchString(tag)
}

// codename returns a Debian/Ubuntu codename the tag names, if any.
func codename(tag string) string {
	for _, part := range strings.Split(strings.ToLower(tag), "-") {
		if debianCodenames[part] || ubuntuCodenames[part] {
			return part
		}
	}
	return ""
}

// slimDebian is the plain Debian (or Ubuntu) image matching a toolchain tag's
// distribution: same libc, no compilers.
func slimDebian(tag string) []string {
	if isAlpine(tag) {
		return []string{"alpine:3.20"}
	}
	switch c := codename(tag); {
	case ubuntuCodenames[c]:
		return []string{"ubuntu:" + c}
	case c != "":
		return []string{"debian:" + c + "-slim"}
	}
	return []string{"debian:bookworm-slim"}
}

// slimSuffix: node's slim tags append -slim (20-bookworm-slim).
func slimSuffix(image string) func(string) []string {
	return func(tag string) []string {
		if tag == "" || tag == "latest" {
			return []string{image + ":slim"}
		}
		return []string{image + ":" + tag + "-slim"}
	}
}

// slimInfix: python's and ruby's slim tags put slim before the codename
// (3.12-slim-bookworm).
func slimInfix(image string) func(string) []string {
	return func(tag string) []string {
		if tag == "" || tag == "latest" {
			return []string{image + ":slim"}
		}
		if c := codename(tag); c != "" && strings.HasSuffix(tag, "-"+c) {
			return []string{image + ":" + strings.TrimSuffix(tag, c) + "slim-" + c}
		}
		return []string{image + ":" + tag + "-slim"}
	}
}

// temurinJRE maps a JDK tag to the Eclipse Temurin JRE of the same Java
// version (and Alpine when the JDK was).
func temurinJRE(tag string) []string {
	m := temurinInTag.FindStringSubmatch(strings.ToLower(tag))
	if m == nil {
		return nil
	}
	jre := "eclipse-temurin:" + m[1] + "-jre"
	if isAlpine(tag) {
		jre += "-alpine"
	}
	return []string{jre}
}

var toolchainImages = []toolchainImage{
	{Repos: []string{"node"}, What: "Node.js", Full: notSlim, Runtime: slimSuffix("node")},
	{Repos: []string{"python"}, What: "Python", Full: notSlim, Runtime: slimInfix("python")},
	{Repos: []string{"ruby"}, What: "Ruby", Full: notSlim, Runtime: slimInfix("ruby")},
	{Repos: []string{"golang"}, What: "Go toolchain", Full: func(tag string) bool { return !windowsTag.MatchString(tag) },
		Runtime: func(tag string) []string {
			if isAlpine(tag) {
				return []string{"alpine:3.20"}
			}
			return []string{"gcr.io/distroless/base-debian12"}
		}},
	{Repos: []string{"rust"}, What: "Rust toolchain", Full: func(tag string) bool { return !windowsTag.MatchString(tag) }, Runtime: slimDebian},
	{Repos: []string{"gcc"}, What: "GCC", Full: func(string) bool { return true }, Runtime: slimDebian},
	// buildpack-deps' curl and scm variants carry no compilers.
	{Repos: []string{"buildpack-deps"}, What: "build-dependency", Full: func(tag string) bool { return !tagHas(tag, "curl", "scm") }, Runtime: slimDebian},
	{Repos: []string{"maven"}, What: "Maven (JDK)", Full: func(string) bool { return true }, Runtime: temurinJRE, Hint: "a JRE image such as eclipse-temurin:<java>-jre"},
	{Repos: []string{"gradle"}, What: "Gradle (JDK)", Full: func(string) bool { return true }, Runtime: temurinJRE, Hint: "a JRE image such as eclipse-temurin:<java>-jre"},
	{Repos: []string{"eclipse-temurin"}, What: "JDK", Full: func(tag string) bool { return !tagHas(tag, "jre") && !windowsTag.MatchString(tag) },
		Runtime: func(tag string) []string {
			switch {
			case tagHas(tag, "jdk"):
				return []string{"eclipse-temurin:" + strings.Replace(tag, "jdk", "jre", 1)}
			case tag == "" || tag == "latest":
				return []string{"eclipse-temurin:jre"}
			}
			ver, rest, _ := strings.Cut(tag, "-")
			if rest != "" {
				rest = "-" + rest
			}
			return []string{"eclipse-temurin:" + ver + "-jre" + rest}
		}},
	{Repos: []string{"openjdk"}, What: "JDK", Full: func(tag string) bool { return !tagHas(tag, "jre") && !windowsTag.MatchString(tag) },
		Runtime: func(tag string) []string {
			if v := firstNumber.FindString(tag); v != "" {
				if isAlpine(tag) {
					return []string{"eclipse-temurin:" + v + "-jre-alpine"}
				}
				return []string{"eclipse-temurin:" + v + "-jre"}
			}
			return nil
		}, Hint: "a JRE image such as eclipse-temurin:<java>-jre"},
	{Repos: []string{"amazoncorretto"}, What: "JDK", Full: func(tag string) bool { return !windowsTag.MatchString(tag) }, Hint: "a JRE image such as eclipse-temurin:<java>-jre or gcr.io/distroless/java<version>"},
	{Repos: []string{"mcr.microsoft.com/dotnet/sdk", "mcr.microsoft.com/dotnet/core/sdk"}, What: ".NET SDK", Full: func(string) bool { return true },
		Runtime: func(tag string) []string {
			if tag == "" {
				tag = "latest"
			}
			return []string{"mcr.microsoft.com/dotnet/aspnet:" + tag, "mcr.microsoft.com/dotnet/runtime:" + tag}
		}},
}

// imageRef splits an image reference into its repository (Docker Hub
// prefixes removed, lower-cased), tag and whether it is pinned by digest.
func imageRef(ref string) (repo, tag string, digest bool) {
	if at := strings.IndexByte(ref, '@'); at >= 0 {
		ref, digest = ref[:at], true
	}
	if c := strings.LastIndexByte(ref, ':'); c > strings.LastIndexByte(ref, '/') {
		ref, tag = ref[:c], ref[c+1:]
	}
	repo = strings.ToLower(ref)
	for _, p := range []string{"docker.io/", "index.docker.io/", "registry-1.docker.io/"} {
		repo = strings.TrimPrefix(repo, p)
	}
	repo = strings.TrimPrefix(repo, "library/")
	return repo, tag, digest
}

func lookupToolchain(repo string) *toolchainImage {
	for i := range toolchainImages {
		for _, r := range toolchainImages[i].Repos {
			if r == repo {
				return &toolchainImages[i]
			}
		}
	}
	return nil
}

// resolveBase substitutes global ARG defaults into a FROM reference (see
// expandBase); ok is false when a variable has no known value.
func resolveBase(f *dockerfile.File, st *dockerfile.Stage) (string, bool) {
	if !strings.Contains(st.BaseImage, "$") {
		return st.BaseImage, true
	}
	return expandBase(f, st.BaseImage)
}

// buildTools are programs whose presence in a RUN means the stage compiles.
var buildTools = map[string]bool{"make": true, "cmake": true, "ninja": true, "gcc": true, "g++": true, "cc": true, "c++": true,
	"javac": true, "tsc": true, "rustc": true}

// buildStep returns the first RUN of the stages that builds or installs
// language dependencies, or nil when they only run.
func buildStep(stages []*dockerfile.Stage) *dockerfile.Instruction {
	for _, st := range stages {
		for _, in := range st.Instructions {
			if !target(in).Is("RUN") || in.Sub != nil {
				continue
			}
			if len(ecosystem.RunInstalls(in)) > 0 {
				return in
			}
			for _, c := range ecosystem.RunCommands(in) {
				name, args := c.Name(), c.Args()
				if buildTools[name] {
					return in
				}
				if (name == "npm" || name == "yarn" || name == "pnpm" || name == "bun") && len(args) > 0 &&
					(args[0] == "build" || (args[0] == "run" || args[0] == "run-script") && len(args) > 1 && strings.Contains(args[1], "build")) {
					return in
				}
			}
		}
	}
	return nil
}

// notApplications are programs whose bare invocation (CMD ["bash"],
// CMD ["node"], CMD ["mvn"]) marks an image meant for interactive or
// toolchain use rather than for running an application.
var notApplications = map[string]bool{"bash": true, "sh": true, "ash": true, "zsh": true, "fish": true, "pwsh": true,
	"powershell": true, "cmd": true, "node": true, "python": true, "python3": true, "ipython": true, "irb": true, "ruby": true,
	"mvn": true, "gradle": true, "jshell": true, "java": true, "dotnet": true, "go": true, "cargo": true, "rustc": true,
	"gcc": true, "sleep": true}

// cmdAndEntrypoint are the last CMD and ENTRYPOINT along a chain (nearest
// stage first in stages).
func cmdAndEntrypoint(stages []*dockerfile.Stage) (cmd, entry *dockerfile.Instruction) {
	for i := len(stages) - 1; i >= 0; i-- { // root first, so later stages override
		for _, in := range stages[i].Instructions {
			switch {
			case in.Is("CMD"):
				cmd = in
			case in.Is("ENTRYPOINT"):
				entry = in
			}
		}
	}
	return cmd, entry
}

// runsApplication reports whether the image has a CMD or ENTRYPOINT that
// runs something other than a shell or a bare toolchain program. Images
// without one (base, CI and dev-container images) are toolchains on purpose.
func runsApplication(stages []*dockerfile.Stage) bool {
	cmd, entry := cmdAndEntrypoint(stages)
	app := func(in *dockerfile.Instruction) bool {
		if in == nil || len(in.Args) == 0 {
			return false
		}
		if len(in.Args) > 1 {
			return true
		}
		w := strings.Trim(in.Args[0].Value, `"'`)
		if i := strings.LastIndexAny(w, `/\`); i >= 0 {
			w = w[i+1:]
		}
		return !notApplications[strings.TrimSuffix(strings.ToLower(w), ".exe")]
	}
	if cmd != nil && len(cmd.Args) > 0 {
		return app(cmd)
	}
	return app(entry)
}

// toolchainPrograms are programs that a runtime image of their toolchain
// lacks: an image whose CMD/ENTRYPOINT runs one needs the full image.
var toolchainPrograms = map[string]bool{"cargo": true, "rustc": true, "rustup": true, "go": true, "mvn": true, "mvnw": true,
	"./mvnw": true, "gradle": true, "gradlew": true, "./gradlew": true, "javac": true, "gcc": true, "g++": true, "cc": true,
	"make": true, "air": true, "reflex": true}

// runsToolchain reports whether the image's CMD/ENTRYPOINT (as the stage
// chain leaves them) runs a toolchain program: `cargo watch -x run`,
// `go run .`, `mvn spring-boot:run`, `dotnet watch run`.
func runsToolchain(stages []*dockerfile.Stage) bool {
	cmd, entry := cmdAndEntrypoint(stages)
	for _, in := range []*dockerfile.Instruction{entry, cmd} {
		if in == nil {
			continue
		}
		var cmds []ecosystem.Command
		if in.JSON {
			words := make([]ecosystem.Word, len(in.Args))
			for i, a := range in.Args {
				words[i] = ecosystem.Word{Text: a.Value}
			}
			cmds = []ecosystem.Command{{Words: words}}
			if len(words) > 2 && ecosystem.IsShell(words[0].Text) && strings.HasPrefix(words[1].Text, "-") && strings.Contains(words[1].Text, "c") {
				cmds = ecosystem.ParseScript(words[2].Text).Commands
			}
		} else {
			cmds = ecosystem.ParseScript(in.ArgsText).Commands
		}
		for _, c := range cmds {
			name := c.Name()
			if toolchainPrograms[name] {
				return true
			}
			if args := c.Args(); name == "dotnet" && len(args) > 0 {
				switch args[0] {
				case "run", "watch", "build", "test":
					return true
				}
			}
		}
	}
	return false
}

func checkToolchainInFinalStage(f *dockerfile.File) []Finding {
	final := f.FinalStage()
	if final == nil || final.From == nil || final.From.Err != nil {
		return nil
	}
	stages := chain(f, final)
	root := stages[len(stages)-1]
	if root.Parent >= 0 || root.BaseImage == "" || strings.EqualFold(root.BaseImage, "scratch") {
		return nil
	}
	if !runsApplication(stages) {
		return nil // a toolchain, CI or dev image: the toolchain is the product
	}
	if runsToolchain(stages) {
		return nil // a dev image (`cargo watch`, `go run`): it needs the toolchain at run time
	}
	ref, ok := resolveBase(f, root)
	if !ok {
		return nil
	}
	repo, tag, digest := imageRef(ref)
	tc := lookupToolchain(repo)
	if tc == nil || !tc.Full(tag) {
		return nil
	}
	fd := Finding{Code: toolchainInFinalStageCode, Severity: SeverityInformation, Span: final.BaseSpan}
	var runtimes []string
	if tc.Runtime != nil {
		runtimes = tc.Runtime(tag)
	}
	runtimeText := tc.Hint
	if len(runtimes) > 0 {
		runtimeText = strings.Join(runtimes, " or ")
	}
	if runtimeText == "" {
		runtimeText = "a runtime image"
	}
	via := ""
	if root != final {
		via = fmt.Sprintf(" (through stage %q)", root.Ref())
		fd.Related = append(fd.Related, Related{Span: root.BaseSpan, Message: "the toolchain image comes from here"})
	}
	if step := buildStep(stages); step != nil {
		if len(f.Stages) > 1 {
			fd.Message = fmt.Sprintf("The final stage is based on %s, a full %s image%s, and builds in it (line %d): build in an earlier stage and copy only the result into a stage based on %s",
				ref, tc.What, via, lineOf(f, step.KeywordSpan.Start), runtimeText)
		} else {
			fd.Message = fmt.Sprintf("The image ships the full %s image %s with everything built in it (line %d): split into a build stage and a runtime stage based on %s (the \"split into stages\" refactor does this)",
				tc.What, ref, lineOf(f, step.KeywordSpan.Start), runtimeText)
		}
		fd.Related = append(fd.Related, Related{Span: firstLine(f, step), Message: "the build step"})
		return []Finding{fd}
	}
	fd.Message = fmt.Sprintf("The final stage is based on %s, a full %s image%s, but only runs the application: %s has the same libc without the build tools",
		ref, tc.What, via, runtimeText)
	// A quick fix only where the reference is literal and belongs to the
	// final stage itself: rewriting a digest, a variable or a build stage's
	// base would change more than the shipped image.
	if root == final && !digest && !strings.Contains(final.BaseImage, "$") {
		for i, rt := range runtimes {
			fd.Fixes = append(fd.Fixes, Fix{
				Title:     "Use the runtime image " + rt,
				Edits:     []dockerfile.Edit{{Span: final.BaseSpan, NewText: rt}},
				Preferred: i == 0,
			})
		}
	}
	return []Finding{fd}
}
