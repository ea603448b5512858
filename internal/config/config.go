// Package config reads msls's rule configuration, the same for the server
// and the CLI: per-rule enable/disable and severity overrides, plus a switch
// for BuildKit's checks and for inline suppression comments.
//
// The format is one object, written as YAML in `.msls.yaml` (found from the
// Dockerfile's directory upward: to the file-system root for the CLI, to the
// workspace folder for the server) or as JSON in the LSP
// initializationOptions / workspace settings (section "msls"):
//
//	rules:
//	  CacheBustingCopy: error        # a severity: error, warning, info, hint
//	  SingleStageBuild: off          # off/false disables, on/true enables
//	  RootFinalStage: {severity: warning, enabled: true}
//	buildkit: true                   # run BuildKit's build checks (default true)
//	inlineSuppression: true          # honour `# msls ignore=` etc. (default true)
//	context: ..                      # the build context, relative to the Dockerfile's folder
//
// Rule names are checked against the diagnostics registry: an unknown name is
// an error with a suggestion, so a typo never silently does nothing. A rule's
// alias (hadolint's id, e.g. DL3002 for RootFinalStage) works as its name.
package config

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/moby/buildkit/util/suggest"
	"go.yaml.in/yaml/v3"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/internal/safefs"
)

// FileNames are the configuration files looked for, in order, in each directory.
var FileNames = []string{".msls.yaml", ".msls.yml"}

// HadolintFileNames are hadolint's configuration files, read (hadolint.go)
// when no FileNames file is found anywhere on the way up: a hadolint user's
// settings carry over, and a .msls.yaml, once written, wins.
var HadolintFileNames = []string{".hadolint.yaml", ".hadolint.yml"}

// lookups are the name lists Find, FindWithin and FindIn try, each over
// the whole walk up before the next.
var lookups = [][]string{FileNames, HadolintFileNames}

// Rule is the setting of one rule. Nil fields keep the default.
type Rule struct {
	Enabled  *bool
	Severity *diagnostics.Severity
}

// Config is a parsed configuration. The zero value (or nil) is the default.
type Config struct {
	Rules             map[string]Rule
	BuildKit          *bool
	InlineSuppression *bool
	// Context is the build context folder relative to the Dockerfile's
	// folder ("" means the Dockerfile's folder), slash-separated and clean.
	Context string
	// TrustedRegistries, LabelSchema and StrictLabels configure the
	// UntrustedRegistry and label-schema rules (diagnostics.Settings).
	TrustedRegistries []string
	LabelSchema       map[string]string
	StrictLabels      *bool
	// FailureThreshold is hadolint's failure-threshold as a --fail-level
	// value (error, warning, info, hint, none); "" when unset.
	FailureThreshold string
	// Source names where the configuration came from (a path, or
	// "initializationOptions"), for messages.
	Source string
}

// Error is an invalid configuration.
type Error struct {
	Source string
	Msg    string
}

func (e *Error) Error() string {
	if e.Source == "" {
		return "invalid msls configuration: " + e.Msg
	}
	return fmt.Sprintf("invalid msls configuration in %s: %s", e.Source, e.Msg)
}

// Parse reads a configuration from YAML (JSON is YAML too). source is used
// in error messages. Empty input is the default configuration.
func Parse(data []byte, source string) (*Config, error) {
	var raw any
	if err := yaml.Unmarshal(data, &raw); err != nil {
		msg := err.Error()
		msg = strings.TrimPrefix(msg, "yaml: ")
		return nil, &Error{source, msg}
	}
	return FromValue(raw, source)
}

