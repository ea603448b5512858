package dockerfile

import "testing"

// A `# check=skip=` comment directly above an instruction is BuildKit's
// per-instruction suppression; it must not turn the instruction into a
// parse error.
func TestCheckCommentAboveInstruction(t *testing.T) {
	f := Parse([]byte("FROM alpine\n# check=skip=JSONArgsRecommended\nCMD echo hi\n"))
	if len(f.Errors) != 0 {
		t.Fatalf("errors: %+v", f.Errors)
	}
	if f.Instructions[1].Command == nil {
		t.Fatal("CMD has no BuildKit command")
	}
}
