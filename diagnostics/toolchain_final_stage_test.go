package diagnostics

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/msls-dev/msls/dockerfile"
	"golang.org/x/tools/txtar"
)

var updateToolchain = flag.Bool("update-toolchain", false, "rewrite testdata/diagnostics/ToolchainInFinalStage golden files")

// Golden cases: a Dockerfile section, the expected findings ("want") and,
// when the finding has a preferred fix, the file after applying it
// ("fixed"). The fixed file must re-parse with BuildKit and no longer
// trigger the rule.
func TestToolchainInFinalStageGolden(t *testing.T) {
	files, _ := filepath.Glob("../testdata/diagnostics/ToolchainInFinalStage/*.txtar")
	if len(files) == 0 {
		t.Fatal("no golden cases")
	}
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			sec := map[string]string{}
			for _, f := range ar.Files {
				sec[f.Name] = string(f.Data)
			}
			f := dockerfile.Parse([]byte(sec["Dockerfile"]))
			findings := checkToolchainInFinalStage(f)
			var b strings.Builder
			var preferred *Fix
			for _, fd := range findings {
				line, col := f.Lines.LineCol(fd.Span.Start)
				fmt.Fprintf(&b, "%d:%d %s %s: %s\n", line, col, fd.Severity, fd.Code, fd.Message)
				for _, r := range fd.Related {
					rl, rc := f.Lines.LineCol(r.Span.Start)
					fmt.Fprintf(&b, "  related %d:%d %s\n", rl, rc, r.Message)
				}
				for i, fx := range fd.Fixes {
					mark := ""
					if fx.Preferred {
						mark = " (preferred)"
						if preferred == nil {
							preferred = &fd.Fixes[i]
						}
					}
					fmt.Fprintf(&b, "  fix: %s%s\n", fx.Title, mark)
				}
			}
			got := b.String()
			fixed := ""
			if preferred != nil {
				fixed = applyEdits(f.Text, preferred.Edits)
			}
			if *updateToolchain {
				out := &txtar.Archive{Comment: ar.Comment, Files: []txtar.File{{Name: "Dockerfile", Data: []byte(sec["Dockerfile"])}, {Name: "want", Data: []byte(got)}}}
				if fixed != "" {
					out.Files = append(out.Files, txtar.File{Name: "fixed", Data: []byte(fixed)})
				}
				if err := os.WriteFile(path, txtar.Format(out), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != sec["want"] {
				t.Errorf("findings:\n%s\nwant:\n%s", got, sec["want"])
			}
			if fixed != sec["fixed"] {
				t.Errorf("fixed file:\n%s\nwant:\n%s", fixed, sec["fixed"])
			}
			if fixed != "" {
				if _, err := parser.Parse(strings.NewReader(fixed)); err != nil {
					t.Errorf("fixed file does not parse: %v", err)
				}
				if again := checkToolchainInFinalStage(dockerfile.Parse([]byte(fixed))); len(again) != 0 {
					t.Errorf("the fix leaves the finding: %v", again[0].Message)
				}
			}
		})
	}
}

func applyEdits(text []byte, edits []dockerfile.Edit) string {
	out := string(text)
	for i := len(edits) - 1; i >= 0; i-- {
		e := edits[i]
		out = out[:e.Span.Start] + e.NewText + out[e.Span.End:]
	}
	return out
}

func TestToolchainImageTable(t *testing.T) {
	for ref, want := range map[string]string{
		"node:20":                             "node:20-slim",
		"node":                                "node:slim",
		"node:20-bookworm":                    "node:20-bookworm-slim",
		"node:20-slim":                        "",
		"node:20-alpine":                      "",
		"docker.io/library/python:3.12":       "python:3.12-slim",
		"python:3.12-bookworm":                "python:3.12-slim-bookworm",
		"python:3.12-slim":                    "",
		"ruby:3.3":                            "ruby:3.3-slim",
		"golang:1.22":                         "gcr.io/distroless/base-debian12",
		"golang:1.22-alpine":                  "alpine:3.20",
		"rust:1.79-bullseye":                  "debian:bullseye-slim",
		"gcc:13":                              "debian:bookworm-slim",
		"maven:3.9-eclipse-temurin-21":        "eclipse-temurin:21-jre",
		"maven:3":                             "-",
		"gradle:8.5-jdk17-alpine":             "eclipse-temurin:17-jre-alpine",
		"eclipse-temurin:21":                  "eclipse-temurin:21-jre",
		"eclipse-temurin:21-jdk-jammy":        "eclipse-temurin:21-jre-jammy",
		"eclipse-temurin:21-jre":              "",
		"openjdk:17":                          "eclipse-temurin:17-jre",
		"amazoncorretto:21":                   "-",
		"mcr.microsoft.com/dotnet/sdk:8.0":    "mcr.microsoft.com/dotnet/aspnet:8.0",
		"mcr.microsoft.com/dotnet/aspnet:8.0": "",
		"nginx:latest":                        "",
		"mcr.microsoft.com/windows/servercore:ltsc": "",
		"python:3.12-windowsservercore":             "",
	} {
		repo, tag, _ := imageRef(ref)
		tc := lookupToolchain(repo)
		switch {
		case want == "":
			if tc != nil && tc.Full(tag) {
				t.Errorf("%s: flagged as a toolchain image", ref)
			}
		case tc == nil || !tc.Full(tag):
			t.Errorf("%s: not recognised as a toolchain image", ref)
		case want == "-":
			if tc.Runtime != nil && len(tc.Runtime(tag)) > 0 {
				t.Errorf("%s: runtime %v, want none", ref, tc.Runtime(tag))
			}
		default:
			if rt := tc.Runtime(tag); len(rt) == 0 || rt[0] != want {
				t.Errorf("%s: runtime %v, want %s", ref, rt, want)
			}
		}
	}
}
