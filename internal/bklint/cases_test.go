package bklint

// oracleCases are small Dockerfiles for what the corpus rarely does: state a
// stage inherits from the stage it is built on, the per-stage trackers, and
// the ways BuildKit's dispatch fails. Their expected warnings are
// DockerfileLint's, computed by the test; decline says whether Lint must
// decline (BuildKit fails, or the construct is not modelled) or must answer.
var oracleCases = []struct {
	name, text string
	decline    bool
}{
	{"inherit/env", "FROM alpine AS base\nENV APP_DIR=/app\nFROM base\nWORKDIR $APP_DIR\nCOPY $APP_DIRR /x\n", false},
	{"inherit/arg-value", "FROM alpine AS base\nARG DIR=/srv\nFROM base\nWORKDIR $DIR\nCOPY $DIRR /x\n", false},
	{"inherit/arg-no-value", "FROM alpine AS base\nARG TOKEN_NAME\nFROM base\nENV X=$TOKEN_NAME Y=$OTHER\n", false},
	{"inherit/env-over-arg", "FROM alpine AS base\nENV MODE=/env\nARG MODE=rel\nFROM base\nWORKDIR $MODE\n", false},
	{"inherit/workdir-set", "FROM alpine AS base\nWORKDIR /app\nFROM base\nWORKDIR sub\nFROM alpine\nWORKDIR sub\n", false},
	{"inherit/workdir-chain", "FROM alpine AS a\nWORKDIR /a\nFROM a AS b\nRUN true\nFROM b\nWORKDIR rel\n", false},
	{"inherit/shell", "FROM alpine AS base\nSHELL [\"/bin/bash\", \"-c\"]\nFROM base\nCMD echo hi\nFROM alpine\nCMD echo hi\n", false},
	{"inherit/trackers-reset", "FROM alpine AS base\nCMD [\"a\"]\nFROM base\nCMD [\"b\"]\nCMD [\"c\"]\nENTRYPOINT [\"x\"]\nHEALTHCHECK NONE\nHEALTHCHECK NONE\n", false},
	{"inherit/case-sensitive-base", "FROM alpine AS Base\nENV X=1\nFROM base\nUSER $X\n", false},
	{"global-arg/in-stage", "ARG VERSION=1\nARG UNSET\nFROM alpine:${VERSION}\nARG VERSION\nARG UNSET\nENV A=$VERSION B=$UNSET C=$VERSIO\n", false},
	{"global-arg/undefined-in-from", "ARG TAG=3\nFROM alpine:${TAGG}\n", true},
	{"global-arg/undefined-with-default", "ARG TAG=3\nFROM alpine:${TAGG:-3}\n", false},
	{"global-arg/invalid-default", "ARG IMG\nFROM ${IMG:-}alpine\nFROM $IMG\n", true},
	{"platform/redundant", "FROM --platform=$TARGETPLATFORM alpine\nFROM --platform=${BUILDPLATFORM} alpine AS b\n", false},
	{"platform/const", "FROM --platform=linux/amd64 alpine AS build\nFROM --platform=linux/arm64 alpine AS arm64-build\n", false},
	{"platform/windows", "FROM --platform=windows/amd64 alpine\nWORKDIR rel\n", true},
	{"stages/duplicate-reserved", "FROM alpine AS scratch\nFROM alpine AS a\nFROM alpine AS a\nFROM alpine AS context\n", false},
	{"copy/from-earlier", "FROM alpine AS a\nFROM alpine\nCOPY --from=a /x /y\nCOPY --from=0 /x /y\nCOPY --from=nginx:latest /x /y\n", false},
	{"copy/from-later", "FROM alpine\nCOPY --from=b /x /y\nFROM alpine AS b\n", true},
	{"copy/from-self", "FROM alpine AS a\nCOPY --from=a /x /y\n", true},
	{"copy/from-variable", "FROM alpine\nARG SRC=a\nCOPY --from=$SRC /x /y\n", true},
	{"copy/url", "FROM alpine\nCOPY https://example.com/a /a\n", true},
	{"copy/chmod", "FROM alpine\nCOPY --chmod=755 a /a\nCOPY --chmod=u+x b /b\n", false},
	{"copy/chmod-bad", "FROM alpine\nCOPY --chmod=99999 a /a\n", true},
	{"copy/link-chown-name", "FROM alpine\nCOPY --link --chown=app a /a\n", true},
	{"add/git", "FROM alpine\nARG V=v1\nADD https://github.com/a/b.git?ref=${V}&keep-git-dir=1 /src\nADD https://github.com/a/c.git?commit=0123456789abcdef0123456789abcdef01234567 /c\nADD git@github.com:a/d.git#main /d\nWORKDIR rel\n", false},
	{"add/git-empty-ref", "FROM alpine\nARG V\nADD https://github.com/a/b.git?ref=${V} /src\n", true},
	{"add/git-keep-git-dir-conflict", "FROM alpine\nADD --keep-git-dir=false https://github.com/a/b.git?keep-git-dir=1 /src\n", true},
	{"copy/git", "FROM alpine\nCOPY https://github.com/a/b.git /src\n", true},
	{"add/checksum", "FROM alpine\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/a /a\n", false},
	{"run/mounts", "FROM alpine AS deps\nFROM alpine\nWORKDIR /w\nRUN --mount=type=cache,target=/root/.cache --mount=type=bind,from=deps,target=x --mount=type=secret,id=tok --mount=type=ssh true\n", false},
	{"run/mount-later-stage", "FROM alpine\nRUN --mount=from=b,target=/x true\nFROM alpine AS b\n", true},
	{"run/mount-root", "FROM alpine\nRUN --mount=type=bind,target=/ true\n", true},
	{"run/mount-var", "FROM alpine\nENV CACHE=/c\nRUN --mount=type=cache,target=$CACHE,id=$UNDEF true\n", false},
	{"run/heredoc", "FROM alpine\nRUN <<EOF\necho $HOME $NOPE\nEOF\n", false},
	{"env/legacy-secret", "FROM alpine\nENV API_KEY abc\nENV PUBLIC_KEY=1 DB_PASSWORD=x\nLABEL a b\nARG AUTH_TOKEN\n", false},
	{"env/undefined-suggest", "FROM alpine\nENV FOO_BAR=1\nRUN echo ${FOO_BAZ}\nCOPY $FOO_BA /x\n", false},
	{"expose", "FROM alpine\nEXPOSE 80/TCP 8080:80 1000-1002\n", false},
	{"expose/address", "FROM alpine\nEXPOSE 127.0.0.1:53:53/udp\n", true}, // left to BuildKit (package net)
	{"expose/bad", "FROM alpine\nEXPOSE 80/xyz\n", true},
	{"stopsignal/bad", "FROM alpine\nSTOPSIGNAL NOPE\n", true},
	{"volume/empty", "FROM alpine\nVOLUME [\"\"]\n", true},
	{"onbuild/unused", "FROM alpine AS a\nONBUILD RUN echo\nFROM alpine\n", false},
	{"onbuild/used", "FROM alpine AS a\nONBUILD RUN echo\nFROM a\n", true},
	{"scratch", "FROM scratch\nENV P=$PATH\nUSER $HOME\n", false},
	{"empty-continuation", "FROM alpine\nRUN echo a \\\n\n  b\n", false},
	{"check/skip-all", "# check=skip=all\nFROM alpine\nCMD echo\n", false},
	{"check/error", "# check=error=true\nFROM alpine AS a\nCMD echo\n", false},
	{"check/experimental", "# check=experimental=all\nFROM alpine\n# bad description\nFROM alpine AS b\n", false},
	{"check/experimental-arg", "# check=experimental=InvalidDefinitionDescription\nARG G=1\n# G is global\nARG G2=1\nFROM alpine\n# other words\nARG FOO=1\n# FOO sets it\nARG FOO=2\n# several\nARG A=1 B=2\n\nARG NONE\n", false},
	{"check/bad", "# check=error=maybe\nFROM alpine\n", true},
	{"check/instruction-skip", "FROM alpine\n# check=skip=JSONArgsRecommended\nCMD echo\nCMD echo\n", false},
	{"source-date-epoch", "ARG SOURCE_DATE_EPOCH=1\nFROM alpine\n", true},
	{"casing", "from alpine\nRUN true\nrun true\nCopy a b\n", false},
	{"maintainer", "FROM alpine\nMAINTAINER me\n", false},
	{"escape", "# escape=`\nFROM alpine\nENV A=$HOME `\n  B=$NOPE\n", false},
}
