package corpustest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/msls-dev/msls/codeactions"
	"github.com/msls-dev/msls/completion"
	"github.com/msls-dev/msls/diagnostics"
	"github.com/msls-dev/msls/dockerfile"
)

// sweepStats are the figures the sweep reports.
type sweepStats struct {
	files, bytes, instructions, findings  int
	completions, items, actions, fixEdits int
	buildkitOK                            int
}

func (s *sweepStats) add(o sweepStats) {
	s.files += o.files
	s.bytes += o.bytes
	s.instructions += o.instructions
	s.findings += o.findings
	s.completions += o.completions
	s.items += o.items
	s.actions += o.actions
	s.fixEdits += o.fixEdits
	s.buildkitOK += o.buildkitOK
}

// skipSweep skips with -short, and under -race: the sweep exercises
// single-threaded engine code that the detector slows tenfold, so CI runs it
// in a pass of its own without -race (.ci/run).
func skipSweep(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("corpus sweep skipped with -short")
	}
	if raceEnabled {
		t.Skip("corpus sweep skipped under -race (CI runs it without: see .ci/run)")
	}
}

// TestCorpusSweep runs the whole engine over every corpus file: no panic,
// every span valid, the model agrees with BuildKit on where instructions
// start, completion items keep LSP's rules, and every code action offered
// applies cleanly and keeps the file parsing with BuildKit.
func TestCorpusSweep(t *testing.T) {
	skipSweep(t)
	dir, ok := Dir()
	if !ok {
		t.Skipf("corpus not found at %s (set %s)", dir, EnvVar)
	}
	files, err := Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var (
		mu       sync.Mutex
		st       sweepStats
		failures int
		next     atomic.Int64
		wg       sync.WaitGroup
	)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(files) {
					return
				}
				text, err := os.ReadFile(files[i])
				if err != nil {
					t.Error(err)
					return
				}
				rel, _ := filepath.Rel(filepath.Join(dir, "files"), files[i])
				var one sweepStats
				problems := sweepOne(rel, text, &one)
				mu.Lock()
				st.add(one)
				for _, msg := range problems {
					if failures < 50 {
						t.Errorf("%s: %s", rel, msg)
					}
					failures++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if failures > 50 {
		t.Errorf("... %d problems in all", failures)
	}
	t.Logf("corpus sweep: %d files (%d bytes, %d instructions, %d accepted by BuildKit): %d findings, "+
		"%d completion requests (%d items), %d code actions checked (+ %d fix edit sets) in %v",
		st.files, st.bytes, st.instructions, st.buildkitOK, st.findings, st.completions, st.items, st.actions, st.fixEdits,
		time.Since(start).Round(time.Millisecond))
}

func sweepOne(name string, text []byte, st *sweepStats) (problems []string) {
	defer func() {
		if r := recover(); r != nil {
			problems = append(problems, fmt.Sprintf("panic: %v", r))
		}
	}()
	st.files++
	st.bytes += len(text)
	f := dockerfile.Parse(text)
	st.instructions += len(f.Instructions)
	problems = append(problems, ModelProblems(f, 5)...)
	if res, err := parser.Parse(bytes.NewReader(text)); err == nil {
		var want, got []int
		for _, n := range res.AST.Children {
			want = append(want, n.StartLine-1)
		}
		for _, in := range f.Instructions {
			got = append(got, in.StartLine)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			problems = append(problems, fmt.Sprintf("instructions start on lines %v, BuildKit says %v", got, want))
		}
	}
	level, _ := BuildKit(text)
	if level == BuildKitInstructions {
		st.buildkitOK++
	}

	findings := diagnostics.Check(f)
	st.findings += len(findings)
	for _, fd := range findings {
		if fd.Span.Start < 0 || fd.Span.End > len(text) || fd.Span.Start > fd.Span.End {
			problems = append(problems, fmt.Sprintf("%s finding span %v outside the text", fd.Code, fd.Span))
		}
		if strings.TrimSpace(fd.Message) == "" || fd.Code == "" {
			problems = append(problems, fmt.Sprintf("finding without a code or message: %+v", fd))
		}
		for _, fix := range fd.Fixes {
			st.fixEdits++
			if _, err := EditedStillReaches(text, level, fix.Edits); err != nil {
				problems = append(problems, fmt.Sprintf("%s fix %q: %v", fd.Code, fix.Title, err))
			}
		}
	}

	for _, off := range completionOffsets(f) {
		st.completions++
		items := completion.Complete(f, off, completion.Options{Snippets: true})
		st.items += len(items)
		for _, it := range items {
			e := it.Edit.Span
			if it.Label == "" || e.Start < 0 || e.End > len(text) || e.Start > off || e.End < off ||
				bytes.IndexByte(text[e.Start:e.End], '\n') >= 0 {
				problems = append(problems, fmt.Sprintf("completion at %d: bad item %q edit %v", off, it.Label, e))
				continue
			}
			if _, err := ApplyEdits(text, append([]dockerfile.Edit{it.Edit}, it.AdditionalEdits...)); err != nil {
				problems = append(problems, fmt.Sprintf("completion at %d: item %q: %v", off, it.Label, err))
			}
		}
	}

	ranges := []dockerfile.Span{{Start: 0, End: len(text)}}
	for _, fd := range findings {
		ranges = append(ranges, fd.Span)
	}
	seen := map[string]bool{}
	check := func(a codeactions.Action) {
		key := fmt.Sprint(a.Title, a.Edits)
		if seen[key] {
			return
		}
		seen[key] = true
		st.actions++
		if _, err := EditedStillReaches(text, level, a.Edits); err != nil {
			problems = append(problems, fmt.Sprintf("code action %q: %v", a.Title, err))
		}
	}
	for _, r := range ranges {
		for _, a := range codeactions.Actions(codeactions.Request{File: f, Range: r, Findings: findings}) {
			check(a)
		}
	}
	for _, a := range codeactions.Actions(codeactions.Request{File: f, Range: ranges[0], Findings: findings,
		Only: []codeactions.Kind{codeactions.KindSourceFixAll}}) {
		check(a)
	}
	return problems
}

// maxSweepOffsets bounds the completion requests per file: a few hundred
// per file already cover every context, and the sweep runs under -race in CI.
const maxSweepOffsets = 60

// completionOffsets are where an editor asks for completion while typing:
// the end of each keyword, flag and argument, and the start of each line
// (a bounded number per file).
func completionOffsets(f *dockerfile.File) []int {
	var offs []int
	for _, in := range f.Instructions {
		offs = append(offs, in.Span.Start, in.KeywordSpan.End)
		for _, fl := range in.Flags {
			offs = append(offs, fl.NameSpan.End, fl.ValueSpan.Start, fl.ValueSpan.End)
		}
		for _, a := range in.Args {
			offs = append(offs, a.Span.End)
		}
		for _, r := range in.VarRefs {
			offs = append(offs, r.NameSpan.Start+1)
		}
		if len(offs) > maxSweepOffsets {
			break
		}
	}
	for i := 0; i < f.Lines.LineCount() && len(offs) < 2*maxSweepOffsets; i++ {
		offs = append(offs, f.Lines.LineEnd(i))
	}
	// The client never sends an offset inside "\r\n": Complete maps it to the
	// end of the line, and so must the checks.
	for i, off := range offs {
		if off > 0 && off < len(f.Text) && f.Text[off-1] == '\r' && f.Text[off] == '\n' {
			offs[i] = off - 1
		}
	}
	return offs
}

// TestCheckCommandOverCorpus runs the real `msls check` binary over every
// corpus file: it must exit 0 or 1 (never crash, never a usage/I/O error),
// and its JSON output must parse.
func TestCheckCommandOverCorpus(t *testing.T) {
	skipSweep(t)
	dir, ok := Dir()
	if !ok {
		t.Skipf("corpus not found at %s (set %s)", dir, EnvVar)
	}
	files, err := Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "msls")
	build := exec.Command("go", "build", "-o", bin, "github.com/msls-dev/msls/cmd/msls")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building msls: %v\n%s", err, out)
	}
	for _, format := range []string{"text", "json"} {
		start := time.Now()
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(bin, append([]string{"check", "--format", format, "--"}, files...)...)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := cmd.ProcessState.ExitCode()
		if code != 0 && code != 1 {
			t.Errorf("msls check --format %s over %d files: exit %d (%v)\nstderr: %s", format, len(files), code, err, clip(stderr.String(), 4000))
		}
		if strings.Contains(stderr.String(), "panic") {
			t.Errorf("msls check --format %s: stderr mentions a panic:\n%s", format, clip(stderr.String(), 4000))
		}
		if format == "json" {
			var v any
			if err := json.Unmarshal(stdout.Bytes(), &v); err != nil {
				t.Errorf("msls check --format json: output is not JSON: %v", err)
			}
		}
		lines := strings.Count(stdout.String(), "\n")
		t.Logf("msls check --format %s over %d files: exit %d, %d bytes / %d lines of output in %v",
			format, len(files), code, stdout.Len(), lines, time.Since(start).Round(time.Millisecond))
	}
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
