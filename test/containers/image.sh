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

version=v0.0.0-image
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The README's snippets build and run the image with docker; here docker is podman with the local
# stand-in bases (--pull=never), the host network for the build's module downloads, no network at
# run time (msls needs none) and this test's version stamp.
docker() {
  case "$1" in
    build) shift; podman build --pull=never --network=host --layers -q \
      --build-arg VERSION=$version --build-arg COMMIT="$(git rev-parse HEAD)" "$@" >/dev/null ;;
    run) shift; podman run --network none "$@" ;;
    *) echo "docker $1: not simulated"; return 2 ;;
  esac
}
export -f docker
export version
echo "-- README install-image: git clone (this checkout's HEAD), docker build, docker run check -"
start=$(date +%s)
snippet=$(bash test/readme-snippet.sh install-image | sed "s|git clone https://github.com/msls-dev/msls |git clone -q \"$repo\" msls |")
echo "$snippet" | grep -q "git clone -q \"$repo\" msls " || { echo "FAIL: the README's image snippet no longer clones what this test replaces"; exit 1; }
status=0
out=$(cd "$tmp" && bash -eo pipefail -c "$snippet") || status=$?
[ $status = 0 ] && [ -z "$out" ] || { echo "FAIL: README install-image: exit $status"; echo "$out"; fail=1; }
image=localhost/msls:latest
podman image exists "$image" || { echo "FAIL: the README's docker build made no image msls"; exit 1; }
echo "built in $(( $(date +%s) - start ))s: $(podman image inspect --format '{{.Size}}' "$image") bytes"
# msls needs no network: the checks run with none
run=(podman run --rm -i --network none "$image")

user=$(podman image inspect --format '{{.Config.User}}' "$image")
entry=$(podman image inspect --format '{{json .Config.Entrypoint}}' "$image")
[ "$entry" = '["msls"]' ] || { echo "FAIL: entrypoint $entry"; fail=1; }
case "$user" in "" | root | 0 | 0:* | root:*) echo "FAIL: image user '$user' is root"; fail=1 ;; esac
# the uid the process really runs with (distroless has no shell or id: ask podman top)
cid=$(podman run -d --rm -i --network none "$image" serve)
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

echo "-- README ci-image: docker run -v \$PWD:/src msls check --format github ."
mkdir -p "$tmp/ci"
chmod 755 "$tmp" "$tmp/ci"   # the container's nonroot user reads the mounted project
cp examples/node-app/Dockerfile "$tmp/ci/Dockerfile"
chmod 644 "$tmp/ci/Dockerfile"
snippet=$(bash test/readme-snippet.sh ci-image)
status=0
out=$(cd "$tmp/ci" && bash -eo pipefail -c "$snippet") || status=$?
if [ $status = 1 ] && echo "$out" | grep -q '^::warning file=Dockerfile,line=3,col=1,.*title=msls CacheBustingCopy::'; then
  echo "ci-image on a naive project: exit 1, $(echo "$out" | grep -c '^::') annotations"
else
  echo "FAIL: README ci-image on a naive project: exit $status"; echo "$out"; fail=1
fi
cp Dockerfile "$tmp/ci/Dockerfile"
status=0
out=$(cd "$tmp/ci" && bash -eo pipefail -c "$snippet") || status=$?
[ $status = 0 ] && [ -z "$out" ] || { echo "FAIL: README ci-image on a clean project: exit $status"; echo "$out"; fail=1; }

[ $fail = 0 ] && echo "image: clean, builds, runs as non-root, lints standard input"
exit $fail
