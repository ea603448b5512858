package engine

import (
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/msls-dev/msls/dockerfile"
)

// TestCheckCachesUntilClose: a document's BuildKit results are kept between
// its versions and dropped when it closes.
func TestCheckCachesUntilClose(t *testing.T) {
	e := New(nil)
	f := dockerfile.Parse([]byte("FROM alpine AS Build\nWORKDIR rel\n"))
	first := e.Check("a", f, nil)
	if e.CacheBytes() == 0 {
		t.Fatal("nothing cached after a check")
	}
	if again := e.Check("a", f, nil); len(again) != len(first) {
		t.Errorf("the cached check found %d findings, the first %d", len(again), len(first))
	}
	e.Close("a")
	if n := e.CacheBytes(); n != 0 {
		t.Errorf("the closed document left %d bytes", n)
	}
}

// TestCheckLogsRecoveredPanics: a panic of BuildKit's parser recovered in
// the model is logged with its stack.
func TestCheckLogsRecoveredPanics(t *testing.T) {
	core, logs := observer.New(zap.ErrorLevel)
	e := New(zap.New(core))
	f := dockerfile.Parse([]byte("FROM alpine\n"))
	f.Panics = []dockerfile.Panic{{Line: 0, Value: "boom", Stack: []byte("goroutine 1 [running]:")}}
	e.Check("doc", f, nil)
	entries := logs.All()
	if len(entries) != 1 {
		t.Fatalf("%d log entries, want 1", len(entries))
	}
	fields := entries[0].ContextMap()
	if fields["panic"] != "boom" || fields["stack"] != "goroutine 1 [running]:" || fields["doc"] != "doc" {
		t.Errorf("logged %v", fields)
	}
}
