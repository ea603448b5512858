package diagnostics_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/msls-dev/msls/bench/benchdata"
	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
)

func perLine(b *testing.B, lines int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(lines), "ns/line")
}

// BenchmarkCheckBySize runs every rule (BuildKit's checks included) over an
// already parsed file.
func BenchmarkCheckBySize(b *testing.B) {
	for _, s := range benchdata.MustAll(b) {
		f := dockerfile.Parse(s.Text)
		b.Run(s.Name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				diagnostics.Check(f)
			}
			perLine(b, s.Lines())
		})
	}
}

// BenchmarkParseAndCheckBySize is what a document opened (or a file of
// `msls check`) costs before encoding: a parse and a check without a lint
// cache.
func BenchmarkParseAndCheckBySize(b *testing.B) {
	for _, s := range benchdata.MustAll(b) {
		b.Run(s.Name, func(b *testing.B) {
			b.SetBytes(int64(len(s.Text)))
			b.ReportAllocs()
			for b.Loop() {
				diagnostics.Check(dockerfile.Parse(s.Text))
			}
			perLine(b, s.Lines())
		})
	}
}

// BenchmarkParseAndCheckNoBuildKit is BenchmarkParseAndCheckBySize without
// BuildKit's in-process lint pass: the gap between the two is what running
// dockerfile2llb.DockerfileLint per version costs.
func BenchmarkParseAndCheckNoBuildKit(b *testing.B) {
	opts := &diagnostics.Options{NoBuildKit: true}
	for _, s := range benchdata.MustAll(b) {
		b.Run(s.Name, func(b *testing.B) {
			b.SetBytes(int64(len(s.Text)))
			b.ReportAllocs()
			for b.Loop() {
				diagnostics.CheckWith(dockerfile.Parse(s.Text), opts)
			}
			perLine(b, s.Lines())
		})
	}
}

// BenchmarkRule runs each msls rule alone, and BuildKit's checks as one, on
// the medium and large files, to find the rule that dominates. Each op checks
// a new version of the same text (as after a keystroke in a comment): what a
// rule memoises per version is computed every time, what it memoises per
// instruction is reused. ParseFrom is that version's cost alone.
func BenchmarkRule(b *testing.B) {
	sizes := benchdata.MustAll(b)[1:]
	for _, s := range sizes {
		f := dockerfile.Parse(s.Text)
		diagnostics.CheckWith(f, &diagnostics.Options{NoBuildKit: true}) // fills the instructions' memos
		b.Run(s.Name+"/ParseFrom", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				dockerfile.ParseFrom(f, s.Text)
			}
		})
		for _, r := range diagnostics.Rules() {
			if r.Check == nil {
				continue
			}
			b.Run(s.Name+"/"+r.Code, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					r.Check(dockerfile.ParseFrom(f, s.Text))
				}
			})
		}
		b.Run(s.Name+"/BuildKit", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				diagnostics.BuildKitFindings(f)
			}
		})
	}
}

// BenchmarkCorpus parses and checks every file of the shared corpus (set
// MSLS_CORPUS, or keep it at ../shared/corpus beside the module); one op is
// the whole corpus, single-threaded. It skips when the corpus is absent.
func BenchmarkCorpus(b *testing.B) {
	files := corpusFiles(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, text := range files {
			diagnostics.Check(dockerfile.Parse(text))
		}
	}
	b.ReportMetric(float64(len(files)), "files")
}

func corpusFiles(b *testing.B) [][]byte {
	dir := os.Getenv("MSLS_CORPUS")
	if dir == "" {
		root, err := benchdata.ModuleRoot()
		if err != nil {
			b.Skip(err)
		}
		dir = filepath.Join(root, "..", "shared", "corpus", "files")
	}
	var files [][]byte
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if text, err := os.ReadFile(path); err == nil {
				files = append(files, text)
			}
		}
		return nil
	})
	if len(files) == 0 {
		b.Skipf("no corpus at %s (set MSLS_CORPUS)", dir)
	}
	return files
}

// BenchmarkRulesKeystroke is the rule loop of one keystroke on the real-size
// fixtures: each op edits the text (retypes the end of the first WORKDIR
// line, types or deletes a character there, or types into a comment at the
// end), parses it from the previous version as the server does, and runs
// msls's rules (BuildKit's checks off). The "parse" runs do the edit and the
// parse only: the difference is what the rules cost. A retyped line keeps
// the length of the text, so the instructions after it keep their offsets
// and ParseFrom moves their memos for free; a typed character moves them.
func BenchmarkRulesKeystroke(b *testing.B) {
	opts := &diagnostics.Options{NoBuildKit: true}
	for _, name := range []string{"multistage-198", "monorepo-node-go-python"} {
		text, err := os.ReadFile(filepath.Join("..", "testdata", "bench", name+".Dockerfile"))
		if err != nil {
			b.Fatal(err)
		}
		for _, edit := range []string{"instruction", "insert", "comment"} {
			for _, check := range []bool{false, true} {
				run := "parse"
				if check {
					run = "rules"
				}
				b.Run(name+"/"+edit+"/"+run, func(b *testing.B) {
					text := bytes.Clone(text)
					at := len(text)
					if edit != "comment" {
						at = bytes.Index(text, []byte("\nWORKDIR "))
						at += 1 + bytes.IndexByte(text[at+1:], '\n') - 6
					} else {
						text = append(text, "# typing: 000000\n"...)
						at = len(text) - 7
					}
					f := dockerfile.Parse(text)
					n := 0
					b.ReportAllocs()
					for b.Loop() {
						switch {
						case edit == "insert" && n%2 == 0:
							text = slices.Insert(slices.Clone(text), at, 'x')
						case edit == "insert":
							text = slices.Delete(slices.Clone(text), at, at+1)
						default:
							text = slices.Clone(text)
							copy(text[at:], fmt.Sprintf("%06d", n%1000000))
						}
						n++
						f = dockerfile.ParseFrom(f, text)
						if check {
							diagnostics.CheckWith(f, opts)
						}
					}
				})
			}
		}
	}
}
