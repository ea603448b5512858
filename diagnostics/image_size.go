package diagnostics

import (
	"fmt"
	"slices"
	"strings"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// AptNoCleanupRule flags an apt-get update that leaves the package lists in
// its layer.
var AptNoCleanupRule = registerRun(&Rule{
	Code:     "AptNoCleanup",
	Severity: SeverityInformation,
	Summary:  "apt-get update leaves /var/lib/apt/lists in the image layer",
	Aliases:  []string{"DL3009"},
}, checkAptNoCleanup, finalOnly)

// PipCacheDirRule flags pip installs that keep pip's download cache in the layer.
var PipCacheDirRule = registerRun(&Rule{
	Code:     "PipCacheDir",
	Severity: SeverityInformation,
	Summary:  "pip install keeps its download cache in the image layer (use --no-cache-dir or a cache mount)",
	Aliases:  []string{"DL3042"},
	Fix:      FixAttached,
}, checkPipCacheDir, pipCacheKept)

func cacheMountOn(in *dockerfile.Instruction, frags ...string) bool {
	for _, m := range ecosystem.Mounts(in) {
		if m.Type != "cache" && m.Type != "tmpfs" {
			continue
		}
		for _, fr := range frags {
			if strings.Contains(m.Target, fr) {
				return true
			}
		}
	}
	return false
}

// checkAptNoCleanup is AptNoCleanup's runCheck; finalOnly its post. An
// ONBUILD RUN runs in the image built FROM this one: its layer is that
// image's.
func checkAptNoCleanup(f *dockerfile.File, in *dockerfile.Instruction, s *ecosystem.Script, out []Finding) []Finding {
	// `update` is what writes /var/lib/apt/lists: a RUN that only
	// installs adds no lists, and removing them there would not shrink
	// the layer that fetched them.
	var update *ecosystem.Command
	cleaned := false
	for _, c := range s.Commands {
		c := c
		switch c.Name() {
		case "apt-get", "apt", "aptitude":
			if update == nil && slices.Contains(c.Args(), "update") {
				update = &c
			}
		case "rm":
			for _, a := range c.Args() {
				if strings.HasPrefix(a, "/var/lib/apt/lists") {
					cleaned = true
				}
			}
		}
	}
	// an unreadable part of the script may hold the cleanup
	if update == nil || cleaned || s.Unknown || cacheMountOn(target(in), "/var/lib/apt", "/var/cache/apt") {
		return out
	}
	return append(out, Finding{
		Message: fmt.Sprintf("`%s` leaves the apt package lists (/var/lib/apt/lists, tens of MB) in this layer: end the same RUN with `&& rm -rf /var/lib/apt/lists/*`, or use cache mounts on /var/lib/apt and /var/cache/apt", shorten(update.String())),
		Span:    dockerfile.Span{Start: update.Start, End: update.End},
	})
}

// finalOnly keeps the findings on the RUNs of the stages whose layers end
// up in the final image.
func finalOnly(f *dockerfile.File, hits []runHit) []Finding {
	if len(hits) == 0 {
		return nil
	}
	final := finalChain(f)
	var out []Finding
	for _, h := range hits {
		if final[h.In.Stage] {
			out = append(out, h.Finding)
		}
	}
	return out
}

// checkPipCacheDir is PipCacheDir's runCheck; pipCacheKept its post. An
// ONBUILD RUN's layer is the child image's, which inherits this stage's ENV:
// it is judged like a RUN of the stage.
func checkPipCacheDir(f *dockerfile.File, in *dockerfile.Instruction, s *ecosystem.Script, out []Finding) []Finding {
	if cacheMountOn(target(in), "pip", "/root/.cache") {
		return out
	}
	for _, c := range s.Commands {
		args := c.Args()
		name := c.Name()
		if (name == "python" || name == "python3") && len(args) >= 2 && args[0] == "-m" && args[1] == "pip" {
			args = args[2:]
		} else if name != "pip" && name != "pip3" {
			continue
		}
		if len(args) == 0 || args[0] != "install" {
			continue
		}
		if hasArg(args, "--no-cache-dir") || hasArg(args, "--no-cache") {
			continue
		}
		fd := Finding{
			Message: fmt.Sprintf("`%s` keeps pip's download cache (/root/.cache/pip) in the image: add --no-cache-dir, or use a cache mount on /root/.cache/pip", shorten(c.String())),
			Span:    dockerfile.Span{Start: c.Start, End: c.End},
		}
		// insert right after the `install` word when it is written plainly
		for _, w := range c.Words {
			if w.Text == "install" && f.Slice(dockerfile.Span{Start: w.Start, End: w.End}) == "install" && !target(in).JSON {
				fd.Fixes = []Fix{{Title: "Add --no-cache-dir", Edits: []dockerfile.Edit{{Span: dockerfile.Span{Start: w.End, End: w.End}, NewText: " --no-cache-dir"}}, Preferred: true, Safe: true}}
				break
			}
		}
		out = append(out, fd)
	}
	return out
}

// pipCacheKept keeps the PipCacheDir findings on the RUNs of the stages
// whose layers end up in the final image and have no PIP_NO_CACHE_DIR.
func pipCacheKept(f *dockerfile.File, hits []runHit) []Finding {
	if len(hits) == 0 {
		return nil
	}
	final := finalChain(f)
	// A stage has PIP_NO_CACHE_DIR when it or a stage it is built on sets
	// it. Parents come before their children, so one pass in order carries
	// the answer down each chain: walking every stage's whole chain was
	// quadratic (30,000 chained stages ran out of memory).
	noCacheEnv := make([]bool, len(f.Stages))
	for k, st := range f.Stages {
		if p := st.Parent; p >= 0 && p < k && noCacheEnv[p] {
			noCacheEnv[k] = true
			continue
		}
		for _, v := range st.Vars {
			if v.Kind == dockerfile.VarEnv && strings.EqualFold(v.Name, "PIP_NO_CACHE_DIR") {
				val := strings.ToLower(strings.Trim(v.Value, `"'`))
				if val != "" && val != "0" && val != "false" && val != "no" && val != "off" {
					noCacheEnv[k] = true
				}
			}
		}
	}
	var out []Finding
	for _, h := range hits {
		if st := h.In.Stage; final[st] && !(st >= 0 && st < len(noCacheEnv) && noCacheEnv[st]) {
			out = append(out, h.Finding)
		}
	}
	return out
}

func hasArg(args []string, a string) bool {
	for _, x := range args {
		if x == a || strings.HasPrefix(x, a+"=") {
			return true
		}
	}
	return false
}

func shorten(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}
