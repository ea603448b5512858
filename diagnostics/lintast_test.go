package diagnostics

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/msls-dev/msls/bench/benchdata"
	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/corpustest"
)

// dumpResult writes out every field of a parse result, recursively, telling
// nil from empty, so that two results print alike only when they are alike.
func dumpResult(res *parser.Result, err error) string {
	var b strings.Builder
	if err != nil {
		fmt.Fprintf(&b, "error: %v\n", err)
	}
	if res == nil {
		b.WriteString("nil result\n")
		return b.String()
	}
	fmt.Fprintf(&b, "escape=%q warnings nil=%v\n", res.EscapeToken, res.Warnings == nil)
	for _, w := range res.Warnings {
		fmt.Fprintf(&b, "warning short=%q detail=%q url=%q", w.Short, w.Detail, w.URL)
		if w.Location != nil {
			fmt.Fprintf(&b, " at=%+v", *w.Location)
		}
		b.WriteByte('\n')
	}
	dumpBKNode(&b, res.AST, 0)
	return b.String()
}

func dumpBKNode(b *strings.Builder, n *parser.Node, depth int) {
	ind := strings.Repeat("  ", depth)
	if n == nil {
		fmt.Fprintf(b, "%snil\n", ind)
		return
	}
	fmt.Fprintf(b, "%snode value=%q original=%q lines=%d-%d\n", ind, n.Value, n.Original, n.StartLine, n.EndLine)
	fmt.Fprintf(b, "%s flags=%s prev=%s\n", ind, strs(n.Flags), strs(n.PrevComment))
	if n.Attributes != nil {
		keys := make([]string, 0, len(n.Attributes))
		for k := range n.Attributes {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprintf(b, "%s attrs", ind)
		for _, k := range keys {
			fmt.Fprintf(b, " %s=%v", k, n.Attributes[k])
		}
		b.WriteByte('\n')
	}
	if n.Heredocs != nil {
		fmt.Fprintf(b, "%s heredocs=%d\n", ind, len(n.Heredocs))
		for _, h := range n.Heredocs {
			fmt.Fprintf(b, "%s  heredoc %+v\n", ind, h)
		}
	}
	if n.Children != nil {
		fmt.Fprintf(b, "%s children=%d\n", ind, len(n.Children))
		for _, c := range n.Children {
			dumpBKNode(b, c, depth+1)
		}
	}
	if n.Next != nil {
		fmt.Fprintf(b, "%s next:\n", ind)
		dumpBKNode(b, n.Next, depth+1)
	}
}

func strs(s []string) string {
	if s == nil {
		return "nil"
	}
	return fmt.Sprintf("%q", s)
}

// lintCheck compares f's LintResult with BuildKit's parse of the lint text.
// It returns whether LintResult answered and, if it did, a description of
// the first difference ("" when none).
func lintCheck(f *dockerfile.File) (ok bool, diff string) {
	bad, stub := lintBadLines(f)
	text := lintText(f, bad, stub)
	got, ok := lintResultOnly(f, bad, stub)
	if !ok {
		if _, err := parser.Parse(bytes.NewReader(text)); err == nil {
			return false, "parses"
		}
		return false, ""
	}
	want := dumpResult(parser.Parse(bytes.NewReader(text)))
	have := dumpResult(got, nil)
	if want == have {
		return true, ""
	}
	return true, fmt.Sprintf("lint text:\n%s\n%s", text, firstDiff(want, have))
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			lo := max(0, i-3)
			return fmt.Sprintf("first difference at dump line %d\nBuildKit:   %q\nLintResult: %q\ncontext (BuildKit):\n%s", i, a, b, strings.Join(w[lo:min(len(w), i+2)], "\n"))
		}
	}
	return "dumps differ"
}

