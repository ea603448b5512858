package server

import (
	"runtime"
	"runtime/debug"
	"sync"
)

// The first parse and check of a large document is one burst of short-lived
// allocations (about 30 MB for 10,000 lines), most of it garbage by the time
// the diagnostics are out. In a server that has just started, the garbage
// collector's pacer is sized for a heap of a few megabytes and runs cycle
// after cycle through the burst, each one marking the half-built model and
// slowing the parse with assists. Measured on the 10,000-line benchmark file,
// fresh processes, 6 runs each: first parse and check 121 ms median with the
// collector as it is, 111 ms with GOGC=300, 99 ms without it. So for the
// length of such a burst the collector is paused, with a memory limit
// (whatever the process uses plus gcBurstHeadroom, or the user's GOMEMLIMIT
// if lower) as the safety net; the collector runs again as soon as the last
// burst ends.

// gcBurstMinBytes is the smallest document whose first check pauses the
// collector (about 1,500 lines of a typical Dockerfile).
const gcBurstMinBytes = 48 << 10

// gcBurstHeadroom bounds what a burst may allocate before the collector runs
// anyway.
const gcBurstHeadroom = 512 << 20

var gcBurst struct {
	mu      sync.Mutex
	n       int // bursts under way
	percent int
	limit   int64
	pauses  int // bursts begun (for tests)
}

// pauseGC pauses the garbage collector until every caller has called the
// returned resume (each exactly once).
func pauseGC() (resume func()) {
	gcBurst.mu.Lock()
	defer gcBurst.mu.Unlock()
	if gcBurst.n == 0 {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		gcBurst.limit = debug.SetMemoryLimit(-1) // reads it
		if l := int64(ms.Sys-ms.HeapReleased) + gcBurstHeadroom; l < gcBurst.limit {
			debug.SetMemoryLimit(l)
		}
		gcBurst.percent = debug.SetGCPercent(-1)
	}
	gcBurst.n++
	gcBurst.pauses++
	var once sync.Once
	return func() {
		once.Do(func() {
			gcBurst.mu.Lock()
			defer gcBurst.mu.Unlock()
			gcBurst.n--
			if gcBurst.n == 0 {
				debug.SetGCPercent(gcBurst.percent)
				debug.SetMemoryLimit(gcBurst.limit)
			}
		})
	}
}
