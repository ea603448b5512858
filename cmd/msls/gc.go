package main

import (
	"runtime"
	"runtime/debug"
)

// Garbage-collector settings for `msls serve`. A resident language server
// keeps only a few MB live, so with Go's default GOGC=100 it collects every
// few keystrokes; GOGC=200 spends less CPU per edit. The soft limit only
// reins in large files: a tight one made the collector run non-stop while a
// 10,000-line file was first diagnosed. A soft limit never fails an
// allocation. The measurements: docs/performance.md ("GC tuned for a
// resident server").
const (
	serveGCPercent   = 200
	serveMemoryLimit = 128 << 20
)

// `msls check` is a batch job: CPU matters more than a few MB, and each
// file's model is dropped once checked, so the heap stays small; fewer
// collections cut the corpus run's CPU (docs/performance.md, same section).
// The soft limit keeps huge runs in check.
const (
	checkGCPercent   = 400
	checkMemoryLimit = 512 << 20
)

// applyServeGCDefaults sets the defaults above unless the user chose either
// knob through GOGC or GOMEMLIMIT, and reports whether it did.
func applyServeGCDefaults(getenv func(string) string) bool {
	return applyGCDefaults(getenv, serveGCPercent, serveMemoryLimit)
}

func applyGCDefaults(getenv func(string) string, percent int, limit int64) bool {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return false
	}
	debug.SetGCPercent(percent)
	debug.SetMemoryLimit(limit)
	return true
}

// warmHeapBytes is how far the heap grows before the collector first runs at
// serveGCPercent: the runtime's 4 MiB minimum heap, scaled by GOGC.
const warmHeapBytes = 4 << 20 * serveGCPercent / 100

// warmHeap touches n bytes of fresh heap once and frees them. A new process
// takes each page of its heap from the kernel on first touch, and until the
// collector first runs, every keystroke's ~300 KB of short-lived objects
// lands on fresh pages: ~70 page faults a keystroke for its first ~15
// keystrokes, at ~18 us each on the virtual machines msls is benchmarked
// on (a fault costs far less on bare metal). Collected, the touched pages
// stay mapped as free heap (up to the scavenger's goal, ~1.1 times the heap
// goal), and those objects reuse them. `msls serve` runs it beside its
// first requests; docs/performance.md has the measurements.
func warmHeap(n int) {
	b := make([]byte, n)
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
	runtime.KeepAlive(b)
	runtime.GC()
}
