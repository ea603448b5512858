package dockerfile

import "testing"

func TestArgsTextSpan(t *testing.T) {
	src := "FROM x\nRUN --mount=type=cache,target=/c apt-get update && \\\n    npm ci\n"
	f := Parse([]byte(src))
	in := f.Instructions[1]
	for _, word := range []string{"apt-get", "npm ci", "update && "} {
		i := indexOf(in.ArgsText, word)
		if i < 0 {
			t.Fatalf("%q not in ArgsText %q", word, in.ArgsText)
		}
		sp := in.ArgsTextSpan(i, i+len(word))
		got := f.Slice(sp)
		if word == "update && " {
			// ends just before the continuation: the trailing space stays on line 1
			if got != "update && " {
				t.Errorf("span of %q = %q", word, got)
			}
			continue
		}
		if got != word {
			t.Errorf("span of %q = %q", word, got)
		}
	}
	if sp := in.ArgsTextSpan(-5, 1000); sp.Start != in.ArgsSpan.Start || sp.End != in.ArgsSpan.End {
		t.Errorf("clamped span = %v, want %v", sp, in.ArgsSpan)
	}
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}
