package ecosystem

import (
	"testing"

	"github.com/msls-dev/msls/dockerfile"
)

// FuzzRunScript runs the shell model over arbitrary RUN text: it must never
// panic, and every span it returns must lie inside the file.
func FuzzRunScript(f *testing.F) {
	for _, s := range []string{
		"npm ci", "cd /app && npm ci", "cat > f <<EOF\nnpm install\nEOF", "<<EOF\nset -e\nnpm ci\nEOF",
		"sh -c 'cd x && yarn'", "bash <<'X'\npip install .\nX", "case $a in x) make;; esac", "echo $((1+2))",
		"[\"sh\",\"-c\",\"npm ci\"]", "(cd a; make) | tee l || true", "if then", "a \\\n && b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, run string) {
		text := "FROM x\nRUN " + run + "\n"
		df := dockerfile.Parse([]byte(text))
		for _, in := range df.Instructions {
			s := RunScript(in)
			for _, c := range s.Commands {
				if c.Start < 0 || c.End > len(text) || c.Start > c.End {
					t.Fatalf("command %q span [%d,%d) outside %d bytes", c.String(), c.Start, c.End, len(text))
				}
				for _, w := range c.Words {
					if w.Start < 0 || w.End > len(text) || w.Start > w.End {
						t.Fatalf("word %q span [%d,%d) outside %d bytes", w.Text, w.Start, w.End, len(text))
					}
				}
				c.WorkDir("/w")
				Classify(c)
			}
			RunInstalls(in)
		}
		ParseScript(run)
	})
}
