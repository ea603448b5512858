package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/msls-dev/msls/diagnostics"
)

var update = flag.Bool("update", false, "rewrite generated files (editors/vscode/package.json's msls.rules schema)")

const vscodeManifest = "../../editors/vscode/package.json"

// ruleSetting is the JSON schema of one rule's setting: what .msls.yaml
// accepts for it (config.parseRule).
type ruleSetting struct {
	AnyOf               []any  `json:"anyOf"`
	MarkdownDescription string `json:"markdownDescription,omitempty"`
}

type rulesSchema struct {
	Type                 string                 `json:"type"`
	Default              struct{}               `json:"default"`
	MarkdownDescription  string                 `json:"markdownDescription"`
	Properties           map[string]ruleSetting `json:"properties"`
	AdditionalProperties ruleSetting            `json:"additionalProperties"`
}

type schemaString struct {
	Type             string   `json:"type"`
	Enum             []string `json:"enum"`
	EnumDescriptions []string `json:"enumDescriptions,omitempty"`
	Description      string   `json:"description,omitempty"`
}

type schemaObject struct {
	Type       string `json:"type"`
	Properties struct {
		Enabled struct {
			Type        string `json:"type"`
			Description string `json:"description"`
		} `json:"enabled"`
		Severity schemaString `json:"severity"`
	} `json:"properties"`
	AdditionalProperties bool `json:"additionalProperties"`
}

// vscodeRulesSchema is the "msls.rules" setting of the VS Code extension,
// generated from the rule registry: msls's own rules by name (each has a doc
// page), and any other name (BuildKit's checks, aliases) through
// additionalProperties, which config/ validates.
func vscodeRulesSchema() rulesSchema {
	setting := func(desc string) ruleSetting {
		obj := schemaObject{Type: "object"}
		obj.Properties.Enabled.Type = "boolean"
		obj.Properties.Enabled.Description = "Report this rule at all."
		obj.Properties.Severity = schemaString{Type: "string", Enum: []string{"error", "warning", "info", "hint"}, Description: "Severity of this rule's diagnostics."}
		return ruleSetting{AnyOf: []any{
			schemaString{Type: "string", Enum: []string{"error", "warning", "info", "hint", "off", "on"},
				EnumDescriptions: []string{"report as an error", "report as a warning", "report as information", "report as a hint", "do not report", "report at the rule's default severity"}},
			struct {
				Type string `json:"type"`
			}{"boolean"},
			obj,
		}, MarkdownDescription: desc}
	}
	s := rulesSchema{Type: "object",
		MarkdownDescription: "Per-rule settings, as in `.msls.yaml` (a `.msls.yaml` next to the Dockerfile wins): `{ \"CacheBustingCopy\": \"error\", \"SingleStageBuild\": \"off\", \"RootFinalStage\": { \"severity\": \"warning\" } }`. " +
			"BuildKit's checks (e.g. `JSONArgsRecommended`) and rule aliases (hadolint's ids, e.g. `DL3002`) are configured the same way; `msls rules` lists them all. Applied without restarting the server.",
		Properties:           map[string]ruleSetting{},
		AdditionalProperties: setting(""),
	}
	for _, r := range diagnostics.Rules() {
		if r.Source != diagnostics.SourceMsls {
			continue
		}
		desc := fmt.Sprintf("[%s](%s)", r.Code, r.URL)
		if len(r.Aliases) > 0 {
			desc += " (alias " + strings.Join(r.Aliases, ", ") + ")"
		}
		def := r.Severity.String()
		if r.DefaultOff {
			def = "off (" + def + " when on)"
		}
		desc += " — " + strings.TrimSuffix(r.Summary, ".") + ". Default: " + def + ". A severity, `off`/`on`, or `{\"enabled\", \"severity\"}`."
		s.Properties[r.Code] = setting(desc)
	}
	return s
}

// jsonValueEnd is the offset just past the JSON object starting at text[i].
func jsonValueEnd(text []byte, i int) int {
	depth, inStr := 0, false
	for ; i < len(text); i++ {
		c := text[i]
		switch {
		case inStr && c == '\\':
			i++
		case c == '"':
			inStr = !inStr
		case inStr:
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return -1
}

// The VS Code extension's settings schema for rules is generated from the
// registry; this test fails when it is stale. Regenerate with
// `go generate ./cmd/msls` (go test -run TestVSCodeSettingsSchema -update).
func TestVSCodeSettingsSchema(t *testing.T) {
	text, err := os.ReadFile(vscodeManifest)
	if err != nil {
		t.Fatal(err)
	}
	const key = `        "msls.rules": `
	at := bytes.Index(text, []byte(key))
	if at < 0 {
		t.Fatalf("%s has no msls.rules setting", vscodeManifest)
	}
	start := at + len(key)
	end := jsonValueEnd(text, start)
	if end < 0 {
		t.Fatal("msls.rules does not end")
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("        ", "  ")
	if err := enc.Encode(vscodeRulesSchema()); err != nil {
		t.Fatal(err)
	}
	gen := bytes.TrimRight(b.Bytes(), "\n")
	out := append(append(append([]byte{}, text[:start]...), gen...), text[end:]...)
	if !json.Valid(out) {
		t.Fatal("the generated manifest is not valid JSON")
	}
	if bytes.Equal(out, text) {
		return
	}
	if *update {
		if err := os.WriteFile(vscodeManifest, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("editors/vscode/package.json's msls.rules is stale (the rule registry changed): run `go generate ./cmd/msls`\n--- want\n%s", gen)
}
