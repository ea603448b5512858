package targets

import (
	"path"
	"strings"

	"go.yaml.in/yaml/v3"
)

// parseYAML decodes a document keeping node positions; nil when it does not
// parse. JSON is YAML, so bake's JSON form goes through here too.
func parseYAML(content []byte) *yaml.Node {
	var doc yaml.Node
	if err := yaml.Unmarshal(content, &doc); err != nil {
		return nil
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil
	}
	return doc.Content[0]
}

// deref follows aliases (*name) to the anchored node.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 16; i++ {
		n = n.Alias
	}
	return n
}

// lookup finds key in a mapping node, following aliases and YAML merge keys
// (`<<: *defaults`, `<<: [*a, *b]`): keys written in the mapping win over
// merged ones, and of several merged mappings the first that has the key
// wins. Compose files share build settings this way. It returns the key
// node and the (dereferenced) value node, nil when absent.
func lookup(m *yaml.Node, key string, depth int) (*yaml.Node, *yaml.Node) {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode || depth > 8 {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Value == key && !isMerge(k) {
			return k, deref(m.Content[i+1])
		}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if !isMerge(m.Content[i]) {
			continue
		}
		v := deref(m.Content[i+1])
		if v == nil {
			continue
		}
		srcs := []*yaml.Node{v}
		if v.Kind == yaml.SequenceNode {
			srcs = v.Content
		}
		for _, src := range srcs {
			if k, val := lookup(src, key, depth+1); k != nil {
				return k, val
			}
		}
	}
	return nil, nil
}

// isMerge: the `<<` key of a YAML merge.
func isMerge(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" && k.Tag == "!!merge"
}

// get returns the value of key in a mapping node, nil when absent.
func get(m *yaml.Node, key string) *yaml.Node {
	_, v := lookup(m, key, 0)
	return v
}

// getKey returns the key node of key in a mapping node.
func getKey(m *yaml.Node, key string) *yaml.Node {
	k, _ := lookup(m, key, 0)
	return k
}

// scalar is a scalar node's string value ("" for anything else).
func scalar(n *yaml.Node) string {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return ""
	}
	return n.Value
}

// pairs iterates a mapping node's keys and values in order.
func pairs(m *yaml.Node, fn func(k, v *yaml.Node)) {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if !isMerge(m.Content[i]) {
			fn(m.Content[i], deref(m.Content[i+1]))
		}
	}
}

// stageAt fills the target's stage and span from the `target` value node.
func stageAt(t *Target, x *lineIndex, key, val *yaml.Node) {
	t.KeyLine = -1
	if key == nil {
		return
	}
	t.KeyLine = key.Line - 1
	v := scalar(val)
	if v == "" {
		return
	}
	if hasVariable(v) {
		t.Unresolved = "target " + v + " is not a literal"
		return
	}
	t.Stage = v
	off := x.offset(val.Line, val.Column)
	switch val.Style {
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		off++
	case 0:
	default:
		off = -1 // block scalars, flow-in-something: not renamed in place
	}
	if exact(x.text, off, v) {
		t.Span, t.Exact = x.span(off, off+len(v)), true
	}
}

// setDockerfile records the Dockerfile an entry builds, or why it is not
// known. A target that is not a literal still has its Dockerfile (an editor
// completes the stage names while the value is being typed).
func setDockerfile(t *Target, p, why string) {
	if why != "" {
		if t.Unresolved == "" {
			t.Unresolved = why
		}
		return
	}
	t.Dockerfiles = []string{p}
}

