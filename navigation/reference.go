package navigation

import (
	"strings"

	"github.com/msls-dev/msls/diagnostics"
)

// The syntax reference below is what completion offers and hover explains.
// It follows the stable `docker/dockerfile:1` frontend shipped with the
// BuildKit version msls builds on; the texts are written for msls.

// InstructionDoc describes one Dockerfile instruction.
type InstructionDoc struct {
	Keyword string
	Summary string
	// Syntax is a one-line synopsis.
	Syntax string
	// Snippet is an LSP snippet inserting the whole instruction.
	Snippet    string
	Flags      []FlagDoc
	Deprecated bool
}

// FlagDoc describes one `--flag` of an instruction.
type FlagDoc struct {
	Name    string
	Summary string
	// Bool flags may be written without a value.
	Bool bool
	// Repeatable flags may be given more than once.
	Repeatable bool
	// Values are suggested values (fixed sets, or typical examples).
	Values []ValueDoc
}

// ValueDoc is a suggested value with its meaning.
type ValueDoc struct {
	Value   string
	Summary string
}

// DocsURL is the upstream reference page of an instruction.
func (d *InstructionDoc) DocsURL() string {
	return "https://docs.docker.com/reference/dockerfile/#" + strings.ToLower(d.Keyword)
}

// Flag returns the doc of a flag of the instruction (case-insensitive).
func (d *InstructionDoc) Flag(name string) (*FlagDoc, bool) {
	for i := range d.Flags {
		if strings.EqualFold(d.Flags[i].Name, name) {
			return &d.Flags[i], true
		}
	}
	return nil, false
}

var boolValues = []ValueDoc{{"true", ""}, {"false", ""}}

// Platforms are the platforms suggested for --platform, most common first.
var Platforms = []ValueDoc{
	{"$BUILDPLATFORM", "the platform of the machine running the build (cross-compile from here)"},
	{"$TARGETPLATFORM", "the platform the image is built for"},
	{"linux/amd64", "64-bit x86"},
	{"linux/arm64", "64-bit ARM (Apple silicon, Graviton)"},
	{"linux/arm/v7", "32-bit ARMv7"},
	{"linux/arm/v6", "32-bit ARMv6"},
	{"linux/386", "32-bit x86"},
	{"linux/ppc64le", "POWER little-endian"},
	{"linux/s390x", "IBM Z"},
	{"linux/riscv64", "64-bit RISC-V"},
	{"windows/amd64", "Windows containers on x86-64"},
}

var durationValues = []ValueDoc{{"5s", ""}, {"10s", ""}, {"30s", ""}, {"1m", ""}, {"5m", ""}}

var chownFlag = FlagDoc{Name: "chown", Summary: "Owner of the copied files, as `user[:group]` (names or numeric IDs). Without it files belong to root (0:0)."}
var chmodFlag = FlagDoc{Name: "chmod", Summary: "Permissions of the copied files, octal (`755`) or symbolic (`u=rwx,go=rx`).",
	Values: []ValueDoc{{"755", "rwxr-xr-x: executables and directories"}, {"644", "rw-r--r--: regular files"}, {"600", "rw-------: private files"}}}
var linkFlag = FlagDoc{Name: "link", Bool: true, Values: boolValues,
	Summary: "Copy into an independent layer that does not depend on the files below it, so it is reused even when earlier layers change (and can be rebased without a rebuild)."}
var excludeFlag = FlagDoc{Name: "exclude", Repeatable: true, Summary: "Skip sources matching this pattern (same syntax as `.dockerignore`). May be repeated."}

