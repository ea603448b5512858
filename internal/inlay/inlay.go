// Package inlay computes inlay hints: the stage a numeric `--from=<n>` points
// at, and the value a variable in a FROM line takes from its ARG default.
package inlay

import (
	"strconv"
	"strings"

	"github.com/msls-dev/msls/dockerfile"
)

// Kind follows LSP's InlayHintKind.
type Kind int

const (
	KindType      Kind = 1
	KindParameter Kind = 2
)

// Hint is one inlay hint, shown at byte offset Offset.
type Hint struct {
	Offset  int
	Label   string
	Kind    Kind
	Tooltip string
	// PaddingLeft asks for a space between the code and the hint.
	PaddingLeft bool
}

// maxValue bounds a shown value: a hint is a glance, not a listing.
const maxValue = 60

// Hints returns the hints whose offset lies in rng, in source order.
func Hints(f *dockerfile.File, rng dockerfile.Span) []Hint {
	var out []Hint
	add := func(h Hint) {
		if h.Offset >= rng.Start && h.Offset <= rng.End {
			out = append(out, h)
		}
	}
	for _, in := range f.Instructions {
		if in.Span.End < rng.Start || in.Span.Start > rng.End {
			continue
		}
		target := in
		if in.Sub != nil {
			target = in.Sub
		}
		for _, fl := range target.Flags {
			switch {
			case strings.EqualFold(fl.Name, "from") && target.Keyword == "COPY":
				if h, ok := stageHint(f, fl.Value, fl.ValueSpan.End, in); ok {
					add(h)
				}
			case strings.EqualFold(fl.Name, "mount") && target.Keyword == "RUN":
				for _, h := range mountHints(f, fl, in) {
					add(h)
				}
			}
		}
		if in.Is("FROM") {
			for _, r := range in.VarRefs {
				if h, ok := varHint(f, r); ok {
					add(h)
				}
			}
		}
	}
	return out
}

// stageHint names the stage behind a numeric reference.
func stageHint(f *dockerfile.File, ref string, at int, in *dockerfile.Instruction) (Hint, bool) {
	n, err := strconv.Atoi(ref)
	if err != nil || n < 0 || n >= len(f.Stages) || strconv.Itoa(n) != ref {
		return Hint{}, false
	}
	if n >= in.Stage {
		return Hint{}, false // not an earlier stage: a diagnostic, not a hint
	}
	st := f.Stages[n]
	label := st.Name
	tip := "stage " + ref + " (" + st.Name + "), built FROM " + st.BaseImage
	if label == "" {
		label = "FROM " + st.BaseImage
		tip = "stage " + ref + " is the unnamed stage built FROM " + st.BaseImage + "; name it with AS to refer to it by name"
	}
	return Hint{Offset: at, Label: ": " + clip(label), Kind: KindType, Tooltip: tip, PaddingLeft: false}, true
}

// mountHints handles `RUN --mount=...,from=<n>`.
func mountHints(f *dockerfile.File, fl dockerfile.Flag, in *dockerfile.Instruction) []Hint {
	var out []Hint
	v := fl.Value
	at := fl.ValueSpan.Start
	if fl.ValueSpan.Len() != len(v) {
		return nil // the value crosses a line continuation: offsets would be off
	}
	for _, field := range strings.Split(v, ",") {
		if k, val, ok := strings.Cut(field, "="); ok && strings.EqualFold(k, "from") {
			if h, ok := stageHint(f, val, at+len(field), in); ok {
				out = append(out, h)
			}
		}
		at += len(field) + 1
	}
	return out
}

// varHint shows the value a FROM-line variable gets from a global ARG default.
func varHint(f *dockerfile.File, r dockerfile.VarRef) (Hint, bool) {
	v, ok := f.LookupVar(r.Name, r.Span.Start)
	if !ok || !v.HasValue || v.Value == "" {
		return Hint{}, false
	}
	val := unquote(v.Value)
	line, _ := f.Lines.LineCol(v.NameSpan.Start)
	return Hint{
		Offset:  r.Span.End,
		Label:   "= " + clip(val),
		Kind:    KindParameter,
		Tooltip: "default of ARG " + v.Name + " (line " + strconv.Itoa(line) + "); --build-arg " + v.Name + "=... overrides it",
	}, true
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

func clip(s string) string {
	if r := []rune(s); len(r) > maxValue {
		return string(r[:maxValue-1]) + "…"
	}
	return s
}
