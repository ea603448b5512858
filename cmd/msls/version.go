package main

import (
	"fmt"
	"io"
	"runtime/debug"
)

// version is set at link time:
//
//	go build -ldflags "-X main.version=v1.2.3" ./cmd/msls
var version string

// versionString is the -ldflags value, else the module version `go install`
// recorded, else "dev" (with the VCS revision when the build has one).
func versionString() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "dev-" + s.Value[:12]
		}
	}
	return "dev"
}

func init() {
	registerCommand(command{name: "version", summary: "print the version", run: func(_ []string, _ io.Reader, stdout, _ io.Writer) int {
		fmt.Fprintln(stdout, "msls", versionString())
		return 0
	}})
}
