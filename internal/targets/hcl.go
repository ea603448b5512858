package targets

import (
	"path"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// hclString is the value of a literal string expression ("x", or a template
// with one literal part) and the byte range of its text; ok is false for
// anything with variables or functions, which bake resolves at build time.
func hclString(e hclsyntax.Expression) (s string, rng hcl.Range, ok bool) {
	switch e := e.(type) {
	case *hclsyntax.TemplateExpr:
		if len(e.Parts) == 0 {
			return "", e.SrcRange, true
		}
		if len(e.Parts) != 1 {
			return "", hcl.Range{}, false
		}
		return hclString(e.Parts[0])
	case *hclsyntax.LiteralValueExpr:
		if !e.Val.Type().Equals(cty.String) || e.Val.IsNull() {
			return "", hcl.Range{}, false
		}
		return e.Val.AsString(), e.SrcRange, true
	case *hclsyntax.TemplateWrapExpr:
		return hclString(e.Wrapped)
	}
	return "", hcl.Range{}, false
}

// parseBakeHCL reads `target "name" { context, dockerfile, target,
// inherits }` blocks of docker-bake.hcl. Only literal strings count; a value
// built from variables or functions makes the entry unresolved.
func parseBakeHCL(rel string, content []byte) []Target {
	f, _ := hclsyntax.ParseConfig(content, rel, hcl.InitialPos)
	if f == nil {
		return nil
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return nil
	}
	x := newLineIndex(content)
	blocks := map[string]*hclsyntax.Block{}
	var order []*hclsyntax.Block
	for _, b := range body.Blocks {
		if b.Type != "target" || len(b.Labels) != 1 {
			continue
		}
		blocks[b.Labels[0]] = b
		order = append(order, b)
	}
	// attr looks key up in b, then in its parents (inherits, literal names
	// of targets in this file; later parents win). present says the key
	// was found; ok says its value is a literal.
	var attr func(b *hclsyntax.Block, key string, depth int) (v string, present, ok bool)
	attr = func(b *hclsyntax.Block, key string, depth int) (string, bool, bool) {
		if a, found := b.Body.Attributes[key]; found {
			v, _, ok := hclString(a.Expr)
			return v, true, ok
		}
		inh, found := b.Body.Attributes["inherits"]
		if !found || depth > 8 {
			return "", false, true
		}
		tup, isTuple := inh.Expr.(*hclsyntax.TupleConsExpr)
		if !isTuple {
			return "", true, false
		}
		for i := len(tup.Exprs) - 1; i >= 0; i-- {
			name, _, lit := hclString(tup.Exprs[i])
			if !lit {
				return "", true, false
			}
			if p, ok := blocks[name]; ok {
				if v, present, ok := attr(p, key, depth+1); present {
					return v, true, ok
				}
			}
		}
		return "", false, true
	}
	var out []Target
	for _, b := range order {
		t := Target{Kind: Bake, File: rel, Name: b.Labels[0], KeyLine: -1}
		if a, found := b.Body.Attributes["target"]; found {
			t.KeyLine = a.NameRange.Start.Line - 1
			v, rng, ok := hclString(a.Expr)
			switch {
			case !ok:
				t.Unresolved = "target is not a literal"
			case v != "":
				t.Stage = v
				if exact(content, rng.Start.Byte, v) && rng.End.Byte-rng.Start.Byte == len(v) {
					t.Span, t.Exact = x.span(rng.Start.Byte, rng.End.Byte), true
				}
			}
		} else if v, present, ok := attr(b, "target", 0); present {
			inherited(&t, b.DefRange().Start.Line-1, v, ok)
		}
		context, _, cok := attr(b, "context", 0)
		dockerfile, _, dok := attr(b, "dockerfile", 0)
		switch {
		case !cok:
			setDockerfile(&t, "", "context is not a literal")
		case !dok:
			setDockerfile(&t, "", "dockerfile is not a literal")
		default:
			bakeDockerfiles(&t, rel, context, dockerfile)
		}
		out = append(out, t)
	}
	return out
}

// inherited records a target that a bake entry takes from a parent through
// `inherits`: bake builds that stage, but its text is the parent's, which
// the parent's own entry renames and is judged by Unknown; here it is
// Shared, not Exact, and KeyLine is the line of the entry's block (where
// hover points).
func inherited(t *Target, line int, v string, literal bool) {
	t.KeyLine = line
	switch {
	case !literal || hasVariable(v):
		t.Unresolved = "inherited target is not a literal"
	case v != "":
		t.Stage, t.Shared = v, true
	}
}

// bakeDockerfiles records the Dockerfile a bake entry builds. Bake takes a
// relative context from the directory it runs in, not from the file's: a
// bake file below the root is run either from its own directory (where
// bake finds it without -f) or from the root with -f. Both candidates are
// kept, the file's directory first; the index keeps the first that exists.
func bakeDockerfiles(t *Target, rel, context, dockerfile string) {
	dir := path.Dir(rel)
	p, why := resolve(dir, context, dockerfile, false)
	if why != "" || dir == "." {
		setDockerfile(t, p, why)
		return
	}
	setDockerfile(t, p, "")
	if q, why := resolve(".", context, dockerfile, false); why == "" && q != p {
		t.Dockerfiles = append(t.Dockerfiles, q)
	}
}
