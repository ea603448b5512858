package diagnostics

import (
	"fmt"
	"strings"

	"github.com/msls-dev/msls/dockerfile"
)

// RootFinalStageRule flags a final stage that runs as root.
var RootFinalStageRule = register(&Rule{
	Code:     "RootFinalStage",
	Severity: SeverityWarning,
	Summary:  "The final stage runs as root: no USER, or USER root/0",
	Aliases:  []string{"DL3002"},
	Check:    checkRootFinalStage,
	Fix:      FixOnRequest, // codeactions/fix_root.go
})

// NonRootImage is one entry of the table of base images whose default user
// is not root. A stage built on one of them needs no USER.
type NonRootImage struct {
	// Repo matches the image name without tag (a trailing "*" is a prefix match).
	Repo string
	// Tag, when set, must match the tag ("*" prefix/suffix patterns allowed);
	// empty means any tag.
	Tag string
	// ExceptTag excludes tags (e.g. Chainguard's -dev variants run as root).
	ExceptTag string
	User      string
	Why       string
}

// NonRootImages is the one documented table of base images that default to a
// non-root user (docs/rules/RootFinalStage.md lists it too).
var NonRootImages = []NonRootImage{
	{Repo: "gcr.io/distroless/*", Tag: "*nonroot*", User: "nonroot (65532)", Why: "distroless :nonroot tags set USER 65532"},
	{Repo: "cgr.dev/chainguard/*", ExceptTag: "*-dev", User: "nonroot (65532)", Why: "Chainguard images run as nonroot; their -dev variants run as root"},
	{Repo: "mcr.microsoft.com/dotnet/*", Tag: "*chiseled*", User: "app (1654)", Why: ".NET chiseled images set USER app"},
	{Repo: "dhi.io/*", ExceptTag: "*-dev", User: "nonroot (65532)", Why: "Docker Hardened Images run as nonroot; -dev variants run as root"},
	{Repo: "docker.io/bitnami/*", User: "1001", Why: "Bitnami images run as uid 1001"},
	{Repo: "bitnami/*", User: "1001", Why: "Bitnami images run as uid 1001"},
	{Repo: "registry.access.redhat.com/ubi*/*", Tag: "", User: "1001", Why: "Red Hat UBI language images (nodejs, python, ...) run as uid 1001"},
	{Repo: "nginxinc/nginx-unprivileged", User: "nginx (101)", Why: "NGINX's unprivileged image sets USER 101 and listens on 8080"},
	{Repo: "docker.io/nginxinc/nginx-unprivileged", User: "nginx (101)", Why: "NGINX's unprivileged image sets USER 101 and listens on 8080"},
}

// nonRootDefault reports whether an image reference defaults to a non-root user.
func nonRootDefault(image string) (NonRootImage, bool) {
	repo, tag := splitImage(image)
	for _, e := range NonRootImages {
		if !globMatch(e.Repo, repo) {
			continue
		}
		if strings.HasPrefix(e.Repo, "registry.access.redhat.com/") && !strings.Contains(repo, "/ubi") {
			continue
		}
		if strings.HasPrefix(e.Repo, "registry.access.redhat.com/") && (strings.HasSuffix(repo, "/ubi") || strings.HasSuffix(repo, "-minimal") || strings.HasSuffix(repo, "-micro") || strings.HasSuffix(repo, "-init")) {
			continue // the bare UBI images run as root
		}
		if e.Tag != "" && !globMatch(e.Tag, tag) {
			continue
		}
		if e.ExceptTag != "" && globMatch(e.ExceptTag, tag) {
			continue
		}
		return e, true
	}
	return NonRootImage{}, false
}

func splitImage(image string) (repo, tag string) {
	repo = image
	if i := strings.IndexByte(repo, '@'); i >= 0 {
		repo = repo[:i]
	}
	if i := strings.LastIndexByte(repo, ':'); i >= 0 && !strings.Contains(repo[i:], "/") {
		repo, tag = repo[:i], repo[i+1:]
	}
	return strings.ToLower(repo), tag
}

// globMatch matches patterns with a leading and/or trailing "*".
func globMatch(pat, s string) bool {
	switch {
	case pat == "*":
		return true
	case strings.HasPrefix(pat, "*") && strings.HasSuffix(pat, "*") && len(pat) > 1:
		return strings.Contains(s, pat[1:len(pat)-1])
	case strings.HasPrefix(pat, "*"):
		return strings.HasSuffix(s, pat[1:])
	case strings.HasSuffix(pat, "*"):
		return strings.HasPrefix(s, pat[:len(pat)-1])
	}
	return pat == s
}