// Instructions is the reference of every instruction, in the order
// completion offers them.
var Instructions = []*InstructionDoc{
	{Keyword: "FROM", Summary: "Starts a new build stage from a base image, or from an earlier stage of this file. `AS name` names the stage so that `COPY --from`, `RUN --mount=from=`, later `FROM` lines and `docker build --target` can refer to it.",
		Syntax:  "FROM [--platform=<platform>] <image>[:<tag>|@<digest>] [AS <name>]",
		Snippet: "FROM ${1:image}:${2:tag} AS ${3:name}",
		Flags: []FlagDoc{{Name: "platform", Summary: "Platform of the base image to pull, such as `linux/amd64`. `$BUILDPLATFORM` runs the stage natively on the build machine, the usual way to cross-compile.",
			Values: Platforms}}},
	{Keyword: "RUN", Summary: "Runs a command while building and records the result as a new layer. The shell form runs through the stage's SHELL (`/bin/sh -c` by default); the exec form (a JSON array) runs the program directly.",
		Syntax:  "RUN [--mount=...] [--network=...] [--security=...] <command> | [\"executable\", \"arg\"...]",
		Snippet: "RUN ${1:command}",
		Flags: []FlagDoc{
			{Name: "mount", Repeatable: true, Summary: "Mounts a filesystem for this command only: `type=cache` (persistent package caches), `bind` (files from the context or another stage), `secret`, `ssh` or `tmpfs`. Nothing mounted ends up in the image."},
			{Name: "network", Summary: "Network access of the command.", Values: []ValueDoc{
				{"default", "the default build network"},
				{"none", "no network access at all"},
				{"host", "the host's network (needs the network.host entitlement)"}}},
			{Name: "security", Summary: "Sandboxing of the command.", Values: []ValueDoc{
				{"sandbox", "the default, unprivileged sandbox"},
				{"insecure", "privileged, like `docker run --privileged` (needs the security.insecure entitlement)"}}},
		}},
	{Keyword: "COPY", Summary: "Copies files into the image from the build context, from another stage (`--from=stage`) or from an image (`--from=image`).",
		Syntax:  "COPY [--from=<stage|image>] [--chown=<user>:<group>] [--chmod=<perms>] [--link] [--parents] [--exclude=<pattern>] <src>... <dest>",
		Snippet: "COPY ${1:src} ${2:dest}",
		Flags: []FlagDoc{
			{Name: "from", Summary: "Copy from a build stage (by name or index) or from an image instead of the build context. This is how a runtime stage takes only the artifacts of a builder stage."},
			chownFlag, chmodFlag, linkFlag,
			{Name: "parents", Bool: true, Values: boolValues, Summary: "Keep the parent directories of each source path below the destination instead of flattening them."},
			excludeFlag,
		}},
	{Keyword: "ADD", Summary: "Like COPY, but the source may also be a URL or a Git repository, and local tar archives are extracted. Prefer COPY for plain local files.",
		Syntax:  "ADD [--checksum=<digest>] [--keep-git-dir] [--chown=...] [--chmod=...] [--link] [--exclude=...] [--unpack] <src>... <dest>",
		Snippet: "ADD ${1:src} ${2:dest}",
		Flags: []FlagDoc{
			{Name: "checksum", Summary: "Expected digest of a remote source (`sha256:...`), or a commit for a Git source; the build fails on a mismatch.", Values: []ValueDoc{{"sha256:", "SHA-256 digest of the downloaded file"}}},
			{Name: "keep-git-dir", Bool: true, Values: boolValues, Summary: "Keep the `.git` directory when adding a Git repository."},
			chownFlag, chmodFlag, linkFlag, excludeFlag,
			{Name: "unpack", Bool: true, Values: boolValues, Summary: "Whether to extract archives; by default local archives are extracted and remote ones are not."},
		}},
	{Keyword: "ARG", Summary: "Declares a build argument, set with `docker build --build-arg NAME=value`. Declared before the first FROM it is global and usable in FROM lines; a stage must re-declare it (`ARG NAME`) to use it. Values are not kept in the final image's environment.",
		Syntax: "ARG <name>[=<default>] ...", Snippet: "ARG ${1:NAME}=${2:value}"},
	{Keyword: "ENV", Summary: "Sets environment variables for the following instructions and for containers run from the image.",
		Syntax: "ENV <key>=<value> ...", Snippet: "ENV ${1:KEY}=${2:value}"},
	{Keyword: "WORKDIR", Summary: "Sets the working directory of the following RUN, CMD, ENTRYPOINT, COPY and ADD instructions, creating it when missing. Use an absolute path.",
		Syntax: "WORKDIR <path>", Snippet: "WORKDIR ${1:/app}"},
	{Keyword: "USER", Summary: "Sets the user (and optionally group) that runs the following RUN instructions and the container's process. A final stage that never sets USER runs as root.",
		Syntax: "USER <user>[:<group>]", Snippet: "USER ${1:user}"},
	{Keyword: "EXPOSE", Summary: "Documents the ports the container listens on (`8080`, `53/udp`). It publishes nothing: that is `docker run -p`.",
		Syntax: "EXPOSE <port>[/<protocol>] ...", Snippet: "EXPOSE ${1:8080}"},
	{Keyword: "CMD", Summary: "The default command of the container, or the default arguments of the ENTRYPOINT. Only the last CMD counts; `docker run` arguments replace it.",
		Syntax: "CMD [\"executable\", \"arg\"...] | <command>", Snippet: "CMD [\"${1:executable}\"]"},
	{Keyword: "ENTRYPOINT", Summary: "The program the container runs; CMD and `docker run` arguments are appended to it. Use the exec form (JSON array) so that the program receives stop signals.",
		Syntax: "ENTRYPOINT [\"executable\", \"arg\"...] | <command>", Snippet: "ENTRYPOINT [\"${1:executable}\"]"},
	{Keyword: "LABEL", Summary: "Adds `key=value` metadata to the image (for example `org.opencontainers.image.source`).",
		Syntax: "LABEL <key>=<value> ...", Snippet: "LABEL ${1:key}=\"${2:value}\""},
	{Keyword: "VOLUME", Summary: "Marks paths as mount points for volumes. Changes later build steps make below such a path are lost.",
		Syntax: "VOLUME <path> ... | [\"path\"...]", Snippet: "VOLUME ${1:/data}"},
	{Keyword: "HEALTHCHECK", Summary: "Tells the container runtime how to check that the container still works (`CMD <command>`, exit code 0 = healthy), or disables a check inherited from the base image (`NONE`).",
		Syntax:  "HEALTHCHECK [--interval=...] [--timeout=...] [--start-period=...] [--start-interval=...] [--retries=...] CMD <command> | HEALTHCHECK NONE",
		Snippet: "HEALTHCHECK --interval=${1:30s} --timeout=${2:5s} CMD ${3:command}",
		Flags: []FlagDoc{
			{Name: "interval", Summary: "Time between two checks (default 30s).", Values: durationValues},
			{Name: "timeout", Summary: "A check taking longer than this fails (default 30s).", Values: durationValues},
			{Name: "start-period", Summary: "Start-up grace time during which failures do not count (default 0s).", Values: durationValues},
			{Name: "start-interval", Summary: "Time between checks during the start period (default 5s).", Values: durationValues},
			{Name: "retries", Summary: "Consecutive failures needed to report the container unhealthy (default 3).", Values: []ValueDoc{{"3", ""}, {"5", ""}}},
		}},
	{Keyword: "SHELL", Summary: "Replaces the shell used by the following shell-form RUN, CMD and ENTRYPOINT instructions (JSON array form only).",
		Syntax: "SHELL [\"executable\", \"parameters\"]", Snippet: "SHELL [\"${1:/bin/bash}\", \"${2:-o}\", \"${3:pipefail}\", \"${4:-c}\"]"},
	{Keyword: "STOPSIGNAL", Summary: "The signal sent to the container's process to stop it (default SIGTERM).",
		Syntax: "STOPSIGNAL <signal>", Snippet: "STOPSIGNAL ${1:SIGTERM}"},
	{Keyword: "ONBUILD", Summary: "Stores an instruction that runs later, at the start of any build that uses this image as its base.",
		Syntax: "ONBUILD <INSTRUCTION>", Snippet: "ONBUILD ${1:INSTRUCTION}"},
	{Keyword: "MAINTAINER", Deprecated: true, Summary: "Deprecated: sets the image's author field. Use `LABEL org.opencontainers.image.authors=...` instead.",
		Syntax: "MAINTAINER <name>", Snippet: "MAINTAINER ${1:name}"},
}

