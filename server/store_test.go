package server

import (
	"fmt"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/msls-dev/msls/dockerfile"
)

// TestSnapshotParsesFromNewestParsedVersion: a version parses from the
// newest version of its document parsed so far, without parsing the versions
// in between, and models its text exactly as a parse from scratch does.
func TestSnapshotParsesFromNewestParsedVersion(t *testing.T) {
	s := New(Options{})
	uri := protocol.DocumentURI("file:///w/Dockerfile")
	v1Text := "FROM alpine AS base\nRUN apk add curl\n# note\nFROM base\nCOPY . .\n"
	v1 := s.newSnapshot(uri, 1, "dockerfile", []byte(v1Text))
	f1 := v1.File()
	v2 := s.nextSnapshot(v1, 2, []byte(strings.Replace(v1Text, "# note", "# notes", 1)))
	v3 := s.nextSnapshot(v2, 3, []byte(strings.Replace(v1Text, "# note", "# notes!", 1)))
	f3 := v3.File()
	if v2.parsed.file != nil {
		t.Error("an intermediate version was parsed to serve as a base")
	}
	if f3.Instructions[1] != f1.Instructions[1] {
		t.Error("the instruction before the edit was not taken from the previous parse")
	}
	if got, want := fileSummary(f3), fileSummary(dockerfile.Parse(v3.Text)); got != want {
		t.Errorf("v3 parsed from v1:\n%s\nwant\n%s", got, want)
	}
	// An older version parsed late parses from the newest (v3) and does not
	// replace it as the base.
	f2 := v2.File()
	if got, want := fileSummary(f2), fileSummary(dockerfile.Parse(v2.Text)); got != want {
		t.Errorf("v2 parsed from v3:\n%s\nwant\n%s", got, want)
	}
	if v3.base.get() != f3 {
		t.Error("parsing an older version replaced the base")
	}
	// A document opened anew starts from nothing.
	if o := s.newSnapshot(uri, 1, "dockerfile", []byte(v1Text)); o.base == v1.base {
		t.Error("a new document shares the base of an earlier one")
	}
}

// TestDidChangeParsesFromPreviousVersion goes through the protocol: the
// snapshot didChange makes is parsed from the one before.
func TestDidChangeParsesFromPreviousVersion(t *testing.T) {
	c := startPipe(t, `{"capabilities":{}}`)
	const uri = "file:///w/Dockerfile"
	c.open(uri, "FROM alpine\nRUN apk add curl\nCMD [\"sh\"]\n", 1)
	c.publishFor(uri, 1)
	v1, _ := c.srv.Latest(uri)
	c.sendRaw(fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":%q,"version":2},"contentChanges":[{"range":{"start":{"line":2,"character":9},"end":{"line":2,"character":9}},"text":", \"-l\""}]}}`, uri))
	c.publishFor(uri, 2)
	v2, _ := c.srv.Latest(uri)
	if v2.Version != 2 || v2.base != v1.base {
		t.Fatalf("version %d does not share its document's base", v2.Version)
	}
	if v2.File().Instructions[1] != v1.File().Instructions[1] {
		t.Error("didChange's snapshot re-parsed an instruction the edit did not touch")
	}
	if got := v2.File().Instructions[2].Args; len(got) != 2 || got[1].Value != "-l" {
		t.Errorf("edited CMD args %+v", got)
	}
}

func fileSummary(f *dockerfile.File) string {
	var b strings.Builder
	for _, in := range f.Instructions {
		fmt.Fprintf(&b, "%s %+v %d-%d %+v stage=%d err=%v\n", in.Keyword, in.Span, in.StartLine, in.EndLine, in.Args, in.Stage, in.Err)
	}
	fmt.Fprintf(&b, "stages=%d comments=%+v errors=%+v\n", len(f.Stages), f.Comments, f.Errors)
	return b.String()
}
