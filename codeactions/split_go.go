package codeactions

import (
	"encoding/json"
	"path"
	"strings"

	"github.com/msls-dev/msls/internal/ecosystem"
)

// goRunner is the runner image of a Go split: a static binary needs no libc,
// and the :nonroot tag already runs as uid 65532 with CA certificates.
const goRunner = "gcr.io/distroless/static-debian12:nonroot"

func (a *analysis) splitGo() (string, bool) {
	l := a.landmarks()
	if a.ctx != nil && !exists(a.ctx, "go.mod") {
		return "", a.refuse("no go.mod in the build context (the Dockerfile's directory): GOPATH builds have no module to download first")
	}
	// Exactly one `go build`: its output is the runner's only content.
	var buildItem *item
	var buildCmd ecosystem.Command
	n := 0
	for _, it := range a.items {
		if it.role != roleBuild {
			continue
		}
		for _, c := range it.cmds {
			args := c.Args()
			if c.Name() == "go" && len(args) > 0 && (args[0] == "build" || args[0] == "install") {
				if args[0] == "install" {
					return "", a.refuse("line %d uses `go install`; the split needs `go build -o` to know the binary", a.lineOf(it.inst))
				}
				n++
				buildItem, buildCmd = it, c
			}
		}
	}
	if n != 1 {
		return "", a.refuse("the stage runs %d `go build` commands; the split needs exactly one", n)
	}
	if buildItem.inst.JSON || len(buildItem.inst.Heredocs) > 0 {
		return "", a.refuse("the `go build` on line %d is in exec (JSON) or heredoc form, which the split does not rewrite", a.lineOf(buildItem.inst))
	}
	if l.src < 0 || l.src > buildItem.pos {
		return "", a.refuse("no COPY of the sources before the `go build` on line %d", a.lineOf(buildItem.inst))
	}
	for _, it := range a.items {
		switch {
		case isEnv(it, "CGO_ENABLED"):
			return "", a.refuse("line %d sets CGO_ENABLED: the split builds a static binary (CGO_ENABLED=0) for a distroless runner", a.lineOf(it.inst))
		case it.role == roleRuntime && it.inst.Is("HEALTHCHECK") && !strings.EqualFold(strings.TrimSpace(it.inst.ArgsText), "NONE"):
			// distroless has no shell nor curl to probe with
			return "", a.refuse("the HEALTHCHECK on line %d needs tools the distroless runner does not have", a.lineOf(it.inst))
		case it.role == roleRuntime && it.inst.Is("ONBUILD"):
			return "", a.refuse("ONBUILD on line %d would run in the distroless runner", a.lineOf(it.inst))
		case (it.role == roleSetup || it.role == roleSysPkg || it.role == roleUserAdd) && it.pos > buildItem.pos:
			// runtime preparation that needs a shell
			return "", a.refuse("line %d (%s) prepares the runtime with a shell after the build; the distroless runner has no shell", a.lineOf(it.inst), quoted(a.f, it.inst))
		case it.role == roleInstall && it.pos > buildItem.pos:
			return "", false
		}
	}
	text := buildItem.inst.ArgsText
	raw := text[buildCmd.Start:buildCmd.End]
	firstWordAt := buildCmd.Words[0].Start
	if firstWordAt < buildCmd.Start || firstWordAt > buildCmd.End {
		return "", false
	}
	var assigns []string
	for _, as := range strings.Fields(text[buildCmd.Start:firstWordAt]) {
		if strings.HasPrefix(as, "CGO_ENABLED=") {
			if as != "CGO_ENABLED=0" {
				return "", a.refuse("the build on line %d sets %s: the split builds a static binary (CGO_ENABLED=0) for a distroless runner", a.lineOf(buildItem.inst), as)
			}
			continue
		}
		assigns = append(assigns, as)
	}
	_ = raw
	// Rebuild the command word by word, replacing -o.
	words := buildCmd.Words
	out := ""
	var kept []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		if w.Start < 0 || w.End > len(text) || w.Start > w.End {
			return "", false
		}
		rw := text[w.Start:w.End]
		switch {
		case w.Text == "-o" && i+1 < len(words):
			out = words[i+1].Text
			i++
			continue
		case strings.HasPrefix(w.Text, "-o="):
			out = strings.TrimPrefix(w.Text, "-o=")
			continue
		}
		kept = append(kept, rw)
	}
	if len(kept) < 2 {
		return "", false
	}
	// The binary's name: -o's base name, else what the start command runs.
	cmdIt, epIt := a.entrypoint()
	startIt := epIt
	if startIt == nil {
		startIt = cmdIt
	}
	if startIt == nil {
		return "", a.refuse("no CMD or ENTRYPOINT says which binary the runner should keep")
	}
	start := argWords(startIt)
	if len(start) == 0 || start[0] == "sh" && !startIt.inst.JSON || !startIt.inst.JSON && strings.ContainsAny(startIt.inst.ArgsText, "$`><|&;*") {
		return "", a.refuse("the start command on line %d needs a shell, which the distroless runner does not have", a.lineOf(startIt.inst))
	}
	prog := start[0]
	name := ""
	if out != "" {
		if strings.HasSuffix(out, "/") || strings.Contains(out, "$") {
			return "", false
		}
		name = path.Base(out)
		origAbs := out
		if !strings.HasPrefix(out, "/") {
			origAbs = path.Join(a.workdir, out)
		}
		progAbs := prog
		if !strings.HasPrefix(prog, "/") {
			if strings.Contains(prog, "/") {
				progAbs = path.Join(a.workdir, prog)
			} else {
				progAbs = "" // looked up on PATH: matched by name below
			}
		}
		if progAbs != origAbs && !(progAbs == "" && path.Base(prog) == name) {
			return "", a.refuse("the start command runs %s, not the binary `go build -o %s` writes", prog, out)
		}
	} else {
		if !strings.HasPrefix(prog, "./") && !strings.HasPrefix(prog, "/") {
			return "", false
		}
		name = path.Base(prog)
	}
	if name == "" || name == "." || name == "/" {
		return "", false
	}
	binPath := path.Join(a.workdir, name)
	newBuild := strings.Join(append(append([]string{"CGO_ENABLED=0"}, assigns...), kept[0], kept[1], "-o", "/out/"+name), " ")
	if len(kept) > 2 {
		newBuild += " " + strings.Join(kept[2:], " ")
	}
	newRun := "RUN "
	for _, fl := range buildItem.inst.Flags {
		newRun += a.f.Slice(fl.Span) + " "
	}
	newRun += text[:buildCmd.Start] + newBuild + text[buildCmd.End:]

	manifests := "go.*"
	if a.ctx != nil {
		manifests = "go.mod"
		if exists(a.ctx, "go.sum") {
			manifests += " go.sum"
		}
	}
	deps := &stageText{}
	a.header(deps, a.stageFrom(a.image.String(), "deps"), nil)
	a.preInstall(deps, l, nil)
	deps.add("COPY " + manifests + " ./")
	dl := "RUN go mod download"
	if l.inst >= 0 && a.items[l.inst].role == roleInstall {
		inst := a.items[l.inst]
		if len(inst.inst.Flags) > 0 {
			dl = "RUN"
			for _, fl := range inst.inst.Flags {
				dl += " " + a.f.Slice(fl.Span)
			}
			dl += " go mod download"
		}
	}
	deps.add(dl)

	builder := &stageText{}
	builder.add(a.stageFrom("deps", "builder"))
	for _, it := range a.items {
		if isPre(it, l) && it.role != roleContextCopy && it.role != roleSourceCopy {
			continue
		}
		switch it.role {
		case roleContextCopy, roleSourceCopy, roleSetup, roleEnv, roleTool, roleSysPkg:
			if it.pos < buildItem.pos {
				builder.item(it)
			}
		case roleBuild:
			if it == buildItem {
				b := *it
				b.text = newRun
				builder.item(&b)
			} else if it.pos < buildItem.pos {
				builder.item(it)
			}
		}
	}

	runner := &stageText{}
	a.header(runner, a.stageFrom(goRunner, "runner"), a.fromComments())
	for _, c := range a.freeComment {
		runner.add(c)
	}
	placed := false
	block := first(l.inst, l.src)
	binCopy := "COPY --from=builder /out/" + name + " " + binPath
	for _, it := range a.items {
		switch it.role {
		case roleEnv, roleRuntime, roleExternalCopy:
		default:
			continue
		}
		if !placed && it.pos > block {
			runner.add(binCopy)
			placed = true
		}
		b := *it
		if it == startIt {
			args := append([]string{binPath}, start[1:]...)
			js, _ := json.Marshal(args)
			b.text = it.inst.Keyword + " " + strings.ReplaceAll(string(js), `","`, `", "`)
		}
		runner.item(&b)
	}
	if !placed {
		runner.add(binCopy)
	}
	if epIt != nil && cmdIt != nil && !cmdIt.inst.JSON {
		return "", false
	}
	runner.sinkStart()
	return joinStages(deps, builder, runner), true
}
