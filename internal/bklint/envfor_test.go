package bklint

import (
	"bytes"
	"math/rand"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/msls-dev/msls/internal/corpustest"
)

// mentionedSlowly is what EnvFor must compute, said the slow way: the
// ImageEnv entries whose name occurs right after `$` or `${` and is not
// followed by another name character.
func mentionedSlowly(text []byte) []string {
	var env []string
	for _, kv := range ImageEnv {
		name := []byte(kv[:strings.IndexByte(kv, '=')])
		for i := 0; ; {
			k := bytes.Index(text[i:], name)
			if k < 0 {
				break
			}
			at, end := i+k, i+k+len(name)
			before := at > 0 && (text[at-1] == '$' || (text[at-1] == '{' && at > 1 && text[at-2] == '$'))
			if before && (end == len(text) || !isNameByte(text[end])) {
				env = append(env, kv)
				break
			}
			i = at + 1
		}
	}
	return env
}

func TestEnvForMatchesSlowScan(t *testing.T) {
	var texts [][]byte
	if dir, ok := corpustest.Dir(); ok {
		files, err := corpustest.Files(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				texts = append(texts, b)
			}
		}
	}
	// the corners: braces, doubled dollars, names running on, the end
	pieces := []string{"$", "${", "}", "{", "$$", "PATH", "HOME", "GOPATH", "PATHX", "X", "_", "9", " ", "\n", ":-", "NODE_VERSION", "TZ"}
	r := rand.New(rand.NewSource(1))
	for range 20000 {
		var b strings.Builder
		for range 1 + r.Intn(8) {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		texts = append(texts, []byte(b.String()))
	}
	for _, text := range texts {
		if got, want := EnvFor(text), mentionedSlowly(text); !slices.Equal(got, want) {
			t.Fatalf("EnvFor(%q) = %q, want %q", text, got, want)
		}
	}
}
