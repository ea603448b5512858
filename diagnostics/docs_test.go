package diagnostics

import (
	"os"
	"strings"
	"testing"
)

// Every msls rule has a doc page at the URL its findings carry, and the page
// says how to silence the rule.
func TestRuleDocs(t *testing.T) {
	for _, r := range Rules() {
		if r.Source != SourceMsls {
			if !strings.HasPrefix(r.URL, "https://docs.docker.com/") {
				t.Errorf("%s: BuildKit rule URL %q is not Docker's", r.Code, r.URL)
			}
			continue
		}
		if r.URL != DocsBase+r.Code+".md" {
			t.Errorf("%s: URL %q", r.Code, r.URL)
		}
		b, err := os.ReadFile("../docs/rules/" + r.Code + ".md")
		if err != nil {
			t.Errorf("%s: no doc page: %v", r.Code, err)
			continue
		}
		if !strings.HasPrefix(string(b), "# "+r.Code+"\n") || !strings.Contains(string(b), "msls ignore="+r.Code) {
			t.Errorf("%s: doc page lacks its title or the suppression comment", r.Code)
		}
		for _, a := range r.Aliases {
			// the page says which hadolint rule it mirrors
			if !strings.Contains(string(b), a) {
				t.Errorf("%s: doc page does not mention its alias %s", r.Code, a)
			}
		}
		if r.Summary == "" || r.Severity == 0 {
			t.Errorf("%s: no summary or severity", r.Code)
		}
	}
}

// Suppression comments: each form silences only what it names.
func TestParsePragma(t *testing.T) {
	cases := []struct {
		text   string
		global bool
		covers []string
		not    []string
	}{
		{"msls ignore=CacheBustingCopy,RootFinalStage", false, []string{"CacheBustingCopy", "RootFinalStage"}, []string{"PipCacheDir"}},
		{"msls global ignore=all", true, []string{"CacheBustingCopy", "JSONArgsRecommended"}, []string{ParseErrorCode}},
		{"hadolint ignore=DL3002 # reason", false, []string{"RootFinalStage"}, []string{"CacheBustingCopy"}},
		{"check=skip=all", false, []string{"JSONArgsRecommended"}, []string{"RootFinalStage"}},
		{"check=skip=JSONArgsRecommended;error=true", false, []string{"JSONArgsRecommended"}, []string{"FromAsCasing"}},
	}
	for _, c := range cases {
		p, ok := parsePragma(c.text)
		if !ok || p.global != c.global {
			t.Errorf("%q: ok=%v global=%v", c.text, ok, p.global)
			continue
		}
		for _, code := range c.covers {
			if !p.covers(code) {
				t.Errorf("%q does not cover %s", c.text, code)
			}
		}
		for _, code := range c.not {
			if p.covers(code) {
				t.Errorf("%q covers %s", c.text, code)
			}
		}
	}
	for _, text := range []string{"msls", "msls ignore", "hadolint shell=bash", "just a comment", "check=error=true"} {
		if p, ok := parsePragma(text); ok && len(p.codes) > 0 {
			t.Errorf("%q parsed as a pragma: %+v", text, p)
		}
	}
}
