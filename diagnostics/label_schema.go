package diagnostics

import (
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/github/go-spdx/v2/spdxexp"

	"github.com/msls-dev/msls/dockerfile"
)

// The label-schema rules check LABELs against a schema the user configures
// (`label-schema: {name: type}` in .hadolint.yaml or .msls.yaml, and
// `strict-labels`). Without a schema they say nothing. They share one file:
// each is one arm of the same walk over a stage's labels.
var (
	LabelMissingRule = register(&Rule{
		Code: "LabelMissing", Severity: SeverityInformation, Aliases: []string{"DL3049"},
		Summary:   "A label the configured label-schema requires is missing from a stage",
		CheckOpts: func(f *dockerfile.File, o *Options) []Finding { return checkLabelSchema(f, o.settings(), "missing") },
	})
	LabelSuperfluousRule = register(&Rule{
		Code: "LabelSuperfluous", Severity: SeverityInformation, Aliases: []string{"DL3050"},
		Summary: "A label the configured label-schema does not name (with strict-labels)",
		CheckOpts: func(f *dockerfile.File, o *Options) []Finding {
			return checkLabelSchema(f, o.settings(), "superfluous")
		},
	})
	LabelEmptyRule = register(&Rule{
		Code: "LabelEmpty", Severity: SeverityWarning, Aliases: []string{"DL3051"},
		Summary:   "A label of the configured label-schema is empty",
		CheckOpts: func(f *dockerfile.File, o *Options) []Finding { return checkLabelSchema(f, o.settings(), "empty") },
	})
	LabelTypeRule = register(&Rule{
		Code: "LabelType", Severity: SeverityWarning,
		Aliases:   []string{"DL3052", "DL3053", "DL3054", "DL3055", "DL3056", "DL3058"},
		Summary:   "A label's value does not have the type the configured label-schema gives it (url, rfc3339, spdx, hash, semver, email)",
		CheckOpts: func(f *dockerfile.File, o *Options) []Finding { return checkLabelSchema(f, o.settings(), "type") },
	})
)

// LabelTypes are the types a label-schema may give, with the hadolint id
// of the rule that checks each.
var LabelTypes = map[string]string{"text": "", "url": "DL3052", "rfc3339": "DL3053", "spdx": "DL3054", "hash": "DL3055", "semver": "DL3056", "email": "DL3058"}

// semverRe is the regular expression semver.org gives for a version.
var semverRe = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)

// labelTypeOK reports whether v is a value of the schema type typ.
func labelTypeOK(typ, v string) bool {
	switch typ {
	case "url":
		u, err := url.Parse(v)
		return err == nil && u.Scheme != "" && (u.Host != "" || u.Opaque != "")
	case "rfc3339":
		_, err := time.Parse(time.RFC3339, v)
		return err == nil
	case "spdx":
		ok, _ := spdxexp.ValidateLicenses([]string{v})
		return ok
	case "hash":
		if len(v) != 40 && len(v) != 64 { // a git commit id: SHA-1 or SHA-256
			return false
		}
		for i := 0; i < len(v); i++ {
			if c := v[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
		return true
	case "semver":
		return semverRe.MatchString(v)
	case "email":
		a, err := mail.ParseAddress(v)
		return err == nil && a.Name == ""
	}
	return true
}

func checkLabelSchema(f *dockerfile.File, s *Settings, which string) []Finding {
	if len(s.LabelSchema) == 0 {
		return nil
	}
	var out []Finding
	// per stage: the last value of each key, own or inherited through FROM <stage>
	for _, st := range f.Stages {
		last := map[string]label{}
		stages := chain(f, st)
		for i := len(stages) - 1; i >= 0; i-- {
			for _, in := range stages[i].Instructions {
				if !in.Is("LABEL") {
					continue
				}
				for _, l := range labelsOf(f, in, true) {
					last[l.Key] = l
					if which == "superfluous" && i == 0 && s.StrictLabels {
						if _, ok := s.LabelSchema[l.Key]; !ok && !hasVar(l.Key) {
							out = append(out, Finding{Message: "Label " + l.Key + " is not in the label schema (strict-labels)", Span: l.Span})
						}
					}
				}
			}
		}
		keys := make([]string, 0, len(s.LabelSchema))
		for k := range s.LabelSchema {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			typ := s.LabelSchema[k]
			l, ok := last[k]
			switch {
			case which == "missing" && !ok:
				out = append(out, Finding{Message: fmt.Sprintf("Stage %s has no label %s, which the label schema requires", st.Ref(), k), Span: firstLine(f, st.From)})
			case !ok || l.In.Stage != st.Index:
				// reported in the stage that sets it
			case which == "empty" && strings.TrimSpace(l.Value) == "":
				out = append(out, Finding{Message: "Label " + k + " is empty", Span: l.Span})
			case which == "type" && strings.TrimSpace(l.Value) != "" && !hasVar(l.Value) && !labelTypeOK(typ, l.Value):
				out = append(out, Finding{Message: fmt.Sprintf("Label %s=%q is not a valid %s", k, l.Value, typ), Span: l.Span,
					Aliases: []string{LabelTypes[typ]}})
			}
		}
	}
	return out
}