// errorVariants are copies of text with instructions BuildKit rejects, as
// typing makes them: an invalid flag, a half-typed instruction, a FROM with
// an invalid flag or alone, an invalid parser directive. Which instruction is
// broken depends on the name, and instructions right under a comment are
// preferred: an emptied instruction lets the comments around it run together.
func errorVariants(name string, text []byte) map[string][]byte {
	f := dockerfile.Parse(text)
	out := map[string][]byte{}
	h := 0
	for _, c := range name {
		h = h*31 + int(c)
	}
	h &= 1 << 30
	replace := func(in *dockerfile.Instruction, with string) []byte {
		return []byte(string(text[:in.Span.Start]) + with + string(text[in.Span.End:]))
	}
	var others, underComment, froms []*dockerfile.Instruction
	for _, in := range f.Instructions {
		if in.Keyword == "FROM" {
			froms = append(froms, in)
			continue
		}
		others = append(others, in)
		if len(in.Comments) > 0 {
			underComment = append(underComment, in)
		}
	}
	if len(underComment) > 0 && h%2 == 0 {
		others = underComment
	}
	if len(others) > 0 {
		in := others[h%len(others)]
		switch h % 3 {
		case 0:
			out["bogus flag"] = replace(in, "COPY --bogus a b")
		case 1:
			out["half-typed"] = replace(in, "COPY onlyone")
		default: // keeps the instruction's lines, blank from the second on
			out["half-typed, lines kept"] = replace(in, "WORKDIR"+strings.Repeat("\n", in.EndLine-in.StartLine))
		}
		if len(others) > 1 {
			in2 := others[(h/7)%len(others)]
			if in2 != in && in2.Span.End < in.Span.Start {
				v := replace(in, "ENV")
				out["two in error"] = []byte(string(v[:in2.Span.Start]) + "EXPOSE 80/tcp --bogus" + string(v[in2.Span.End:]))
			}
		}
	}
	if len(froms) > 0 {
		in := froms[(h/3)%len(froms)]
		kw := f.Slice(in.KeywordSpan)
		if h%2 == 0 {
			out["FROM bad flag"] = replace(in, kw+" --bogus=1 alpine AS x")
		} else {
			out["FROM alone"] = replace(in, kw)
		}
	}
	if h%5 == 0 {
		out["bad escape directive"] = append([]byte("# escape=x\n# a comment\n"), text...)
	}
	if h%5 == 1 {
		out["repeated directive"] = append([]byte("# syntax=a\n# syntax=b\n"), text...)
	}
	return out
}

type lintTally struct {
	mu                                 sync.Mutex
	clean, cleanOK, inError, inErrorOK int
	failures                           int
	declinedClean                      []string
	parsable                           int // declined though BuildKit parses the lint text
	parsableNames                      []string
}

func (c *lintTally) record(t *testing.T, name string, f *dockerfile.File) {
	ok, diff := lintCheck(f)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(f.Errors) == 0 {
		c.clean++
		if ok {
			c.cleanOK++
		} else if len(c.declinedClean) < 20 {
			c.declinedClean = append(c.declinedClean, name)
		}
	} else {
		c.inError++
		if ok {
			c.inErrorOK++
		}
	}
	if !ok && diff == "parses" {
		c.parsable++
		if len(c.parsableNames) < 20 {
			c.parsableNames = append(c.parsableNames, name)
		}
		return
	}
	if diff != "" {
		c.failures++
		if c.failures <= 5 {
			t.Errorf("%s: LintResult differs from BuildKit's parse of the lint text\n%s", name, diff)
		}
	}
}

// TestLintResultMatchesParse: whenever LintResult answers, its result is
// BuildKit's parse of the lint text, field by field, for every corpus and
// testdata file, for copies of them with instructions in error, and for the
// same texts parsed incrementally from the previous version (the server's
// path).
func TestLintResultMatchesParse(t *testing.T) {
	srcs := fixtureSources(t)
	nFixtures := len(srcs)
	corpustest.AddAll(t, srcs)
	names := make([]string, 0, len(srcs))
	for name := range srcs {
		names = append(names, name)
	}
	sort.Strings(names)
	var tally lintTally
	var incr lintTally
	incrDiffer := 0
	var mu sync.Mutex
	next := make(chan string)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for name := range next {
				text := srcs[name]
				prev := dockerfile.Parse(text)
				tally.record(t, name, prev)
				variants := errorVariants(name, text)
				keys := make([]string, 0, len(variants))
				for k := range variants {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				for _, k := range keys {
					v := variants[k]
					fresh := dockerfile.Parse(v)
					tally.record(t, name+" ("+k+")", fresh)
					// the server's path: the variant as an edit of the file
					edited := dockerfile.ParseFrom(prev, v)
					incr.record(t, name+" ("+k+", ParseFrom)", edited)
					if d := sameLintResult(fresh, edited); d != "" {
						mu.Lock()
						incrDiffer++
						if incrDiffer <= 5 {
							t.Errorf("%s (%s): ParseFrom and Parse give different LintResults: %s", name, k, d)
						}
						mu.Unlock()
					}
				}
			}
		})
	}
	for _, name := range names {
		next <- name
	}
	close(next)
	wg.Wait()
	if tally.failures > 5 || incr.failures > 5 {
		t.Errorf("%d + %d (ParseFrom) results differ in all", tally.failures, incr.failures)
	}
	share := func(a, b int) float64 { return 100 * float64(a) / float64(max(b, 1)) }
	t.Logf("%d files (%d fixtures): without errors %d/%d answered (%.2f%%), in error %d/%d (%.2f%%); ParseFrom (all in error): %d/%d",
		len(names), nFixtures, tally.cleanOK, tally.clean, share(tally.cleanOK, tally.clean), tally.inErrorOK, tally.inError, share(tally.inErrorOK, tally.inError),
		incr.cleanOK+incr.inErrorOK, incr.clean+incr.inError)
	if tally.parsable+incr.parsable > 0 {
		t.Errorf("LintResult declined %d + %d (ParseFrom) texts that BuildKit parses, first ones: %q %q", tally.parsable, incr.parsable, tally.parsableNames, incr.parsableNames)
	}
	if len(tally.declinedClean) > 0 {
		t.Logf("declined without errors (first ones): %q", tally.declinedClean)
	}
	// Floors, a little under what was measured, so that a LintResult that
	// declines more than it must fails.
	if len(names) > 2000 { // the corpus is there
		if s := share(tally.cleanOK, tally.clean); s < 99.5 {
			t.Errorf("LintResult answered for %.2f%% of the files without errors, want at least 99.5%%", s)
		}
		if s := share(tally.inErrorOK, tally.inError); s < 99.5 {
			t.Errorf("LintResult answered for %.2f%% of the files in error, want at least 99.5%%", s)
		}
	}
}

