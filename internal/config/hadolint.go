package config

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/msls-dev/msls/diagnostics"
)

// ParseHadolint reads hadolint's configuration format (.hadolint.yaml), so
// that a hadolint user's settings carry over:
//
//	ignored: [DL3008, SC2086]           # rules turned off
//	override: {error: [DL3015], warning: [...], info: [...], style: [...]}
//	trustedRegistries: [docker.io, "*.gcr.io"]   # or allowedRegistries; a string or a list
//	label-schema: {maintainer: email, version: semver}
//	strict-labels: true
//	failure-threshold: warning          # msls check's --fail-level (style means hint)
//	disable-ignore-pragma: true         # inlineSuppression: false
//
// Rule ids are looked up as names or aliases. Ids msls has no rule for
// (ShellCheck's SCxxxx, a DL id of a newer hadolint) are skipped, as are
// hadolint's output settings (format, no-color, no-fail, ...): a hadolint
// file is not msls's to reject. A misspelt key of msls's own settings still
// is an error.
func ParseHadolint(data []byte, source string) (*Config, error) {
	var raw any
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, &Error{source, strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	c := &Config{Source: source}
	if raw == nil {
		return c, nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, &Error{source, fmt.Sprintf("expected a mapping at the top level, found %s", kind(raw))}
	}
	off, on := false, true
	setRule := func(id string, r Rule) {
		for _, rule := range diagnostics.Lookup(id) {
			if c.Rules == nil {
				c.Rules = map[string]Rule{}
			}
			cur := c.Rules[rule.Code]
			if r.Enabled != nil {
				cur.Enabled = r.Enabled
			}
			if r.Severity != nil {
				cur.Severity = r.Severity
			}
			c.Rules[rule.Code] = cur
		}
	}
	// override first, ignored last: hadolint ignores a rule listed in both
	for _, k := range []string{"override", "ignored"} {
		v, ok := m[k]
		if !ok || v == nil {
			continue
		}
		if k == "ignored" {
			ids, err := stringList(v)
			if err != nil {
				return nil, &Error{source, "ignored: " + err.Error()}
			}
			for _, id := range ids {
				setRule(id, Rule{Enabled: &off})
			}
			continue
		}
		om, ok := v.(map[string]any)
		if !ok {
			return nil, &Error{source, fmt.Sprintf("override: expected a mapping of levels (error, warning, info, style), found %s", kind(v))}
		}
		for _, level := range sortedKeys(om) {
			var sev diagnostics.Severity
			switch level {
			case "error":
				sev = diagnostics.SeverityError
			case "warning":
				sev = diagnostics.SeverityWarning
			case "info":
				sev = diagnostics.SeverityInformation
			case "style":
				sev = diagnostics.SeverityHint
			default:
				return nil, &Error{source, fmt.Sprintf("override: unknown level %q (want error, warning, info or style)", level)}
			}
			ids, err := stringList(om[level])
			if err != nil {
				return nil, &Error{source, "override." + level + ": " + err.Error()}
			}
			for _, id := range ids {
				s := sev
				// a level for a rule that is off by default turns it on,
				// as in hadolint (DL3057, DL1001)
				setRule(id, Rule{Enabled: &on, Severity: &s})
			}
		}
	}
	for _, k := range sortedKeys(m) {
		v := m[k]
		switch k {
		case "trustedRegistries", "allowedRegistries", "label-schema", "strict-labels":
			if err := c.setShared(k, v); err != nil {
				return nil, &Error{source, err.Error()}
			}
		case "failure-threshold":
			str, ok := v.(string)
			if !ok {
				return nil, &Error{source, fmt.Sprintf("failure-threshold: expected error, warning, info, style or none, found %s", kind(v))}
			}
			switch strings.ToLower(str) {
			case "error", "warning", "info", "none":
				c.FailureThreshold = strings.ToLower(str)
			case "style":
				c.FailureThreshold = "hint"
			case "ignore":
				c.FailureThreshold = "none"
			default:
				return nil, &Error{source, fmt.Sprintf("failure-threshold: unknown level %q (want error, warning, info, style or none)", str)}
			}
		case "disable-ignore-pragma":
			if b, ok := v.(bool); ok && b {
				c.InlineSuppression = &off
			}
		}
	}
	return c, nil
}

// setShared reads the settings hadolint's file and .msls.yaml share.
func (c *Config) setShared(k string, v any) error {
	switch k {
	case "trustedRegistries", "allowedRegistries":
		regs, err := stringList(v)
		if err != nil {
			return fmt.Errorf("%s: %v", k, err)
		}
		c.TrustedRegistries = append(c.TrustedRegistries, regs...)
	case "label-schema":
		lm, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("label-schema: expected a mapping of label names to types, found %s", kind(v))
		}
		c.LabelSchema = map[string]string{}
		for _, name := range sortedKeys(lm) {
			typ, ok := lm[name].(string)
			if _, known := diagnostics.LabelTypes[typ]; !ok || !known {
				return fmt.Errorf("label-schema.%s: unknown type %v (want text, url, semver, hash, rfc3339, spdx or email)", name, lm[name])
			}
			c.LabelSchema[name] = typ
		}
	case "strict-labels":
		b, ok := v.(bool)
		if !ok {
			return fmt.Errorf("strict-labels: expected true or false, found %s", kind(v))
		}
		c.StrictLabels = &b
	}
	return nil
}

// stringList reads a string or a list of strings.
func stringList(v any) ([]string, error) {
	switch x := v.(type) {
	case string:
		return []string{x}, nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("expected a list of strings, found %s in it", kind(e))
			}
			out = append(out, s)
		}
		return out, nil
	case nil:
		return nil, nil
	}
	return nil, fmt.Errorf("expected a string or a list of strings, found %s", kind(v))
}
