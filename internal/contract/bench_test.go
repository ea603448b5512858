package contract

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/msls-dev/msls/bench/benchdata"
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/corpustest"
)

// benchFiles are the real-size inputs of BenchmarkCheck: the 198-line
// fixture, the monorepo fixture and the two largest corpus files (when the
// corpus is there).
func benchFiles(b *testing.B) map[string][]byte {
	out := map[string][]byte{}
	for name, file := range map[string]string{"medium": benchdata.MediumFile, "monorepo": "monorepo-node-go-python.Dockerfile"} {
		raw, err := benchdata.Read(file)
		if err != nil {
			b.Fatal(err)
		}
		out[name] = raw
	}
	if dir, ok := corpustest.Dir(); ok {
		for name, rel := range map[string]string{"moby": "moby__moby/Dockerfile", "buildkit": "moby__buildkit/Dockerfile"} {
			if raw, err := os.ReadFile(filepath.Join(dir, "files", rel)); err == nil {
				out[name] = raw
			}
		}
	}
	return out
}

// instructionEdit returns the offset range of the last six bytes of the
// first WORKDIR line (else the first RUN line) after the first FROM: the
// keystroke the instruction benchmarks retype.
func instructionEdit(text []byte) (int, int) {
	from := bytes.Index(text, []byte("\nFROM "))
	for _, kw := range []string{"\nWORKDIR ", "\nRUN "} {
		if at := bytes.Index(text[from+1:], []byte(kw)); at >= 0 {
			at += from + 1
			end := at + 1 + bytes.IndexByte(text[at+1:], '\n')
			return end - 6, end
		}
	}
	panic("no WORKDIR or RUN")
}

// BenchmarkCheck is the stage contract of one version after a keystroke,
// each version parsed (untimed) from the one before as the server does:
// typing into a comment after the last instruction, or retyping the end of
// an early instruction (every version a new text); and of a file just
// parsed.
func BenchmarkCheck(b *testing.B) {
	files := benchFiles(b)
	for _, name := range []string{"medium", "monorepo", "moby", "buildkit"} {
		raw, ok := files[name]
		if !ok {
			continue
		}
		b.Run("comment/"+name, func(b *testing.B) {
			text := append(bytes.Clone(raw), "\n# typing: "...)
			f := dockerfile.Parse(text)
			Check(f, nil)
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				text = append(text[:len(text):len(text)], 'x')
				f = dockerfile.ParseFrom(f, text)
				b.StartTimer()
				Check(f, nil)
			}
		})
		b.Run("fresh/"+name, func(b *testing.B) { checkFresh(b, raw) })
		b.Run("instruction/"+name, func(b *testing.B) {
			text := bytes.Clone(raw)
			start, end := instructionEdit(text)
			f := dockerfile.Parse(text)
			Check(f, nil)
			typed := 0
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				text = bytes.Clone(text)
				copy(text[start:end], fmt.Sprintf("%06d", typed%1000000))
				typed++
				f = dockerfile.ParseFrom(f, text)
				b.StartTimer()
				Check(f, nil)
			}
		})
	}
}

// chainText is a Dockerfile of n stages, each FROM the one before, each
// making a directory and setting a new WORKDIR: the shape whose contract
// grew with the square of n while each stage copied what the one before it
// had made. With copies, each stage also copies from the one before it a
// path below the first stage's WORKDIR (which produced looked for through
// the whole chain).
func chainText(n int, copies ...bool) []byte {
	var b bytes.Buffer
	b.WriteString("FROM node:20 AS s0\nWORKDIR /d0\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "FROM s%d AS s%d\nRUN mkdir -p /x%d && echo %d\nWORKDIR /d%d\n", i-1, i, i, i, i)
		if len(copies) > 0 && copies[0] {
			fmt.Fprintf(&b, "COPY --from=s%d /d0/f /y%d\n", i-1, i)
		}
	}
	b.WriteString("CMD [\"node\", \"server.js\"]\n")
	return b.Bytes()
}

// BenchmarkCheckChain is the stage contract of a file just parsed whose
// stages form one FROM chain (see chainText).
func BenchmarkCheckChain(b *testing.B) {
	for _, copies := range []bool{false, true} {
		for _, n := range []int{2000, 4000, 8000} {
			name := fmt.Sprint("workdir-", n)
			if copies {
				name = fmt.Sprint("copies-", n)
			}
			b.Run(name, func(b *testing.B) { checkFresh(b, chainText(n, copies)) })
		}
	}
}

// checkFresh times the contract of raw as a document just opened: each
// iteration parses it anew (untimed), so nothing is taken from a version
// before.
func checkFresh(b *testing.B, raw []byte) {
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		f := dockerfile.Parse(raw)
		b.StartTimer()
		Check(f, nil)
	}
}
