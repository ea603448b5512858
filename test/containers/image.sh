#!/usr/bin/env bash
# msls's own image (the repository's Dockerfile), built and run the way users do:
#   1. `msls check` finds nothing at all in it, at any severity, and `msls fmt --check` passes;
#   2. it builds with podman against the stand-in bases of make-bases.sh (golang:1.26,
#      gcr.io/distroless/static-debian12:nonroot), --pull=never --network=host;
#   3. it runs as the nonroot user (uid 65532), `version` prints the stamped version, and
#      `check -` lints a Dockerfile from standard input (exit 1 on a naive one, 0 on a clean one).
# Needs root and podman (make-bases.sh installs it from Debian). Outside CI, without them, it skips;
# with CI=true it must run.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"

if [ "$(id -u)" != 0 ] && ! command -v podman >/dev/null; then
  if [ "${CI:-}" = true ]; then echo "FAIL: the image test needs root or podman in CI"; exit 1; fi
  echo "SKIP: the image test needs root (to make the stand-in bases) or podman (CI=true makes this a failure)"; exit 0
fi
fail=0
echo "-- msls check / fmt --check Dockerfile"
findings=$(go run ./cmd/msls check --format json --fail-level hint Dockerfile)
if [ "$(echo "$findings" | tr -d '[:space:]')" != "[]" ]; then echo "FAIL: msls check Dockerfile:"; echo "$findings"; fail=1; fi
go run ./cmd/msls fmt --check Dockerfile || { echo "FAIL: Dockerfile is not formatted (msls fmt Dockerfile)"; fail=1; }

cache=${CACHE:-$repo/test/containers/.cache}
export CONTAINERS_CONF=${CONTAINERS_CONF:-$cache/containers.conf}
if ! podman image exists docker.io/library/golang:1.26 2>/dev/null ||
  ! podman image exists gcr.io/distroless/static-debian12:nonroot 2>/dev/null || [ ! -s "$CONTAINERS_CONF" ]; then
  echo "-- make-bases.sh (the stand-in base images)"
  CACHE=$cache bash test/containers/make-bases.sh
fi

image=localhost/msls-test/msls:image-test
version=v0.0.0-image
echo "-- podman build"
start=$(date +%s)
podman build --pull=never --network=host --layers -q -t "$image" \
  --build-arg VERSION=$version --build-arg COMMIT="$(git rev-parse HEAD 2>/dev/null || echo unknown)" . >/dev/null
echo "built in $(( $(date +%s) - start ))s: $(podman image inspect --format '{{.Size}}' "$image") bytes"
# msls needs no network: the checks run with none
run=(podman run --rm -i --network none "$image")

user=$(podman image inspect --format '{{.Config.User}}' "$image")
entry=$(podman image inspect --format '{{json .Config.Entrypoint}}' "$image")
[ "$entry" = '["msls"]' ] || { echo "FAIL: entrypoint $entry"; fail=1; }
case "$user" in "" | root | 0 | 0:* | root:*) echo "FAIL: image user '$user' is root"; fail=1 ;; esac
# the uid the process really runs with (distroless has no shell or id: ask podman top)
cid=$(podman run -d -i --network none "$image" serve)
uid=$(podman top "$cid" huser | awk 'NR == 2 { print $1 }')
podman rm -f "$cid" >/dev/null
[ "$uid" = 65532 ] && echo "runs as uid $uid ($user)" || { echo "FAIL: the container runs as uid '$uid'"; fail=1; }

v=$("${run[@]}" version | head -n1)
[ "$v" = "msls $version" ] || { echo "FAIL: version printed '$v'"; fail=1; }

status=0
out=$("${run[@]}" check - < examples/node-app/Dockerfile) || status=$?
if [ $status = 1 ] && echo "$out" | grep -q '^-:3:1: warning CacheBustingCopy:'; then
  echo "check - (naive Dockerfile on stdin): exit 1, $(echo "$out" | wc -l) findings"
else
  echo "FAIL: check - on the naive Dockerfile: exit $status"; echo "$out"; fail=1
fi
status=0
out=$("${run[@]}" check - < Dockerfile) || status=$?
[ $status = 0 ] && [ -z "$out" ] && echo "check - (msls's own Dockerfile on stdin): exit 0, no findings" ||
  { echo "FAIL: check - on msls's Dockerfile: exit $status"; echo "$out"; fail=1; }

[ $fail = 0 ] && echo "image: clean, builds, runs as non-root, lints standard input"
exit $fail
