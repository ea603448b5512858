package diagnostics

import (
	"strings"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
)

// A finding carries a hadolint id only when hadolint reports that finding.
func TestFindingAliasesNarrowed(t *testing.T) {
	cases := []struct {
		src, code, at string
		want          string // the aliases, comma-joined
	}{
		{"FROM alpine:3.20\nUSER root\n", "RootFinalStage", "USER", "DL3002"},
		{"FROM alpine:3.20\nRUN true\n", "RootFinalStage", "FROM", ""},
		{"FROM alpine:3.20\nUSER 1\nCMD [\"a\"]\nCMD [\"b\"]\n", "MultipleInstructionsDisallowed", "CMD [\"a\"]", "DL4003"},
		{"FROM alpine:3.20\nUSER 1\nENTRYPOINT [\"a\"]\nENTRYPOINT [\"b\"]\n", "MultipleInstructionsDisallowed", "ENTRYPOINT [\"a\"]", "DL4004"},
		{"FROM alpine:3.20\nUSER 1\nHEALTHCHECK NONE\nHEALTHCHECK NONE\n", "MultipleInstructionsDisallowed", "HEALTHCHECK", "DL3012"},
		{"COPY a b\nFROM alpine:3.20\n", ParseErrorCode, "COPY", "DL3061"},
		{"FROM alpine:3.20\nONBUILD ONBUILD RUN x\n", ParseErrorCode, "ONBUILD", "DL3043"},
		{"FROM alpine:3.20\nONBUILD FROM x\n", ParseErrorCode, "ONBUILD", "DL3043"},
		// BuildKit's checks that hadolint has under its own ids
		{"FROM alpine:3.20 AS context\nUSER 1\n", "ReservedStageName", "context", "DL3063"},
		{"FROM alpine:3.20\nARG DB_PASSWORD\nUSER 1\n", "SecretsUsedInArgOrEnv", "DB_PASSWORD", "DL3064"},
		{"FROM --platform=$TARGETPLATFORM alpine:3.20\nUSER 1\n", "RedundantTargetPlatform", "--platform", "DL3065"},
		{"FROM alpine:3.20\nEXPOSE 80:80\nUSER 1\n", "ExposeInvalidFormat", "80:80", ""},
		// hadolint counts a Windows drive as absolute; BuildKit in a Linux build does not
		{"FROM alpine:3.20\nWORKDIR app\nUSER 1\n", "WorkdirRelativePath", "app", "DL3000"},
		{"FROM alpine:3.20\nWORKDIR C:/app\nUSER 1\n", "WorkdirRelativePath", "C:/app", ""},
	}
	for _, c := range cases {
		f := dockerfile.Parse([]byte(c.src))
		at := strings.Index(c.src, c.at)
		found := false
		for _, fd := range Check(f) {
			if fd.Code != c.code || fd.Span.Start != at {
				continue
			}
			found = true
			if got := strings.Join(FindingAliases(fd), ","); got != c.want {
				t.Errorf("%q: %s aliases %q, want %q", c.src, c.code, got, c.want)
			}
		}
		if !found {
			t.Errorf("%q: no %s finding at %q: %+v", c.src, c.code, c.at, Check(f))
		}
	}
}
