package main

import (
	"math"
	"runtime/debug"
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
