package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/msls-dev/msls/bench/benchdata"
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/corpustest"
)

// realSizeFiles are the 198-line fixture and the largest files of the shared
// corpus (moby's 649 lines, BuildKit's 511): the files the speed machinery
// must pay for itself on (docs/performance.md). Corpus files are skipped when
// the corpus is absent.
func realSizeFiles(b *testing.B) []benchdata.Size {
	out := []benchdata.Size{{Name: "fixture198", Text: benchdata.MustAll(b)[1].Text}}
	dir, _ := corpustest.Dir()
	for _, c := range []struct{ name, path string }{
		{"moby649", "files/moby__moby/Dockerfile"},
		{"buildkit511", "files/moby__buildkit/Dockerfile"},
	} {
		if text, err := os.ReadFile(filepath.Join(dir, c.path)); err == nil {
			out = append(out, benchdata.Size{Name: c.name, Text: text})
		}
	}
	return out
}

// typingLine inserts, at the instruction boundary nearest the middle of the
// file, a line the benchmark types into: an ENV whose value is retyped on
// every keystroke, so that the lint text changes (nothing is cached) while
// the diagnostics keep their shape. It returns the text and the range of the
// six digits.
func typingLine(text []byte) ([]byte, protocol.Range) {
	lines := bytes.SplitAfter(text, []byte("\n"))
	at := -1
	for i := len(lines) / 2; i < len(lines); i++ {
		prev := []byte{}
		if i > 0 {
			prev = bytes.TrimRight(lines[i-1], "\r\n")
		}
		if bytes.HasPrefix(lines[i], []byte("RUN ")) || bytes.HasPrefix(lines[i], []byte("COPY ")) || bytes.HasPrefix(lines[i], []byte("ENV ")) {
			if !bytes.HasSuffix(prev, []byte("\\")) && !bytes.Contains(prev, []byte("<<")) {
				at = i
				break
			}
		}
	}
	if at < 0 {
		at = len(lines)
	}
	ins := "ENV MSLS_TYPING=000000\n"
	var b bytes.Buffer
	for _, l := range lines[:at] {
		b.Write(l)
	}
	b.WriteString(ins)
	for _, l := range lines[at:] {
		b.Write(l)
	}
	col := uint32(len("ENV MSLS_TYPING="))
	return b.Bytes(), protocol.Range{Start: protocol.Position{Line: uint32(at), Character: col}, End: protocol.Position{Line: uint32(at), Character: col + 6}}
}

// BenchmarkRealSizeOpen is a document opened: its first parse and check.
func BenchmarkRealSizeOpen(b *testing.B) {
	for _, size := range realSizeFiles(b) {
		b.Run(size.Name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				s := New(Options{})
				dropBenchCaches()
				b.StartTimer()
				snap := s.openSnapshot("file:///bench/Dockerfile", 1, size.Text)
				Diagnostics(snap)
			}
		})
	}
}

// BenchmarkRealSizeKeystroke is one keystroke into an instruction (a new
// lint text every time), from the edit to the encoded publishDiagnostics.
func BenchmarkRealSizeKeystroke(b *testing.B) {
	s := New(Options{})
	for _, size := range realSizeFiles(b) {
		text, r := typingLine(size.Text)
		b.Run(size.Name, func(b *testing.B) {
			uri := protocol.DocumentURI("file:///bench/" + size.Name + "/Dockerfile")
			version := int32(1)
			snap := s.openSnapshot(uri, version, text)
			Diagnostics(snap)
			b.ReportAllocs()
			for b.Loop() {
				text = applyChanges(text, []contentChange{{Range: &r, Text: fmt.Sprintf("%06d", typed)}})
				typed++
				version++
				snap = s.nextSnapshot(snap, version, text)
				diags := Diagnostics(snap)
				v := snap.Version
				if _, err := json.Marshal(publishParams{URI: uri, Version: &v, Diagnostics: diags}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

var _ = dockerfile.Parse

// dropBenchCaches: every cache is the Server's (a new one per iteration).
func dropBenchCaches() {}
