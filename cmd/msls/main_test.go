package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// testVersion is linked into the test binary to check -ldflags works.
const testVersion = "v9.9.9-test"

// mslsBin is the real msls binary, built once per test run.
var mslsBin string

func TestMain(m *testing.M) {
	if os.Getenv("MSLS_WARM_HEAP_CHILD") == "1" {
		warmHeapChild()
		return
	}
	dir, err := os.MkdirTemp("", "msls-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	mslsBin = filepath.Join(dir, "msls")
	if runtime.GOOS == "windows" {
		mslsBin += ".exe"
	}
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		goTool = "go"
	}
	build := exec.Command(goTool, "build", "-ldflags", "-X main.version="+testVersion, "-o", mslsBin, ".")
	var out bytes.Buffer
	build.Stdout, build.Stderr = &out, &out
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "building msls: %v\n%s", err, out.String())
		os.RemoveAll(dir)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