// parseCompose reads services.*.build: a string is the context (no target);
// a mapping has context, dockerfile and target. The context is relative to
// the compose file's directory, the Dockerfile to the context.
func parseCompose(rel string, content []byte) []Target {
	root := parseYAML(content)
	x := newLineIndex(content)
	var out []Target
	// A `target` shared through an anchor is one piece of text for several
	// services: only the first is renamed in place, so a rename edits it
	// once.
	claimed := map[int]bool{}
	add := func(t Target) {
		if t.Exact {
			if claimed[t.Span.Start] {
				t.Exact, t.Span, t.Shared = false, Span{}, true
			} else {
				claimed[t.Span.Start] = true
			}
		}
		out = append(out, t)
	}
	pairs(get(root, "services"), func(name, svc *yaml.Node) {
		b := get(svc, "build")
		if b == nil {
			return
		}
		t := Target{Kind: Compose, File: rel, Name: name.Value, KeyLine: -1}
		var context, dockerfile string
		switch b.Kind {
		case yaml.ScalarNode:
			context = scalar(b)
		case yaml.MappingNode:
			context, dockerfile = scalar(get(b, "context")), scalar(get(b, "dockerfile"))
			stageAt(&t, x, getKey(b, "target"), get(b, "target"))
			if get(b, "dockerfile_inline") != nil {
				t.Unresolved = "dockerfile_inline"
				add(t)
				return
			}
		default:
			return
		}
		p, why := resolve(path.Dir(rel), context, dockerfile, false)
		setDockerfile(&t, p, why)
		add(t)
	})
	return out
}

// parseBakeJSON reads bake's JSON form: {"target": {"name": {context,
// dockerfile, target, inherits}}}.
func parseBakeJSON(rel string, content []byte) []Target {
	root := parseYAML(content)
	x := newLineIndex(content)
	blocks := map[string]*yaml.Node{}
	var names []*yaml.Node
	pairs(get(root, "target"), func(k, v *yaml.Node) {
		blocks[k.Value] = v
		names = append(names, k)
	})
	// attr follows inherits within the file for context and dockerfile.
	var attr func(b *yaml.Node, key string, depth int) (string, bool)
	attr = func(b *yaml.Node, key string, depth int) (string, bool) {
		if v := get(b, key); v != nil {
			return scalar(v), true
		}
		if depth > 8 {
			return "", false
		}
		inh := get(b, "inherits")
		if inh == nil || inh.Kind != yaml.SequenceNode {
			return "", false
		}
		// later parents override earlier ones
		for i := len(inh.Content) - 1; i >= 0; i-- {
			if p, ok := blocks[scalar(inh.Content[i])]; ok {
				if v, ok := attr(p, key, depth+1); ok {
					return v, true
				}
			}
		}
		return "", false
	}
	var out []Target
	for _, k := range names {
		b := blocks[k.Value]
		t := Target{Kind: Bake, File: rel, Name: k.Value, KeyLine: -1}
		if key := getKey(b, "target"); key != nil {
			stageAt(&t, x, key, get(b, "target"))
		} else if v, ok := attr(b, "target", 0); ok {
			inherited(&t, k.Line-1, v, true)
		}
		context, _ := attr(b, "context", 0)
		dockerfile, _ := attr(b, "dockerfile", 0)
		bakeDockerfiles(&t, rel, context, dockerfile)
		out = append(out, t)
	}
	return out
}

// parseWorkflow reads jobs.*.steps[] using docker/build-push-action. Its
// context defaults to the repository (the directory holding .github), and
// `file` is relative to the repository, not to the context; it defaults to
// {context}/Dockerfile.
func parseWorkflow(rel string, content []byte) []Target {
	root := parseYAML(content)
	x := newLineIndex(content)
	repo := "."
	if i := strings.Index(rel, ".github/workflows/"); i > 0 {
		repo = strings.TrimSuffix(rel[:i], "/")
	}
	var out []Target
	pairs(get(root, "jobs"), func(job, j *yaml.Node) {
		steps := get(j, "steps")
		if steps == nil || steps.Kind != yaml.SequenceNode {
			return
		}
		for i, st := range steps.Content {
			uses := scalar(get(st, "uses"))
			if !strings.HasPrefix(uses, "docker/build-push-action") {
				continue
			}
			with := get(st, "with")
			name := job.Value
			if n := scalar(get(st, "name")); n != "" {
				name += ": " + n
			} else {
				name += ": step " + itoa(i+1)
			}
			t := Target{Kind: Workflow, File: rel, Name: name, KeyLine: -1}
			stageAt(&t, x, getKey(with, "target"), get(with, "target"))
			context, file := scalar(get(with, "context")), scalar(get(with, "file"))
			var p, why string
			if file != "" {
				p, why = resolve(repo, ".", file, true)
			} else {
				p, why = resolve(repo, context, "", false)
			}
			setDockerfile(&t, p, why)
			out = append(out, t)
		}
	})
	return out
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