// sameLintResult compares the LintResults of two Files of the same text.
func sameLintResult(a, b *dockerfile.File) string {
	badA, stubA := lintBadLines(a)
	badB, stubB := lintBadLines(b)
	ra, okA := lintResultOnly(a, badA, stubA)
	rb, okB := lintResultOnly(b, badB, stubB)
	if okA != okB {
		return fmt.Sprintf("ok %v vs %v", okA, okB)
	}
	if !okA {
		return ""
	}
	if da, db := dumpResult(ra, nil), dumpResult(rb, nil); da != db {
		return firstDiff(da, db)
	}
	return ""
}

// TestLintResultAfterRandomEdits: files built by ParseFrom through a chain of
// random edits (the bytes that change how a file splits into instructions)
// give what a fresh Parse gives, and BuildKit's parse when they answer.
func TestLintResultAfterRandomEdits(t *testing.T) {
	srcs := fixtureSources(t)
	names := make([]string, 0, len(srcs))
	for name := range srcs {
		names = append(names, name)
	}
	sort.Strings(names)
	var tally lintTally
	for _, name := range names {
		// seeded by the file's name: a fixture added elsewhere does not
		// change another file's edits
		h := fnv.New64a()
		h.Write([]byte(name))
		r := rand.New(rand.NewPCG(11, h.Sum64()))
		text := srcs[name]
		prev := dockerfile.Parse(text)
		for e := range 20 {
			text = corpustest.RandomEdit(r, text)
			got := dockerfile.ParseFrom(prev, text)
			tally.record(t, fmt.Sprintf("%s edit %d", name, e), got)
			if d := sameLintResult(got, dockerfile.Parse(text)); d != "" {
				t.Errorf("%s edit %d: ParseFrom and Parse give different LintResults: %s", name, e, d)
			}
			prev = got
		}
	}
	t.Logf("%d edited versions: without errors %d/%d answered, in error %d/%d; declined though BuildKit parses: %d",
		tally.clean+tally.inError, tally.cleanOK, tally.clean, tally.inErrorOK, tally.inError, tally.parsable)
	// Declining costs speed, not correctness (BuildKit's parse answers
	// instead): the floor is a share of all the edited versions.
	if total := tally.clean + tally.inError; tally.parsable*500 > total {
		t.Errorf("LintResult declined %d edited versions that BuildKit parses, first ones: %q", tally.parsable, tally.parsableNames)
	}
}

