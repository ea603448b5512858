package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/internal/config"
)

func TestRulesCommand(t *testing.T) {
	var out, errb bytes.Buffer
	if st := run([]string{"rules", "--format", "json"}, nil, &out, &errb); st != 0 {
		t.Fatalf("exit %d: %s", st, errb.String())
	}
	var got []jsonRule
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	byName := map[string]jsonRule{}
	for _, r := range got {
		if _, dup := byName[r.Name]; dup {
			t.Errorf("%s listed twice", r.Name)
		}
		byName[r.Name] = r
	}
	all := diagnostics.Rules()
	if len(got) != len(all) {
		t.Errorf("%d rules listed, the registry has %d", len(got), len(all))
	}
	for _, r := range all {
		g, ok := byName[r.Code]
		if !ok {
			t.Errorf("%s not listed", r.Code)
			continue
		}
		if strings.Join(g.Aliases, ",") != strings.Join(r.Aliases, ",") || g.Severity != r.Severity.String() || g.Fixable != r.Fixable() || g.URL != r.URL || g.URL == "" || g.Source != string(r.Source) {
			t.Errorf("%s listed as %+v", r.Code, g)
		}
	}
	if g := byName["RootFinalStage"]; !g.Fixable || len(g.Aliases) != 1 || g.Aliases[0] != "DL3002" || g.Severity != "warning" {
		t.Errorf("RootFinalStage: %+v", g)
	}
	if g := byName["SingleStageBuild"]; g.Fixable || g.Aliases == nil {
		t.Errorf("SingleStageBuild: %+v (aliases must be [] in JSON)", g)
	}
	if g := byName["InvalidDefinitionDescription"]; !g.Experimental {
		t.Errorf("InvalidDefinitionDescription: %+v", g)
	}
	if g := byName["NoHealthcheck"]; !g.DefaultOff || len(g.Aliases) != 1 || g.Aliases[0] != "DL3057" {
		t.Errorf("NoHealthcheck: %+v", g)
	}
	if g := byName["FromUntagged"]; g.DefaultOff {
		t.Errorf("FromUntagged: %+v", g)
	}

	out.Reset()
	if st := run([]string{"rules"}, nil, &out, &errb); st != 0 {
		t.Fatalf("text: exit %d", st)
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	if len(lines) != len(all)+1 || !strings.HasPrefix(lines[0], "NAME") {
		t.Fatalf("text output has %d lines for %d rules:\n%s", len(lines), len(all), out.String())
	}
	for i, r := range all {
		f := strings.Fields(lines[i+1])
		if len(f) < 6 || f[0] != r.Code || f[len(f)-1] != r.URL {
			t.Errorf("line %q for %s", lines[i+1], r.Code)
		}
	}
	for _, l := range lines {
		if f := strings.Fields(l); f[0] == "MultipleInstructionsDisallowed" && f[1] != "DL4003,DL4004,DL3012" {
			t.Errorf("aliases column: %q", l)
		}
	}

	if st := run([]string{"rules", "--format", "xml"}, nil, &out, &errb); st != 2 {
		t.Errorf("unknown format: exit %d", st)
	}
	if st := run([]string{"rules", "extra"}, nil, &out, &errb); st != 2 {
		t.Errorf("extra argument: exit %d", st)
	}
}

// Configuration errors send the user to `msls rules`: it must exist.
func TestConfigErrorPointsToRules(t *testing.T) {
	_, err := config.Parse([]byte("rules:\n  NoSuchRuleAtAll: off\n"), "x.yaml")
	if err == nil || !strings.Contains(err.Error(), "`msls rules`") {
		t.Fatalf("error %v does not point to msls rules", err)
	}
	if _, ok := commands["rules"]; !ok {
		t.Fatal("no `msls rules` command")
	}
}
