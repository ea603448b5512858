package diagnostics

import "github.com/msls-dev/msls/dockerfile"

// ParseErrorCode is the code of findings for instructions msls (BuildKit)
// cannot parse.
const ParseErrorCode = "ParseError"

// Check runs every enabled rule over the file. Findings are in source order.
func Check(f *dockerfile.File) []Finding {
	out := make([]Finding, 0, len(f.Errors))
	for _, e := range f.Errors {
		out = append(out, Finding{Code: ParseErrorCode, Severity: SeverityError, Message: e.Message, Span: e.Span})
	}
	return out
}
