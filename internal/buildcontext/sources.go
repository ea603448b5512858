package buildcontext

import (
	"strings"

	"github.com/msls-dev/msls/dockerfile"
)

// Source is one COPY/ADD source that names build-context files.
type Source struct {
	// Value is the source as written, quotes removed.
	Value string
	// Span is the source word in the Dockerfile.
	Span dockerfile.Span
	// Parents is set for `COPY --parents`.
	Parents bool
}

// Sources lists the context sources of a COPY or ADD: none for `--from`
// copies (another stage or image), ONBUILD triggers (they run in another
// build), heredocs, URLs and git repositories.
func Sources(in *dockerfile.Instruction) []Source {
	if in == nil || in.Sub != nil || !in.Is("COPY") && !in.Is("ADD") || len(in.Args) < 2 {
		return nil
	}
	if _, ok := in.Flag("from"); ok {
		return nil
	}
	parents := false
	if fl, ok := in.Flag("parents"); ok {
		parents = !fl.HasValue || !strings.EqualFold(fl.Value, "false")
	}
	var out []Source
	for _, a := range in.Args[:len(in.Args)-1] {
		v := a.Value
		if !in.JSON {
			v = unquote(v)
		}
		if v == "" || strings.HasPrefix(v, "<<") || isRemote(v) {
			continue
		}
		out = append(out, Source{Value: v, Span: a.Span, Parents: parents})
	}
	return out
}

func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' && v[len(v)-1] == '"' || v[0] == '\'' && v[len(v)-1] == '\'') {
		return v[1 : len(v)-1]
	}
	return v
}

// isRemote reports whether an ADD source is fetched (URL, git) rather than
// taken from the context.
func isRemote(v string) bool {
	return strings.Contains(v, "://") || strings.HasPrefix(v, "git@")
}