// Instruction returns the reference of a keyword (case-insensitive).
func Instruction(keyword string) (*InstructionDoc, bool) {
	for _, d := range Instructions {
		if strings.EqualFold(d.Keyword, keyword) {
			return d, true
		}
	}
	return nil, false
}

// MountKeyDoc is one `key=value` field of `RUN --mount`.
type MountKeyDoc struct {
	Key     string
	Aliases []string
	Summary string
	// Types lists the mount types that accept the key; empty means all.
	Types  []string
	Values []ValueDoc
	// Stage marks keys whose value names a stage or image.
	Stage bool
}

// MountTypes are the values of `--mount=type=`.
var MountTypes = []ValueDoc{
	{"cache", "a persistent directory kept between builds, for package-manager and compiler caches"},
	{"bind", "files from the build context or from another stage, read-only by default (the default type)"},
	{"secret", "a secret passed with `docker build --secret`, as a file (or an environment variable) never stored in a layer"},
	{"ssh", "the SSH agent socket passed with `docker build --ssh`, for private Git or SSH access"},
	{"tmpfs", "an empty in-memory filesystem"},
}

// MountKeys are the fields of `--mount`, most useful first.
var MountKeys = []MountKeyDoc{
	{Key: "type", Summary: "The kind of mount (default `bind`).", Values: MountTypes},
	{Key: "target", Aliases: []string{"dst", "destination"}, Summary: "Where the mount appears in the command's filesystem."},
	{Key: "source", Aliases: []string{"src"}, Types: []string{"bind", "cache", "secret"}, Summary: "Path to mount inside `from` (the build context by default); for a secret, a secret ID."},
	{Key: "from", Types: []string{"bind", "cache"}, Stage: true, Summary: "Stage or image providing the mounted files (default: the build context for bind, an empty directory for cache)."},
	{Key: "id", Types: []string{"cache", "secret", "ssh"}, Summary: "Cache ID (default: the target path), or the ID given to `docker build --secret`/`--ssh`."},
	{Key: "sharing", Types: []string{"cache"}, Summary: "How parallel builds share one cache.", Values: []ValueDoc{
		{"shared", "all writers use it at once (default)"},
		{"private", "each writer gets its own copy when it is busy"},
		{"locked", "writers wait for each other"}}},
	{Key: "readonly", Aliases: []string{"ro"}, Types: []string{"bind", "cache"}, Summary: "Mount read-only.", Values: boolValues},
	{Key: "rw", Aliases: []string{"readwrite"}, Types: []string{"bind"}, Summary: "Allow writes to a bind mount; they are discarded after the command.", Values: boolValues},
	{Key: "env", Types: []string{"secret"}, Summary: "Expose the secret as this environment variable instead of a file."},
	{Key: "required", Types: []string{"secret", "ssh"}, Summary: "Fail when the secret or SSH socket is not provided (default false).", Values: boolValues},
	{Key: "mode", Types: []string{"cache", "secret", "ssh"}, Summary: "File mode of the mount, octal (cache: 0755, secret and ssh: 0400).", Values: []ValueDoc{{"0755", ""}, {"0400", ""}}},
	{Key: "uid", Types: []string{"cache", "secret", "ssh"}, Summary: "Owner user ID of the mount (default 0)."},
	{Key: "gid", Types: []string{"cache", "secret", "ssh"}, Summary: "Owner group ID of the mount (default 0)."},
	{Key: "size", Types: []string{"tmpfs"}, Summary: "Size limit of the tmpfs, such as `64m`."},
}

