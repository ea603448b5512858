package engine

import (
	"reflect"
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
	if first := e.Check("a", f, nil); len(first) == 0 || e.Docs() != 0 {
		t.Fatalf("a document not open: %d findings, state kept for %d documents", len(first), e.Docs())
	}
	e.Open("a")
	first := e.Check("a", f, nil)
	if e.Docs() != 1 {
		t.Fatalf("state kept for %d documents after a check, want 1", e.Docs())
	}
	if again := e.Check("a", f, nil); !reflect.DeepEqual(again, first) {
		t.Errorf("the cached check found %v, the first %v", again, first)
	}
	e.Close("a")
	if n := e.Docs(); n != 0 {
		t.Errorf("the closed document left state for %d documents", n)
	}
	e.Check("a", f, nil) // a check that began before the close
	if n := e.Docs(); n != 0 {
		t.Errorf("a check after the close brought back state for %d documents", n)
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

// TestResetRenewsOnlyOpenDocuments: Reset drops an open document's state
// (the server's documents going cold) and brings back none for a closed one.
func TestResetRenewsOnlyOpenDocuments(t *testing.T) {
	e := New(nil)
	e.Open("a")
	e.Check("a", dockerfile.Parse([]byte("FROM alpine AS Build\nWORKDIR rel\n")), nil)
	before := e.docs["a"]
	e.Reset("a")
	if e.docs["a"] == before || e.docs["a"] == nil {
		t.Error("Reset kept the open document's state")
	}
	e.Reset("closed")
	if n := e.Docs(); n != 1 {
		t.Errorf("state kept for %d documents after a Reset of one not open, want 1", n)
	}
}
