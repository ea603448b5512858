package server

import (
	"go.lsp.dev/protocol"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
)

// OffsetToPosition converts a byte offset of f to an LSP position (UTF-16).
func OffsetToPosition(f *dockerfile.File, off int) protocol.Position {
	p := f.Lines.Position(off)
	return protocol.Position{Line: uint32(p.Line), Character: uint32(p.Character)}
}

// PositionToOffset converts an LSP position to a byte offset of f, clamping
// positions outside the text.
func PositionToOffset(f *dockerfile.File, p protocol.Position) int {
	off, _ := f.Lines.Offset(dockerfile.Position{Line: int(p.Line), Character: int(p.Character)})
	return off
}

// SpanToRange converts a byte span of f to an LSP range.
func SpanToRange(f *dockerfile.File, sp dockerfile.Span) protocol.Range {
	return protocol.Range{Start: OffsetToPosition(f, sp.Start), End: OffsetToPosition(f, sp.End)}
}

// RangeToSpan converts an LSP range to a byte span of f (clamped, ordered).
func RangeToSpan(f *dockerfile.File, r protocol.Range) dockerfile.Span {
	start, end := PositionToOffset(f, r.Start), PositionToOffset(f, r.End)
	if end < start {
		start, end = end, start
	}
	return dockerfile.Span{Start: start, End: end}
}

// EditsToTextEdits converts model edits on f to LSP text edits.
func EditsToTextEdits(f *dockerfile.File, edits []dockerfile.Edit) []protocol.TextEdit {
	out := make([]protocol.TextEdit, len(edits))
	for i, e := range edits {
		out[i] = protocol.TextEdit{Range: SpanToRange(f, e.Span), NewText: e.NewText}
	}
	return out
}

// Diagnostic converts a finding on snap to the diagnostic msls publishes
// for it; code actions can use it to match the client's context.diagnostics.
func Diagnostic(snap *Snapshot, fd diagnostics.Finding) protocol.Diagnostic {
	f := snap.File()
	d := protocol.Diagnostic{
		Range:    SpanToRange(f, fd.Span),
		Severity: protocol.DiagnosticSeverity(fd.Severity),
		Code:     fd.Code,
		Source:   "msls",
		Message:  fd.Message,
	}
	if fd.URL != "" {
		d.CodeDescription = &protocol.CodeDescription{Href: protocol.URI(fd.URL)}
	}
	if fd.Unnecessary {
		d.Tags = append(d.Tags, protocol.DiagnosticTagUnnecessary)
	}
	if fd.Deprecated {
		d.Tags = append(d.Tags, protocol.DiagnosticTagDeprecated)
	}
	for _, r := range fd.Related {
		d.RelatedInformation = append(d.RelatedInformation, protocol.DiagnosticRelatedInformation{
			Location: protocol.Location{URI: snap.URI, Range: SpanToRange(f, r.Span)},
			Message:  r.Message,
		})
	}
	return d
}

// Diagnostics converts all findings of snap.
func Diagnostics(snap *Snapshot) []protocol.Diagnostic {
	fs := snap.Findings()
	out := make([]protocol.Diagnostic, len(fs))
	for i, fd := range fs {
		out[i] = Diagnostic(snap, fd)
	}
	return out
}
