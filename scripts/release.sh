#!/usr/bin/env bash
# Release artifacts for VERSION, reproducibly (same tree + same Go = same bytes):
#
#   scripts/release.sh v1.2.3            # -> dist/v1.2.3/
#
# writes, for linux/amd64, linux/arm64, darwin/amd64, darwin/arm64 and windows/amd64,
#   msls_<VERSION>_<os>_<arch>.tar.gz (.zip for windows): msls, README.md, LICENSE
#   msls-<vscode target>-<extension version>.vsix: the VS Code extension with that very binary
#   checksums.txt: SHA-256 of every file above (sha256sum -c checksums.txt)
#
# Binaries: the release build of scripts/build.sh (-tags grpcnotrace, -trimpath, -s -w; see there
# why), static (CGO_ENABLED=0), stamped with -X main.version/main.commit; -buildvcs=false and an
# empty build ID keep the checkout's state out of the bytes. Archives are written by
# scripts/archive (fixed order, times = SOURCE_DATE_EPOCH, default the commit's time, owner 0).
#
# Environment:
#   OUT=DIR              output directory (default dist/VERSION; emptied first)
#   PLATFORMS="os/arch"  a subset (the reproducibility test builds one platform)
#   VSIX=0               skip the .vsix files (they need Node.js; `npm ci` runs when needed)
#   SOURCE_DATE_EPOCH    timestamp for archive entries
#   COMMIT               the commit to stamp (default: HEAD, with -dirty for modified tracked files)
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:?usage: scripts/release.sh VERSION}
out=${OUT:-dist/$version}
platforms=${PLATFORMS:-linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64}
commit=${COMMIT:-}
if [ -z "$commit" ]; then
  commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
  if [ "$commit" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    commit=$commit-dirty
  fi
fi
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 946684800)}

rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
bins=$(mktemp -d)
trap 'rm -rf "$bins"' EXIT
go build -o "$bins/archive" ./scripts/archive

# the VS Code target names of each Go platform
declare -A vstarget=([linux/amd64]=linux-x64 [linux/arm64]=linux-arm64 [darwin/amd64]=darwin-x64
  [darwin/arm64]=darwin-arm64 [windows/amd64]=win32-x64)
targets=()
for p in $platforms; do
  goos=${p%/*} goarch=${p#*/}
  [ -n "${vstarget[$p]:-}" ] || { echo "release.sh: unknown platform $p" >&2; exit 2; }
  exe=msls; [ "$goos" = windows ] && exe=msls.exe
  mkdir -p "$bins/$goos-$goarch"
  echo "== go build $p"
  CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go build -tags grpcnotrace -trimpath -buildvcs=false \
    -ldflags "-s -w -buildid= -X main.version=$version -X main.commit=$commit" \
    -o "$bins/$goos-$goarch/$exe" ./cmd/msls
  name=msls_${version}_${goos}_${goarch}
  if [ "$goos" = windows ]; then
    "$bins/archive" zip "$out/$name.zip" "$name" "$bins/$goos-$goarch/$exe" README.md LICENSE
  else
    "$bins/archive" tgz "$out/$name.tar.gz" "$name" "$bins/$goos-$goarch/$exe" README.md LICENSE
  fi
  targets+=("${vstarget[$p]}")
done

if [ "${VSIX:-1}" != 0 ]; then
  echo "== vsce package --target ${targets[*]}"
  (
    cd editors/vscode
    [ -d node_modules ] || npm ci --no-audit --no-fund
    ext=$(node -p 'require("./package.json").version')
    for t in "${targets[@]}"; do rm -f "msls-$t-$ext.vsix"; done
    MSLS_PREBUILT=$bins MSLS_TARGETS="${targets[*]}" MSLS_UNIVERSAL=0 node scripts/package.mjs
    for t in "${targets[@]}"; do
      # vsce stamps file times and the umask into the zip
      "$bins/archive" renormalize "msls-$t-$ext.vsix"
      mv "msls-$t-$ext.vsix" "$out/"
    done
  )
fi

(cd "$out" && sha256sum -- * > "$bins/checksums.txt" && mv "$bins/checksums.txt" checksums.txt)
echo "== $out"
(cd "$out" && ls -l --time-style=+ | awk 'NR > 1 { print $5 "\t" $NF }')