// FromValue interprets an already decoded value (map[string]any from JSON or
// YAML). A top-level "msls" key is unwrapped, so settings objects of the form
// {"msls": {...}} are accepted as well.
func FromValue(raw any, source string) (*Config, error) {
	c := &Config{Source: source}
	if raw == nil {
		return c, nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, &Error{source, fmt.Sprintf("expected a mapping at the top level, found %s", kind(raw))}
	}
	if inner, ok := m["msls"]; ok && len(m) == 1 {
		return FromValue(inner, source)
	}
	keys := sortedKeys(m)
	for _, k := range keys {
		v := m[k]
		switch k {
		case "rules":
			if v == nil {
				continue
			}
			rm, ok := v.(map[string]any)
			if !ok {
				return nil, &Error{source, fmt.Sprintf("rules: expected a mapping of rule codes, found %s", kind(v))}
			}
			c.Rules = map[string]Rule{}
			// A rule's alias (a hadolint id) configures the rules it stands
			// for; the rule's own name, applied last, wins over it.
			keys := sortedKeys(rm)
			sort.SliceStable(keys, func(i, j int) bool {
				return diagnostics.IsAlias(keys[i]) && !diagnostics.IsAlias(keys[j])
			})
			for _, name := range keys {
				rules := diagnostics.Lookup(name)
				if len(rules) == 0 {
					return nil, &Error{source, unknownRule(name)}
				}
				r, err := parseRule(rm[name])
				if err != nil {
					return nil, &Error{source, fmt.Sprintf("rules.%s: %v", name, err)}
				}
				for _, rule := range rules {
					c.Rules[rule.Code] = r
				}
			}
		case "buildkit", "inlineSuppression":
			b, ok := v.(bool)
			if !ok {
				return nil, &Error{source, fmt.Sprintf("%s: expected true or false, found %s", k, kind(v))}
			}
			if k == "buildkit" {
				c.BuildKit = &b
			} else {
				c.InlineSuppression = &b
			}
		case "context":
			str, ok := v.(string)
			if !ok {
				return nil, &Error{source, fmt.Sprintf("context: expected a folder relative to the Dockerfile's (such as ..), found %s", kind(v))}
			}
			p := path.Clean(filepath.ToSlash(strings.TrimSpace(str)))
			if str == "" || path.IsAbs(p) || filepath.IsAbs(str) || strings.ContainsRune(str, 0) {
				return nil, &Error{source, fmt.Sprintf("context: %q must be a relative folder (such as . or ..)", str)}
			}
			c.Context = p
		case "trustedRegistries", "allowedRegistries", "label-schema", "strict-labels":
			if err := c.setShared(k, v); err != nil {
				return nil, &Error{source, err.Error()}
			}
		default:
			if k == "format" || k == "formatting" || strings.HasPrefix(k, "x-") {
				continue // other features' settings share the object
			}
			return nil, &Error{source, fmt.Sprintf("unknown key %q (known: rules, buildkit, inlineSuppression, context, trustedRegistries, label-schema, strict-labels)", k)}
		}
	}
	return c, nil
}

func parseRule(v any) (Rule, error) {
	t, f := true, false
	switch x := v.(type) {
	case bool:
		if x {
			return Rule{Enabled: &t}, nil
		}
		return Rule{Enabled: &f}, nil
	case string:
		switch strings.ToLower(x) {
		case "off", "false", "disable", "disabled", "ignore":
			return Rule{Enabled: &f}, nil
		case "on", "true", "enable", "enabled":
			return Rule{Enabled: &t}, nil
		}
		s, err := ParseSeverity(x)
		if err != nil {
			return Rule{}, err
		}
		return Rule{Enabled: &t, Severity: &s}, nil
	case map[string]any:
		var r Rule
		for _, k := range sortedKeys(x) {
			switch k {
			case "enabled":
				b, ok := x[k].(bool)
				if !ok {
					return Rule{}, fmt.Errorf("enabled: expected true or false, found %s", kind(x[k]))
				}
				r.Enabled = &b
			case "severity":
				str, ok := x[k].(string)
				if !ok {
					return Rule{}, fmt.Errorf("severity: expected error, warning, info or hint, found %s", kind(x[k]))
				}
				s, err := ParseSeverity(str)
				if err != nil {
					return Rule{}, err
				}
				r.Severity = &s
			default:
				return Rule{}, fmt.Errorf("unknown key %q (known: enabled, severity)", k)
			}
		}
		return r, nil
	}
	return Rule{}, fmt.Errorf("expected off, on, a severity or {enabled, severity}, found %s", kind(v))
}