// MountKey returns the doc of a --mount field by key or alias.
func MountKey(key string) (*MountKeyDoc, bool) {
	for i := range MountKeys {
		k := &MountKeys[i]
		if strings.EqualFold(k.Key, key) {
			return k, true
		}
		for _, a := range k.Aliases {
			if strings.EqualFold(a, key) {
				return k, true
			}
		}
	}
	return nil, false
}

// AppliesTo reports whether the key is valid for a mount type.
func (k *MountKeyDoc) AppliesTo(typ string) bool {
	if len(k.Types) == 0 {
		return true
	}
	for _, t := range k.Types {
		if strings.EqualFold(t, typ) {
			return true
		}
	}
	return false
}

// DirectiveDoc describes a parser directive.
type DirectiveDoc struct {
	Name    string
	Summary string
	Values  []ValueDoc
}

// Directives are the parser directives BuildKit understands.
var Directives = []DirectiveDoc{
	{Name: "syntax", Summary: "Selects the Dockerfile frontend image BuildKit uses to read this file. `docker/dockerfile:1` follows the latest stable 1.x syntax.",
		Values: []ValueDoc{{"docker/dockerfile:1", "latest stable 1.x syntax"}, {"docker/dockerfile:1-labs", "1.x with experimental features"}}},
	{Name: "escape", Summary: "The escape and line-continuation character: `\\` (default) or `` ` `` (convenient with Windows paths).",
		Values: []ValueDoc{{"\\", "backslash (default)"}, {"`", "backtick"}}},
	{Name: "check", Summary: "Configures BuildKit's build checks: `skip=Rule1,Rule2` (or `skip=all`) turns rules off, `error=true` makes violations fail the build; separate settings with `;`.",
		Values: []ValueDoc{{"skip=", "rules to skip, comma-separated, or all"}, {"error=true", "fail the build on violations"}}},
}

