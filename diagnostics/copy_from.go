package diagnostics

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/moby/buildkit/util/suggest"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// CopyFromUnknownStageRule flags `--from` values that name no earlier stage
// and do not look like an image reference.
var CopyFromUnknownStageRule = register(&Rule{
	Code:     "CopyFromUnknownStage",
	Severity: SeverityWarning,
	Summary:  "COPY --from (or RUN --mount from=) names no earlier stage and is not an image reference",
	Aliases:  []string{"DL3022"},
	Check:    checkCopyFromUnknown,
	Fix:      FixAttached,
})

// CopyFromOwnStageRule flags `COPY --from` naming the stage it is in.
var CopyFromOwnStageRule = register(&Rule{
	Code:     "CopyFromOwnStage",
	Severity: SeverityError,
	Summary:  "COPY --from names the stage it is in",
	Aliases:  []string{"DL3023"},
	Check:    checkCopyFromOwn,
})

// fromRef is one stage reference of an instruction: COPY --from or a RUN mount's from=.
type fromRef struct {
	in    *dockerfile.Instruction
	value string
	span  dockerfile.Span
}

type fromRefsKey struct{}

// fromRefs lists the stage references of f, once per version (three rules
// read them; shared, read only).
func fromRefs(f *dockerfile.File) []fromRef {
	return f.Derived(fromRefsKey{}, func() any { return findFromRefs(f) }).([]fromRef)
}

func findFromRefs(f *dockerfile.File) []fromRef {
	var out []fromRef
	for _, in := range f.Instructions {
		if in.Sub != nil || in.Stage < 0 {
			continue
		}
		if in.Is("COPY") || in.Is("ADD") {
			if fl, ok := in.Flag("from"); ok && fl.HasValue && fl.Value != "" {
				out = append(out, fromRef{in: in, value: strings.Trim(fl.Value, `"'`), span: fl.ValueSpan})
			}
		}
		if in.Is("RUN") {
			for _, m := range ecosystem.Mounts(in) {
				if m.From != "" {
					sp := m.Span
					if i := strings.Index(f.Slice(m.Span), "from="+m.From); i >= 0 {
						sp = dockerfile.Span{Start: m.Span.Start + i + 5, End: m.Span.Start + i + 5 + len(m.From)}
					}
					out = append(out, fromRef{in: in, value: m.From, span: sp})
				}
			}
		}
	}
	return out
}

// stageNumber is strconv.Atoi of a --from value. Most values name a stage,
// and Atoi's error for them costs allocations on every check: a value that
// does not start with a digit or a sign is no number.
func stageNumber(v string) (int, bool) {
	if v == "" || (v[0] < '0' || v[0] > '9') && v[0] != '-' && v[0] != '+' {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	return n, err == nil
}

// looksLikeImage reports whether a --from value reads as an image reference
// (a registry, a namespace, a tag or a digest) rather than a stage name.
func looksLikeImage(v string) bool { return strings.ContainsAny(v, ":/@.") }

func checkCopyFromUnknown(f *dockerfile.File) []Finding {
	var out []Finding
	for _, r := range fromRefs(f) {
		if hasVar(r.value) || looksLikeImage(r.value) {
			continue
		}
		if n, ok := stageNumber(r.value); ok {
			if n >= 0 && n < r.in.Stage {
				continue
			}
			msg := fmt.Sprintf("--from=%d: there is no stage %d before this one (stages are numbered from 0; this is stage %d)", n, n, r.in.Stage)
			out = append(out, Finding{Message: msg, Span: r.span})
			continue
		}
		st := f.StageByName(r.value)
		if st != nil && st.Index < r.in.Stage {
			continue
		}
		if st != nil && st.Index == r.in.Stage {
			continue // CopyFromOwnStage reports it
		}
		var msg string
		if st != nil {
			msg = fmt.Sprintf("--from=%s names stage %q, which is defined later (line %d): a stage can only copy from stages above it", r.value, st.Name, lineOf(f, st.From.Span.Start))
		} else {
			msg = fmt.Sprintf("--from=%s: no stage is named %q. For an image, write a tag (%s:latest)", r.value, r.value, r.value)
		}
		fd := Finding{Message: msg, Span: r.span}
		if best := closestStage(f, r.value, r.in.Stage); best != "" {
			fd.Message += fmt.Sprintf("; did you mean %q?", best)
			fd.Fixes = []Fix{{Title: fmt.Sprintf("Change to --from=%s", best), Edits: []dockerfile.Edit{{Span: r.span, NewText: best}}, Preferred: true}}
		}
		out = append(out, fd)
	}
	return out
}

func checkCopyFromOwn(f *dockerfile.File) []Finding {
	var out []Finding
	for _, r := range fromRefs(f) {
		if hasVar(r.value) {
			continue
		}
		own := false
		if n, ok := stageNumber(r.value); ok {
			own = n == r.in.Stage
		} else if st := f.StageByName(r.value); st != nil && st.Index == r.in.Stage && st.Name != "" {
			own = true
		}
		if own {
			out = append(out, Finding{Message: fmt.Sprintf("--from=%s names the stage this instruction is in: a stage cannot copy from itself", r.value), Span: r.span})
		}
	}
	return out
}

// closestStage suggests an earlier stage name within two edits, in any
// case (BuildKit's suggest.Search, which BuildKit uses for its own "did you
// mean").
func closestStage(f *dockerfile.File, v string, before int) string {
	var names []string
	byLower := map[string]string{}
	for _, s := range f.Stages {
		if s.Index >= before || s.Name == "" {
			continue
		}
		names = append(names, s.Name)
		if _, seen := byLower[strings.ToLower(s.Name)]; !seen {
			byLower[strings.ToLower(s.Name)] = s.Name
		}
	}
	best, ok := suggest.Search(v, names, false)
	if !ok {
		return ""
	}
	return byLower[strings.ToLower(best)]
}