// ParseSeverity reads error, warning, info/information or hint.
func ParseSeverity(s string) (diagnostics.Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "error":
		return diagnostics.SeverityError, nil
	case "warning", "warn":
		return diagnostics.SeverityWarning, nil
	case "info", "information":
		return diagnostics.SeverityInformation, nil
	case "hint":
		return diagnostics.SeverityHint, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want error, warning, info or hint)", s)
}

// unknownRule says a rule name is unknown, suggesting the closest name or
// alias (BuildKit's suggest.Search: within two edits, any case).
func unknownRule(name string) string {
	canonical := map[string]string{}
	var options []string
	for _, r := range diagnostics.Rules() {
		for _, n := range append([]string{r.Code}, r.Aliases...) {
			if strings.EqualFold(n, name) {
				// only the case differs (names are case-sensitive);
				// suggest.Search takes an exact match for no typo at all
				return fmt.Sprintf("unknown rule %q (did you mean %q?)", name, n)
			}
			canonical[strings.ToLower(n)] = n
			options = append(options, n)
		}
	}
	if best, ok := suggest.Search(name, options, false); ok {
		return fmt.Sprintf("unknown rule %q (did you mean %q?)", name, canonical[strings.ToLower(best)])
	}
	return fmt.Sprintf("unknown rule %q (run `msls rules` for the list)", name)
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "nothing"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case int, int64, float64, uint64:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	}
	return fmt.Sprintf("%T", v)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Load reads and parses a configuration file named by the user (the command
// line): a regular file of at most safefs.MaxConfig bytes; a FIFO or device
// is refused rather than read.
func Load(path string) (*Config, error) {
	data, err := safefs.ReadFile(path, safefs.MaxConfig)
	if err != nil {
		return nil, &Error{path, err.Error()}
	}
	return parseFile(data, path)
}

// parseFile parses a configuration file by its name: hadolint's format for
// .hadolint.yaml/.yml, msls's for the rest.
func parseFile(data []byte, p string) (*Config, error) {
	if IsHadolintFile(p) {
		return ParseHadolint(data, p)
	}
	return Parse(data, p)
}

// IsHadolintFile reports whether a path names a hadolint configuration file.
func IsHadolintFile(p string) bool {
	b := filepath.Base(filepath.FromSlash(p))
	for _, n := range HadolintFileNames {
		if b == n {
			return true
		}
	}
	return false
}

// Find looks for a configuration file in dir and its parents, up to the
// file-system root, and returns its path, or "" when there is none. This is
// the command line's lookup (like .editorconfig); the server uses FindIn.
func Find(dir string) string {
	for _, names := range lookups {
		if p := find(dir, names); p != "" {
			return p
		}
	}
	return ""
}

func find(dir string, names []string) string {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		for _, n := range names {
			p := filepath.Join(dir, n)
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// FindWithin is Find bounded by root, for the language server, which reads
// nothing outside the workspace folder holding a document: it looks in dir
// and its parents up to and including root, and nowhere when dir does not lie
// inside root. Both are compared after resolving symbolic links (a directory
// linked into root from elsewhere is not inside it), and a configuration file
// whose real path leaves root is skipped as if absent. It returns the real
// path of the file found, or "".
func FindWithin(dir, root string) string {
	for _, names := range lookups {
		if p := findWithin(dir, root, names); p != "" {
			return p
		}
	}
	return ""
}

func findWithin(dir, root string, names []string) string {
	realRoot, err := realPath(root)
	if err != nil {
		return ""
	}
	d, err := realPath(dir)
	if err != nil || !Within(d, realRoot) {
		return ""
	}
	for {
		for _, n := range names {
			p, err := filepath.EvalSymlinks(filepath.Join(d, n))
			if err != nil || !Within(p, realRoot) {
				continue
			}
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				return p
			}
		}
		parent := filepath.Dir(d)
		if d == realRoot || parent == d {
			return ""
		}
		d = parent
	}
}

// FindIn is FindWithin through an open root (the workspace folder, opened
// once with os.Root): dir is a folder below root, relative to it; the
// lookup goes from dir up to the root itself. Every look goes through
// os.Root, so a file or folder swapped for a link leaving the root while
// msls looks is absent, never read. It returns the file's name relative to
// root, or "".
func FindIn(root *safefs.Root, dir string) string {
	for _, names := range lookups {
		if p := findIn(root, dir, names); p != "" {
			return p
		}
	}
	return ""
}

func findIn(root *safefs.Root, dir string, names []string) string {
	d, ok := root.Rel(dir)
	if !ok {
		return ""
	}
	d = filepath.ToSlash(d)
	for {
		for _, n := range names {
			p := path.Join(d, n)
			if st, err := root.Stat(p); err == nil && st.Mode().IsRegular() {
				return p
			}
		}
		if d == "." {
			return ""
		}
		d = path.Dir(d)
	}
}

// LoadIn reads and parses the configuration file rel below root (a regular
// file of at most safefs.MaxConfig bytes). Errors name the file by its full
// path.
func LoadIn(root *safefs.Root, rel string) (*Config, error) {
	full := filepath.Join(root.Dir(), filepath.FromSlash(rel))
	data, err := root.ReadFile(rel, safefs.MaxConfig)
	if err != nil {
		return nil, &Error{full, err.Error()}
	}
	return parseFile(data, full)
}

func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

// Within reports whether the clean absolute path p is root or lies below it
// (lexically: resolve symbolic links first).
func Within(p, root string) bool {
	if p == root {
		return true
	}
	if !strings.HasSuffix(root, string(filepath.Separator)) {
		root += string(filepath.Separator)
	}
	return strings.HasPrefix(p, root)
}

// Merge overlays over on base (either may be nil): every setting over makes
// wins, rule by rule.
func Merge(base, over *Config) *Config {
	if base == nil {
		return over
	}
	if over == nil {
		return base
	}
	out := &Config{Rules: map[string]Rule{}, BuildKit: base.BuildKit, InlineSuppression: base.InlineSuppression, Source: over.Source}
	for k, v := range base.Rules {
		out.Rules[k] = v
	}
	for k, v := range over.Rules {
		r := out.Rules[k]
		if v.Enabled != nil {
			r.Enabled = v.Enabled
		}
		if v.Severity != nil {
			r.Severity = v.Severity
		}
		out.Rules[k] = r
	}
	if over.BuildKit != nil {
		out.BuildKit = over.BuildKit
	}
	if over.InlineSuppression != nil {
		out.InlineSuppression = over.InlineSuppression
	}
	out.Context = base.Context
	if over.Context != "" {
		out.Context = over.Context
	}
	out.TrustedRegistries, out.LabelSchema, out.StrictLabels, out.FailureThreshold = base.TrustedRegistries, base.LabelSchema, base.StrictLabels, base.FailureThreshold
	if over.TrustedRegistries != nil {
		out.TrustedRegistries = over.TrustedRegistries
	}
	if over.LabelSchema != nil {
		out.LabelSchema = over.LabelSchema
	}
	if over.StrictLabels != nil {
		out.StrictLabels = over.StrictLabels
	}
	if over.FailureThreshold != "" {
		out.FailureThreshold = over.FailureThreshold
	}
	return out
}

// Options turns the configuration into diagnostics options (nil for the default).
func (c *Config) Options() *diagnostics.Options {
	if c == nil {
		return nil
	}
	o := &diagnostics.Options{Disabled: map[string]bool{}, Enabled: map[string]bool{}, Severity: map[string]diagnostics.Severity{}}
	for code, r := range c.Rules {
		if r.Enabled != nil && !*r.Enabled {
			o.Disabled[code] = true
		}
		if r.Enabled != nil && *r.Enabled {
			o.Enabled[code] = true // turns on a rule that is off by default
		}
		if r.Severity != nil {
			o.Severity[code] = *r.Severity
		}
	}
	if c.BuildKit != nil && !*c.BuildKit {
		o.NoBuildKit = true
	}
	if c.InlineSuppression != nil && !*c.InlineSuppression {
		o.NoInlineSuppression = true
	}
	if len(c.TrustedRegistries) > 0 || len(c.LabelSchema) > 0 {
		o.Settings = &diagnostics.Settings{TrustedRegistries: c.TrustedRegistries, LabelSchema: c.LabelSchema,
			StrictLabels: c.StrictLabels != nil && *c.StrictLabels}
	}
	return o
}

// IsConfigError reports whether err is an invalid-configuration error.
func IsConfigError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}
