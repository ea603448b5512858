package navigation

import (
	"fmt"
	"sort"
	"strings"

	"github.com/msls-dev/msls/dockerfile"
)

// SymbolKind is the kind of an outline entry.
type SymbolKind int

const (
	SymbolStage SymbolKind = iota
	SymbolVariable
	SymbolInstruction
)

// Symbol is one entry of the document outline.
type Symbol struct {
	Name   string
	Detail string
	Kind   SymbolKind
	// Span is the whole entry; SelectionSpan the part to reveal (a name).
	Span, SelectionSpan dockerfile.Span
	Children            []Symbol
}

const maxSymbolName = 60

// DocumentSymbols is the outline: global ARGs, then each stage (named by its
// `AS` name, which is also its `docker build --target`, or by its index;
// detail = base image) with its instructions as children. ARG and ENV
// contribute one child per variable.
func DocumentSymbols(f *dockerfile.File) []Symbol {
	var out []Symbol
	for _, in := range f.Instructions {
		if in.Stage < 0 {
			out = append(out, instructionSymbols(f, in)...)
		}
	}
	for _, s := range f.Stages {
		sym := Symbol{Kind: SymbolStage, Span: s.Span, Detail: s.BaseImage}
		if s.Name != "" {
			sym.Name, sym.SelectionSpan = s.Name, s.NameSpan
		} else {
			sym.Name, sym.SelectionSpan = fmt.Sprintf("stage %d", s.Index), s.From.KeywordSpan
		}
		if s.Platform != "" {
			sym.Detail += " (" + s.Platform + ")"
		}
		for _, in := range s.Instructions[1:] {
			sym.Children = append(sym.Children, instructionSymbols(f, in)...)
		}
		out = append(out, sym)
	}
	return out
}

func instructionSymbols(f *dockerfile.File, in *dockerfile.Instruction) []Symbol {
	if in.Is("ARG") || in.Is("ENV") {
		var out []Symbol
		for _, v := range declaredVars(f, in) {
			detail := in.Keyword
			if v.HasValue {
				detail += " = " + clip(v.Value)
			}
			out = append(out, Symbol{Name: v.Name, Detail: detail, Kind: SymbolVariable, Span: in.Span, SelectionSpan: v.NameSpan})
		}
		if len(out) > 0 {
			return out
		}
	}
	name := in.Keyword
	if args := strings.Join(strings.Fields(argsWithFlags(f, in)), " "); args != "" {
		name += " " + args
	}
	return []Symbol{{Name: clip(name), Kind: SymbolInstruction, Span: in.Span, SelectionSpan: in.KeywordSpan}}
}

// argsWithFlags is the instruction after its keyword on its first line,
// so that `COPY --from=builder ...` shows where it copies from.
func argsWithFlags(f *dockerfile.File, in *dockerfile.Instruction) string {
	var parts []string
	for _, fl := range in.Flags {
		parts = append(parts, "--"+fl.Name+map[bool]string{true: "=" + fl.Value, false: ""}[fl.HasValue])
	}
	return strings.Join(append(parts, in.ArgsText), " ")
}

func declaredVars(f *dockerfile.File, in *dockerfile.Instruction) []dockerfile.Var {
	vars := f.GlobalArgs
	if in.Stage >= 0 && in.Stage < len(f.Stages) {
		vars = f.Stages[in.Stage].Vars
	}
	var out []dockerfile.Var
	for _, v := range vars {
		if v.Inst == in {
			out = append(out, v)
		}
	}
	return out
}

func clip(s string) string {
	if len([]rune(s)) <= maxSymbolName {
		return s
	}
	return string([]rune(s)[:maxSymbolName-1]) + "…"
}

// FoldKind is the kind of a folding range.
type FoldKind int

const (
	FoldRegion FoldKind = iota
	FoldComment
)

// Fold is a range of lines (0-based, inclusive) the editor can fold.
type Fold struct {
	StartLine, EndLine int
	Kind               FoldKind
}

// FoldingRanges folds each stage, each multi-line instruction, each heredoc
// of an instruction with several, and each block of two or more comment
// lines.
func FoldingRanges(f *dockerfile.File) []Fold {
	var out []Fold
	for _, s := range f.Stages {
		start, end := f.Lines.Line(s.Span.Start), f.Lines.Line(s.Span.End)
		if end > start {
			out = append(out, Fold{StartLine: start, EndLine: end})
		}
	}
	for _, in := range f.Instructions {
		if in.EndLine > in.StartLine && !(in.Is("FROM") && in.Stage >= 0) {
			out = append(out, Fold{StartLine: in.StartLine, EndLine: in.EndLine})
		}
		if len(in.Heredocs) > 1 {
			for _, h := range in.Heredocs {
				start, end := f.Lines.Line(h.BodySpan.Start), f.Lines.Line(h.EndSpan.Start)
				if end > start {
					out = append(out, Fold{StartLine: start, EndLine: end})
				}
			}
		}
	}
	// Comment blocks: consecutive comment lines.
	runStart, prev := -1, -2
	flush := func() {
		if runStart >= 0 && prev > runStart {
			out = append(out, Fold{StartLine: runStart, EndLine: prev, Kind: FoldComment})
		}
	}
	for _, c := range f.Comments {
		l := f.Lines.Line(c.Span.Start)
		if l != prev+1 {
			flush()
			runStart = l
		}
		prev = l
	}
	flush()
	sortFolds(out)
	return out
}

func sortFolds(fs []Fold) {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].StartLine != fs[j].StartLine {
			return fs[i].StartLine < fs[j].StartLine
		}
		return fs[i].EndLine > fs[j].EndLine
	})
}
