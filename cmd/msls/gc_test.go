package main

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime/debug"
	"runtime/metrics"
	"testing"
)

func TestServeGCDefaults(t *testing.T) {
	oldPercent := debug.SetGCPercent(100)
	oldLimit := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() {
		debug.SetGCPercent(oldPercent)
		debug.SetMemoryLimit(oldLimit)
	})

	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	if !applyServeGCDefaults(getenv) {
		t.Fatal("defaults not applied with GOGC and GOMEMLIMIT unset")
	}
	if got := debug.SetGCPercent(100); got != serveGCPercent {
		t.Errorf("GC percent = %d, want %d", got, serveGCPercent)
	}
	if got := debug.SetMemoryLimit(-1); got != serveMemoryLimit {
		t.Errorf("memory limit = %d, want %d", got, serveMemoryLimit)
	}

	for _, k := range []string{"GOGC", "GOMEMLIMIT"} {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
		env = map[string]string{k: "50"}
		if applyServeGCDefaults(getenv) {
			t.Errorf("defaults applied although %s is set", k)
		}
		if got := debug.SetGCPercent(100); got != 100 {
			t.Errorf("%s set: GC percent changed to %d", k, got)
		}
	}
}

// TestWarmHeapLeavesPagesMapped checks what warmHeap is for, in a process of
// its own as `msls serve` runs it: afterwards most of the bytes it touched
// are free heap the runtime keeps mapped (not returned to the kernel), for
// the next allocations to reuse without faulting pages in.
func TestWarmHeapLeavesPagesMapped(t *testing.T) {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "MSLS_WARM_HEAP_CHILD=1", "GOGC=", "GOMEMLIMIT=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var grew int
	if _, err := fmt.Sscanf(string(out), "grew %d", &grew); err != nil {
		t.Fatalf("child printed %q", out)
	}
	if grew < warmHeapBytes*3/4 {
		t.Errorf("free mapped heap grew by %d bytes after warmHeap(%d), want most of it", grew, warmHeapBytes)
	}
}

// warmHeapChild is the child's side of TestWarmHeapLeavesPagesMapped, run
// by TestMain: it prints how much the free mapped heap grew.
func warmHeapChild() {
	applyServeGCDefaults(func(string) string { return "" })
	before := heapFree()
	warmHeap(warmHeapBytes)
	fmt.Printf("grew %d\n", int64(heapFree())-int64(before))
}

func heapFree() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/free:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
