package corpustest

import (
	"bytes"
	"fmt"
	"sort"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/msls-dev/msls/dockerfile"
)

// ApplyEdits applies an edit set the way an editor does, refusing edits that
// fall outside the text, are reversed, or overlap (two insertions at one
// offset are fine and keep their order).
func ApplyEdits(text []byte, edits []dockerfile.Edit) ([]byte, error) {
	es := append([]dockerfile.Edit(nil), edits...)
	sort.SliceStable(es, func(i, j int) bool { return es[i].Span.Start < es[j].Span.Start })
	var out bytes.Buffer
	at := 0
	for _, e := range es {
		switch {
		case e.Span.Start < 0 || e.Span.End > len(text) || e.Span.Start > e.Span.End:
			return nil, fmt.Errorf("edit %v outside the text [0,%d] or reversed", e.Span, len(text))
		case e.Span.Start < at:
			return nil, fmt.Errorf("edit %v overlaps the previous edit (ending at %d)", e.Span, at)
		}
		out.Write(text[at:e.Span.Start])
		out.WriteString(e.NewText)
		at = e.Span.End
	}
	out.Write(text[at:])
	return out.Bytes(), nil
}

// BuildKitLevel is how far BuildKit gets with a Dockerfile.
type BuildKitLevel int

const (
	// BuildKitRejects: the parser itself fails.
	BuildKitRejects BuildKitLevel = iota
	// BuildKitParses: the AST parses, the typed instructions do not.
	BuildKitParses
	// BuildKitInstructions: every instruction parses to its typed form.
	BuildKitInstructions
)

func (l BuildKitLevel) String() string {
	return [...]string{"rejected by BuildKit's parser", "parsed, but not to typed instructions", "parsed to typed instructions"}[l]
}

// BuildKit reports how far BuildKit's own front end gets with text, and the
// error that stopped it.
func BuildKit(text []byte) (level BuildKitLevel, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("BuildKit panicked: %v", r)
		}
	}()
	res, err := parser.Parse(bytes.NewReader(text))
	if err != nil {
		return BuildKitRejects, err
	}
	if _, _, err := instructions.Parse(res.AST, nil); err != nil {
		return BuildKitParses, err
	}
	return BuildKitInstructions, nil
}

// EditedStillParses applies edits to text and checks the result with
// BuildKit: an edit must not take a Dockerfile below the level BuildKit
// reached before (a file BuildKit parsed must still parse). It returns the
// new text.
func EditedStillParses(text []byte, edits []dockerfile.Edit) ([]byte, error) {
	before, _ := BuildKit(text)
	return EditedStillReaches(text, before, edits)
}

// EditedStillReaches is EditedStillParses with BuildKit's level for text
// already known (a sweep checks many edits of one text).
func EditedStillReaches(text []byte, before BuildKitLevel, edits []dockerfile.Edit) ([]byte, error) {
	out, err := ApplyEdits(text, edits)
	if err != nil {
		return nil, err
	}
	after, aerr := BuildKit(out)
	if after < before {
		return out, fmt.Errorf("before the edit BuildKit %s; after it, %s: %v", before, after, aerr)
	}
	return out, nil
}