// TestLintResultCases are the situations LintResult must reproduce, each
// checked against BuildKit's parse and required to be answered.
func TestLintResultCases(t *testing.T) {
	cases := map[string]string{
		"comments around an emptied instruction": "FROM a\n# one\nCOPY --bogus a b\n# two\nRUN x\n",
		"empty lines keep comments":              "FROM a\n# one\n\n\n# two\nRUN x\n",
		"empty comment resets":                   "FROM a\n# one\n#\n# two\nRUN x\n",
		"indented comment":                       "FROM a\n   # one\n\t#two\nRUN x\n",
		"directives":                             "# syntax=docker/dockerfile:1\n# check=skip=all\n# about\nFROM a\n",
		"directive only above":                   "# syntax=docker/dockerfile:1\nFROM a\nRUN b\n",
		"escape backtick":                        "# escape=`\nFROM a\nRUN echo `\n  b `\n\n  c\n",
		"bad directive":                          "# escape=x\n# check=skip=all\nFROM a\n",
		"repeated directive":                     "# syntax=a\n# syntax=b\n# c\nFROM a\n",
		"stub":                                   "FROM a AS one\n# about two\nfrom --bogus b AS two\nRUN x\n",
		"bare FROM":                              "FROM a\n# c\nFROM\n# d\nRUN x\n",
		"multi-line FROM in error":               "FROM a\nFROM --bogus \\\n  b\n# c\nRUN x\n",
		"empty continuation":                     "FROM a\nRUN echo \\\n\n  b\nCOPY a \\\n\n  b\n",
		"compact RUN with flags":                 "FROM a\nRUN --mount=type=cache,target=/x \\\n  echo \\\n  # inside\n\n  done\n",
		"heredoc":                                "FROM a\n# c\nRUN <<EOF\n# not a comment\n\nEOF\nCOPY <<A <<B /x\na\nA\nb\nB\n",
		"onbuild":                                "FROM a\n# c\nONBUILD RUN x \\\n\n  y\nONBUILD COPY <<E /x\nbody\nE\n",
		"crlf and bom":                           "\xef\xbb\xbf# c\r\nFROM a\r\nRUN x \\\r\n\r\n  y\r\n",
		"instruction before FROM":                "ARG A=1\n# c\nFROM a\n",
		"trailing comments":                      "FROM a\nRUN x\n# end\n\n",
		"no trailing newline":                    "FROM a\nRUN x",
		"experimental checks keep comments":      "# check=experimental=all\n# about a\nARG A=1\nFROM a\n",
		"json forms":                             "FROM a\nCMD [\"a\", \"b\"]\nRUN [\"x\"]\nSHELL [\"sh\", \"-c\"]\n",
	}
	for name, text := range cases {
		f := dockerfile.Parse([]byte(text))
		ok, diff := lintCheck(f)
		if !ok {
			t.Errorf("%s: LintResult declined", name)
		}
		if diff != "" {
			t.Errorf("%s: %s", name, diff)
		}
	}
}

// TestLintResultSharesNodes: the File's nodes are reused, not copied, where
// BuildKit's parse gives the same node.
func TestLintResultSharesNodes(t *testing.T) {
	f := dockerfile.Parse([]byte("FROM a\nCOPY a b\nCMD [\"x\"]\n"))
	bad, stub := lintBadLines(f)
	res, ok := lintResultOnly(f, bad, stub)
	if !ok {
		t.Fatal("declined")
	}
	for i, in := range f.Instructions {
		if res.AST.Children[i] != in.Node {
			t.Errorf("child %d is a copy of the instruction's node", i)
		}
	}
}

// BenchmarkLintResult builds the lint parse result of the bench fixtures
// from their Files (lint/assembled) and parses their lint text with
// BuildKit's parser (lint/parse), as the checks would.
func BenchmarkLintResult(b *testing.B) {
	for _, s := range benchdata.MustAll(b) {
		f := dockerfile.Parse(s.Text)
		bad, stub := lintBadLines(f)
		if _, ok := lintResultOnly(f, bad, stub); !ok {
			b.Fatalf("%s: LintResult declined", s.Name)
		}
		b.Run(s.Name+"/assembled", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				lintResultOnly(f, bad, stub)
			}
		})
		b.Run(s.Name+"/parse", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := parser.Parse(bytes.NewReader(lintText(f, bad, stub))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// fixtureSources are the Dockerfiles under testdata/ (the bench files and
// every Dockerfile member of a txtar archive).
func fixtureSources(t *testing.T) map[string][]byte {
	t.Helper()
	srcs := map[string][]byte{}
	corpustest.AddTestdata(t, srcs)
	return srcs
}

// lintResultOnly is lintResult without the typed commands.
func lintResultOnly(f *dockerfile.File, bad func(int) bool, stub map[int]string) (*parser.Result, bool) {
	res, _, ok := lintResult(f, bad, stub)
	return res, ok
}

// TestMentionsCheck: mentionsCheck answers as strings.Contains(
// strings.ToLower(c), "check"), also where lower-casing changes the length
// (the Kelvin sign lower-cases to k).
func TestMentionsCheck(t *testing.T) {
	for _, c := range []string{"", "c", "check=skip=all", "CHECK", "xChEcKx", "chec", "che ck", "chec\u212a", "é check", "éche", "syntax=docker/dockerfile:1"} {
		if got, want := mentionsCheck(c), strings.Contains(strings.ToLower(c), "check"); got != want {
			t.Errorf("mentionsCheck(%q) = %v, want %v", c, got, want)
		}
	}
}
