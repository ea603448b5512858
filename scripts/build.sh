#!/usr/bin/env bash
# The release build of msls (what its size is measured on):
#   scripts/build.sh                 # -> bin/msls
#   VERSION=v1.2.3 scripts/build.sh /usr/local/bin/msls
#   MAX_BYTES=20000000 scripts/build.sh   # also fail if the binary is larger
#
# -tags grpcnotrace: msls runs BuildKit's build checks in-process, and BuildKit's
# packages pull in gRPC, whose request tracing imports html/template. That
# reaches text/template's reflective method calls, after which the linker must
# keep every exported method of every type in the binary: 5 MB of protobuf
# and BuildKit API code nothing calls. msls uses no gRPC at all, so the tag
# removes nothing it needs. -s -w drops the symbol table and DWARF.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bin/msls}
version=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || true)}
ldflags="-s -w"
if [ -n "$version" ]; then
  ldflags="$ldflags -X main.version=$version"
fi
mkdir -p "$(dirname "$out")"
go build -tags grpcnotrace -trimpath -ldflags "$ldflags" -o "$out" ./cmd/msls
size=$(wc -c <"$out")
echo "$out: $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.1f MB", s / 1e6 }'))"
if [ -n "${MAX_BYTES:-}" ] && [ "$size" -gt "$MAX_BYTES" ]; then
  echo "!! $out is larger than $MAX_BYTES bytes"
  exit 1
fi
