package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version and commit are set at link time (scripts/release.sh, scripts/build.sh,
// the Dockerfile):
//
//	go build -ldflags "-X main.version=v1.2.3 -X main.commit=$(git rev-parse HEAD)" ./cmd/msls
var version, commit string

// buildInfo is what `msls version` reports.
type buildInfo struct {
	Version, Commit, Go string
}

// currentBuild reads the link-time stamps, falling back to what the Go
// toolchain recorded in the binary: the module version `go install
// module@version` saw and the VCS revision of a build inside a checkout.
// Release builds use -buildvcs=false (so that the bytes do not depend on the
// checkout's state) and stamp the commit with -ldflags instead.
func currentBuild(info *debug.BuildInfo, ok bool) buildInfo {
	b := buildInfo{Version: version, Commit: commit, Go: runtime.Version()}
	if ok {
		if b.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			b.Version = info.Main.Version
		}
		if b.Commit == "" {
			modified := false
			for _, s := range info.Settings {
				switch s.Key {
				case "vcs.revision":
					b.Commit = s.Value
				case "vcs.modified":
					modified = s.Value == "true"
				}
			}
			if b.Commit != "" && modified {
				b.Commit += "-dirty"
			}
		}
		if info.GoVersion != "" {
			b.Go = info.GoVersion
		}
	}
	if b.Version == "" {
		b.Version = "dev"
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	return b
}

// versionString is the version alone, for the server's initialize reply and
// SARIF; an unversioned build names its commit ("dev-0123456789ab").
func versionString() string { return currentBuild(debug.ReadBuildInfo()).short() }

func (b buildInfo) short() string {
	if b.Version == "dev" && len(b.Commit) >= 12 && b.Commit != "unknown" {
		return "dev-" + b.Commit[:12]
	}
	return b.Version
}

func init() {
	registerCommand(command{name: "version", summary: "print the version, commit and Go version", run: func(_ []string, _ io.Reader, stdout, _ io.Writer) int {
		b := currentBuild(debug.ReadBuildInfo())
		fmt.Fprintf(stdout, "msls %s\ncommit: %s\ngo: %s\n", b.Version, b.Commit, b.Go)
		return 0
	}})
}
