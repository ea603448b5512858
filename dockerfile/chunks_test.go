package dockerfile_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/corpustest"
)

// TestChunkedParseMatchesSequential: a file scanned and parsed in chunks is
// the File a scan of the whole file gives, everything it holds dumped
// (instructions, BuildKit's nodes and commands, comments, errors, stages),
// BuildKit's cache emptied before each parse. The thresholds are lowered so
// that every corpus file of a few lines is cut into up to four chunks, and
// the cases put cuts where a guess goes wrong: instruction-like lines in
// heredoc bodies, continuations through comments and blank lines, an escape
// directive.
func TestChunkedParseMatchesSequential(t *testing.T) {
	heredocs := "FROM a\nRUN <<EOF\nFROM b\nCOPY x y\necho hi\nWORKDIR /\nEOF\nRUN x\nCOPY <<A <<B /d\nWORKDIR /a\nA\nUSER b\nB\n"
	continuations := "FROM a\nRUN a \\\n# c\nb \\\n\nc\nENV A=1 \\\n  B=2\n  # x\nCOPY . .\nRUN y `\nz\n"
	srcs := map[string][]byte{
		"heredocs":      []byte(strings.Repeat(heredocs, 20)),
		"continuations": []byte(strings.Repeat(continuations, 20)),
		"escape":        []byte("# escape=`\n" + strings.Repeat("FROM a\nRUN a `\n  b\nCOPY . .\n", 20)),
		"check-above":   []byte(strings.Repeat("FROM a\nWORKDIR /w\n# check=skip=all\nRUN a\n# syntax=x\nRUN b\n\n", 20)),
		"errors":        []byte(strings.Repeat("FROM\nRUN\nCOPY --from= a b\nBOGUS x\nWORKDIR /a\n", 20)),
		"crlf":          []byte(strings.Repeat("FROM a\r\nRUN echo a \\\r\n b\r\nUSER u\r\n", 20)),
		// every line that looks like a cut is in the heredoc's body
		"in-heredoc": []byte("FROM a\nRUN <<EOF\n" + strings.Repeat("echo x\nWORKDIR /\n", 40) + "EOF\n"),
	}
	crafted := len(srcs)
	corpustest.AddAll(t, srcs)
	corpustest.AddTestdata(t, srcs)
	chunked, long := map[string]bool{}, 0
	misses := dockerfile.ChunkMisses()
	for name, src := range srcs {
		if bytes.Count(src, []byte("\n")) >= 40 {
			long++
		}
		restore := dockerfile.SetChunkKnobs(1<<30, 0, 0)
		dockerfile.DropBuildKitCache()
		want := dockerfile.Parse(src)
		restore()
		restore = dockerfile.SetChunkKnobs(3, 50, 4)
		dockerfile.DropBuildKitCache()
		before := dockerfile.ChunkedParses()
		got := dockerfile.Parse(src)
		chunked[name] = dockerfile.ChunkedParses() > before
		restore()
		// BuildKit's "did you mean" picks among equally close keywords in
		// map order
		g, w := didYouMean.ReplaceAllString(dockerfile.DumpFile(got), "(did you mean …)"), didYouMean.ReplaceAllString(dockerfile.DumpFile(want), "(did you mean …)")
		if g != w {
			t.Errorf("%s: the chunked parse differs\n got: %s\nwant: %s", name, diffLine(g, w), diffLine(w, g))
			continue
		}
		if i := dockerfile.SameCommands(got, want); i >= 0 {
			t.Errorf("%s: the chunked parse gives instruction %d another command", name, i)
		}
	}
	n := 0
	for _, c := range chunked {
		if c {
			n++
		}
	}
	t.Logf("%d files (%d of 40 lines or more), %d parsed in chunks", len(srcs), long, n)
	// the cases cut where a guess goes wrong, yet cuts hold elsewhere in
	// them; the escape directive is never cut
	for name, want := range map[string]bool{"heredocs": true, "continuations": true, "check-above": true, "errors": true, "crlf": true, "escape": false, "in-heredoc": false} {
		if chunked[name] != want {
			t.Errorf("case %s parsed in chunks: %v, want %v", name, chunked[name], want)
		}
	}
	if dockerfile.ChunkMisses() == misses {
		t.Error("no cut was found not to hold: the check of the cuts went untested")
	}
	if n < long/2 || n < crafted-2 {
		t.Errorf("only %d of %d files were parsed in chunks (%d of 40 lines or more)", n, len(srcs), long)
	}
}

// TestChunkPanicFallsBack: a panic in a chunk's goroutine does not take the
// process down (nothing above that goroutine could recover it): the file is
// parsed in one piece instead, on the caller's goroutine. And a panic in a
// worker of the cold parse's pool reaches the caller, where the server
// recovers it.
func TestChunkPanicFallsBack(t *testing.T) {
	src := []byte(strings.Repeat("FROM alpine AS a\nRUN echo hi\nCOPY . /src\n\n", 40))
	defer dockerfile.SetChunkKnobs(3, 50, 4)()
	dockerfile.DropBuildKitCache()
	want := dockerfile.DumpFile(dockerfile.Parse(src))
	dockerfile.SetChunkHook(func(c int) {
		if c == 1 {
			panic("chunk 1")
		}
	})
	defer dockerfile.SetChunkHook(nil)
	before := dockerfile.ChunkedParses()
	dockerfile.DropBuildKitCache()
	got := dockerfile.DumpFile(dockerfile.Parse(src))
	if dockerfile.ChunkedParses() != before {
		t.Fatal("a parse whose chunk panicked counts as chunked")
	}
	if got != want {
		t.Fatalf("after a chunk panicked: %s\nwant: %s", diffLine(got, want), diffLine(want, got))
	}

	defer func() {
		if p := recover(); p != "worker 70" {
			t.Fatalf("recovered %v from the pool, want the worker's panic", p)
		}
	}()
	defer dockerfile.SetParallelKnobs(3, 2, 2)()
	dockerfile.Parallel(200, func(k int) {
		if k == 70 {
			panic("worker 70")
		}
	})
	t.Fatal("the pool's panic did not reach the caller")
}

// diffLine returns the line of a where a and b first differ.
func diffLine(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range al {
		if i >= len(bl) || al[i] != bl[i] {
			return al[i]
		}
	}
	return "(a prefix of the other)"
}
