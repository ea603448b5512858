package bklint

import (
	"bytes"
	"os"
	"sort"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// TestDeclineReasons lists why Lint declines corpus files (run with -v and
// BKLINT_REASONS=1); it asserts nothing.
func TestDeclineReasons(t *testing.T) {
	if os.Getenv("BKLINT_REASONS") == "" {
		t.Skip("set BKLINT_REASONS=1")
	}
	corpus, _ := testInputs(t)
	count := map[string]int{}
	example := map[string]string{}
	for name, text := range corpus {
		res, err := parser.Parse(bytes.NewReader(text))
		if err != nil {
			continue
		}
		if _, err := Lint(text, res, nil, EnvFor(text), nil); err != nil {
			k := err.Error()
			if r, err := dockerfileLint(text, EnvFor(text)); err == nil && r.Error != nil {
				k += " [BuildKit fails too]"
			}
			count[k]++
			example[k] = name
		}
	}
	var keys []string
	for k := range count {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return count[keys[i]] > count[keys[j]] })
	for _, k := range keys {
		t.Logf("%5d %s (e.g. %s)", count[k], k, example[k])
	}
}
