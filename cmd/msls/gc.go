package main

import "runtime/debug"

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
