package main

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionCommand(t *testing.T) {
	out, _, code := runMsls(t, "", "version")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 3 {
		t.Fatalf("msls version: status %d, output %q", code, out)
	}
	if lines[0] != "msls "+testVersion {
		t.Errorf("line 1 = %q, want msls %s", lines[0], testVersion)
	}
	if !strings.HasPrefix(lines[1], "commit: ") || len(lines[1]) <= len("commit: ") {
		t.Errorf("line 2 = %q, want commit: ...", lines[1])
	}
	if lines[2] != "go: "+runtime.Version() {
		t.Errorf("line 3 = %q, want go: %s", lines[2], runtime.Version())
	}
}

func TestCurrentBuild(t *testing.T) {
	defer func(v, c string) { version, commit = v, c }(version, commit)
	vcs := &debug.BuildInfo{GoVersion: "go1.99", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"},
	}}
	for _, tc := range []struct {
		name            string
		version, commit string
		info            *debug.BuildInfo
		ok              bool
		want            buildInfo
		short           string
	}{
		{"no info", "", "", nil, false, buildInfo{"dev", "unknown", runtime.Version()}, "dev"},
		{"checkout build", "", "", vcs, true, buildInfo{"dev", "0123456789abcdef0123-dirty", "go1.99"}, "dev-0123456789ab"},
		{"ldflags win", "v1.2.3", "abc", vcs, true, buildInfo{"v1.2.3", "abc", "go1.99"}, "v1.2.3"},
		{"go install module@version", "", "", &debug.BuildInfo{GoVersion: "go1.98", Main: debug.Module{Version: "v0.4.0"}}, true,
			buildInfo{"v0.4.0", "unknown", "go1.98"}, "v0.4.0"},
	} {
		version, commit = tc.version, tc.commit
		got := currentBuild(tc.info, tc.ok)
		if got != tc.want || got.short() != tc.short {
			t.Errorf("%s: %+v (short %q), want %+v (short %q)", tc.name, got, got.short(), tc.want, tc.short)
		}
	}
}