// finalUser is what RootFinalStage judges: the final stage, its FROM chain
// (final stage first), and the USER that decides who the image runs as (nil
// when no stage of the chain sets one). skip is true when the rule has
// nothing to say: an export-only scratch stage, or a USER decided at build
// time. LastUserRoot (DL3002) uses it to leave to RootFinalStage the one
// root USER it reports.
func finalUser(f *dockerfile.File) (fin *dockerfile.Stage, stages []*dockerfile.Stage, user *dockerfile.Instruction, holder *dockerfile.Stage, skip bool) {
	fin = f.FinalStage()
	if fin == nil || fin.From.Err != nil {
		return nil, nil, nil, nil, true
	}
	stages = chain(f, fin)
	runs := false
	for _, s := range stages {
		for _, in := range s.Instructions {
			if in.Sub == nil && (in.Is("CMD") || in.Is("ENTRYPOINT")) {
				runs = true
			}
		}
	}
	if strings.EqualFold(stages[len(stages)-1].BaseImage, "scratch") && !runs {
		return fin, stages, nil, nil, true // an export-only stage: nothing runs in it
	}
	for _, s := range stages {
		if in := lastUser(s); in != nil {
			return fin, stages, in, s, hasVar(userOf(in)) // a variable is decided at build time
		}
	}
	return fin, stages, nil, nil, false
}

// lastUser is a stage's own last USER instruction (ONBUILD ones run in
// another build), or nil.
func lastUser(s *dockerfile.Stage) *dockerfile.Instruction {
	for i := len(s.Instructions) - 1; i >= 0; i-- {
		in := s.Instructions[i]
		if in.Sub == nil && in.Is("USER") && len(in.Args) > 0 {
			return in
		}
	}
	return nil
}

// userOf is a USER instruction's value without quotes.
func userOf(in *dockerfile.Instruction) string { return strings.Trim(in.Args[0].Value, `"'`) }

// isRootUser reports whether a USER value (user[:group]) is root or uid 0.
func isRootUser(u string) bool {
	name, _, _ := strings.Cut(u, ":")
	return name == "root" || name == "0"
}

func checkRootFinalStage(f *dockerfile.File) []Finding {
	fin, stages, in, s, skip := finalUser(f)
	if skip {
		return nil
	}
	if in != nil {
		u := userOf(in)
		if !isRootUser(u) {
			return nil
		}
		where := ""
		if s != fin {
			where = fmt.Sprintf(" (set in stage %q, which the final stage is built on)", s.Ref())
		}
		return []Finding{{Message: fmt.Sprintf("The final stage runs as root: USER %s%s. Switch to an unprivileged user after the steps that need root", u, where),
			Span: firstLine(f, in)}}
	}
	base := stages[len(stages)-1].BaseImage
	if hasVar(base) {
		if v, ok := f.LookupVar(strings.Trim(strings.TrimPrefix(strings.TrimPrefix(base, "$"), "{"), "}"), fin.From.Span.Start); ok && v.HasValue {
			base = strings.Trim(v.Value, `"'`)
		} else {
			return nil
		}
	}
	if _, ok := nonRootDefault(base); ok {
		return nil
	}
	if isWindowsImage(base) {
		return nil // Windows containers have no root: ContainerUser/ContainerAdministrator
	}
	suggestion := "e.g. USER 10001"
	if u := imageUser(base); u != "" {
		suggestion = fmt.Sprintf("the image's own `%s` user, or e.g. USER 10001", u)
	}
	msg := fmt.Sprintf("The final stage runs as root: it sets no USER, and %s runs as root by default. Add a USER with an unprivileged user (%s) after the steps that need root", base, suggestion)
	if strings.EqualFold(base, "scratch") {
		msg = "The final stage runs as root (uid 0): it sets no USER and scratch has no users. Add `USER 65534:65534` (or any non-zero uid) before CMD/ENTRYPOINT"
	}
	// hadolint's DL3002 flags only an explicit USER root/0: a stage with no
	// USER is not its finding, so this one carries no alias.
	return []Finding{{Message: msg, Span: firstLine(f, fin.From), Aliases: []string{}}}
}

// imageUser names the unprivileged user an official image ships, if any.
func imageUser(image string) string {
	repo, _ := splitImage(image)
	switch repo[strings.LastIndexByte(repo, '/')+1:] {
	case "node":
		return "node"
	case "php", "httpd", "nginx":
		if strings.HasSuffix(repo, "nginx") {
			return "nginx"
		}
		return "www-data"
	}
	return ""
}

// isWindowsImage recognises Windows base images, whose user model (no uid 0,
// ContainerUser vs ContainerAdministrator) this rule does not describe.
func isWindowsImage(image string) bool {
	repo, _ := splitImage(image)
	return strings.HasPrefix(repo, "mcr.microsoft.com/windows") || strings.Contains(repo, "windows/") ||
		strings.HasSuffix(repo, "-windows") || strings.Contains(repo, "nanoserver") || strings.Contains(repo, "servercore")
}
