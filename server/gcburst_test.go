package server

import (
	"bytes"
	"math"
	"runtime/debug"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/protocol"
)

func gcSettings() (percent int, limit int64) {
	percent = debug.SetGCPercent(100)
	debug.SetGCPercent(percent)
	return percent, debug.SetMemoryLimit(-1)
}

// TestPauseGCRestores: the collector is off while any burst is under way,
// with a memory limit below the one set before, and both settings come back
// when the last burst ends, however bursts overlap and even if a resume is
// called twice.
func TestPauseGCRestores(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(137))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	resume1 := pauseGC()
	if p, l := gcSettings(); p != -1 || l == math.MaxInt64 {
		t.Fatalf("during a burst: GOGC %d, memory limit %d; want off and a limit", p, l)
	}
	resume2 := pauseGC()
	resume1()
	resume1()
	if p, _ := gcSettings(); p != -1 {
		t.Fatalf("one of two bursts ended: GOGC %d, want still off", p)
	}
	resume2()
	if p, l := gcSettings(); p != 137 || l != math.MaxInt64 {
		t.Fatalf("after the bursts: GOGC %d, memory limit %d; want 137 and %d", p, l, int64(math.MaxInt64))
	}
	// a user's lower GOMEMLIMIT stays
	debug.SetMemoryLimit(64 << 20)
	resume := pauseGC()
	if _, l := gcSettings(); l != 64<<20 {
		t.Errorf("during a burst with GOMEMLIMIT 64 MiB: limit %d", l)
	}
	resume()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { pauseGC()() })
	}
	wg.Wait()
	if p, l := gcSettings(); p != 137 || l != 64<<20 {
		t.Errorf("after concurrent bursts: GOGC %d, memory limit %d", p, l)
	}
}

// TestFirstCheckOfLargeDocumentPausesGC: only the first check of a large
// document is a burst; a small document and a later version are not.
func TestFirstCheckOfLargeDocumentPausesGC(t *testing.T) {
	s := New(Options{})
	large := bytes.Repeat([]byte("FROM alpine AS build\nRUN echo hello\nCOPY . /src\n"), gcBurstMinBytes/40)
	pauses := func() int {
		gcBurst.mu.Lock()
		defer gcBurst.mu.Unlock()
		return gcBurst.pauses
	}
	before := pauses()
	small := s.newSnapshot("file:///small/Dockerfile", 1, "dockerfile", []byte("FROM alpine\n"))
	s.computeFindings(small)
	if pauses() != before {
		t.Fatal("the first check of a small document paused the collector")
	}
	snap := s.newSnapshot(protocol.DocumentURI("file:///large/Dockerfile"), 1, "dockerfile", large)
	s.computeFindings(snap)
	if pauses() != before+1 {
		t.Fatalf("the first check of a %d-byte document did not pause the collector", len(large))
	}
	next := s.nextSnapshot(snap, 2, append(bytes.Clone(large), "USER app\n"...))
	s.computeFindings(next)
	if pauses() != before+1 {
		t.Fatal("the check of a later version paused the collector")
	}
	if p, _ := gcSettings(); p == -1 {
		t.Fatal("the collector is still off")
	}
}

// TestGCRunsWhileTheConfigurationIsLookedUp: a burst that has parsed the
// document and waits for a slow configuration lookup (a network file
// system) lets the collector run meanwhile, and pauses it again for the
// check.
func TestGCRunsWhileTheConfigurationIsLookedUp(t *testing.T) {
	s := New(Options{})
	release := make(chan struct{})
	s.beforeRuleOptions = func() { <-release }
	state := func() (n, pauses int) {
		gcBurst.mu.Lock()
		defer gcBurst.mu.Unlock()
		return gcBurst.n, gcBurst.pauses
	}
	_, before := state()
	large := bytes.Repeat([]byte("FROM alpine AS build\nRUN echo hello\nCOPY . /src\n"), gcBurstMinBytes/40)
	snap := s.newSnapshot("file:///slow/Dockerfile", 1, "dockerfile", large)
	done := make(chan []byte)
	go func() {
		s.computeFindings(snap)
		close(done)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		n, pauses := state()
		if pauses == before+1 && n == 0 {
			break // parsed, waiting for the configuration, collector on
		}
		if time.Now().After(deadline) {
			close(release)
			t.Fatalf("the burst did not let the collector run while waiting (bursts under way %d, begun %d)", n, pauses-before)
		}
		time.Sleep(time.Millisecond)
	}
	if p, _ := gcSettings(); p == -1 {
		t.Fatal("the collector is off while the burst waits for the configuration")
	}
	close(release)
	<-done
	if n, pauses := state(); n != 0 || pauses != before+2 {
		t.Fatalf("after the check: bursts under way %d, begun %d; want 0 and 2", n, pauses-before)
	}
}