// Directive returns the doc of a parser directive (case-insensitive).
func Directive(name string) (*DirectiveDoc, bool) {
	for i := range Directives {
		if strings.EqualFold(Directives[i].Name, name) {
			return &Directives[i], true
		}
	}
	return nil, false
}

// BuildChecks are BuildKit's build-check rules (for `# check=skip=`), as
// the rule registry lists them.
var BuildChecks = func() []ValueDoc {
	var out []ValueDoc
	for _, r := range diagnostics.Rules() {
		if r.Source == diagnostics.SourceBuildKit {
			out = append(out, ValueDoc{r.Code, r.Summary})
		}
	}
	return out
}()

// AutomaticArg is an ARG that BuildKit defines by itself.
type AutomaticArg struct {
	Name    string
	Summary string
}

// AutomaticArgs are set by BuildKit for every build. They are in scope in
// FROM lines; inside a stage they must be declared with `ARG NAME` (no value)
// to be used.
var AutomaticArgs = []AutomaticArg{
	{"TARGETPLATFORM", "platform the image is built for, such as `linux/arm64`"},
	{"TARGETOS", "OS part of TARGETPLATFORM, such as `linux`"},
	{"TARGETARCH", "architecture part of TARGETPLATFORM, such as `arm64`"},
	{"TARGETVARIANT", "variant part of TARGETPLATFORM, such as `v7`"},
	{"BUILDPLATFORM", "platform of the machine running the build"},
	{"BUILDOS", "OS part of BUILDPLATFORM"},
	{"BUILDARCH", "architecture part of BUILDPLATFORM"},
	{"BUILDVARIANT", "variant part of BUILDPLATFORM"},
	{"TARGETSTAGE", "name of the stage being built (`docker build --target`), `default` otherwise"},
}

// Automatic returns the automatic ARG of that name.
func Automatic(name string) (*AutomaticArg, bool) {
	for i := range AutomaticArgs {
		if AutomaticArgs[i].Name == name {
			return &AutomaticArgs[i], true
		}
	}
	return nil, false
}

// Signals are suggested for STOPSIGNAL.
var Signals = []ValueDoc{
	{"SIGTERM", "polite stop request (default)"},
	{"SIGINT", "interrupt, as Ctrl-C"},
	{"SIGQUIT", "quit; some servers (nginx) stop gracefully on it"},
	{"SIGHUP", "hang-up"},
	{"SIGUSR1", "user-defined 1"},
	{"SIGUSR2", "user-defined 2"},
	{"SIGWINCH", "window change; Apache httpd stops gracefully on it"},
	{"SIGKILL", "immediate kill, cannot be handled"},
}
