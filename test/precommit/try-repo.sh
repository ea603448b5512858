#!/usr/bin/env bash
# The pre-commit hooks of .pre-commit-hooks.yaml, run the way users run them: Debian's pre-commit
# package, `pre-commit try-repo` of this checkout (uncommitted changes included) in a sample
# repository. msls-check and msls-fmt must pass on a clean Dockerfile and fail on a naive one.
#
# language: golang makes pre-commit `go install ./...` this repository with the system Go; it needs
# no PyPI (pre-commit's own packages come from apt). Modules come from the Go module cache or proxy.
# Outside CI, without pre-commit and without root/apt to install it, this skips with a message;
# with CI=true it must run.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)

if ! command -v pre-commit >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian's pre-commit package"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends pre-commit git >/dev/null ||
      { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends pre-commit git >/dev/null; }
  elif [ "${CI:-}" = true ]; then
    echo "FAIL: pre-commit is not installed and cannot be (not root or no apt-get); CI must run this test"; exit 1
  else
    echo "SKIP: pre-commit is not installed and this is not root with apt-get (CI=true makes this a failure)"; exit 0
  fi
fi
echo "$(pre-commit --version) from $(command -v pre-commit)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# pre-commit's environments go in a fresh home; the Go module cache is the user's (pre-commit sets
# GOPATH to its environment directory, which would otherwise download every module again).
export PRE_COMMIT_HOME=$tmp/pre-commit-home GOMODCACHE=${GOMODCACHE:-$(go env GOMODCACHE)}
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
sample=$tmp/sample
mkdir -p "$sample/svc"
cd "$sample"
git init -q .
cp "$repo/examples/go-multistage.Dockerfile" Dockerfile
printf 'not a Dockerfile: FROM nowhere\n' > notes.md
cp "$repo/examples/go-multistage.Dockerfile" svc/Dockerfile.template   # excluded by name: never linted
printf 'FROM scratch\nthis is not an instruction\n' >> svc/Dockerfile.template
git add -A && git commit -qm clean

fail=0
try() { # try WANT_STATUS LABEL
  local want=$1 label=$2 status=0
  pre-commit try-repo "$repo" --all-files > "$tmp/out" 2>&1 || status=$?
  if { [ "$want" = 0 ] && [ $status = 0 ]; } || { [ "$want" != 0 ] && [ $status != 0 ]; }; then
    echo "ok: $label (exit $status)"
  else
    echo "FAIL: $label: exit $status"; cat "$tmp/out"; fail=1
  fi
}

try 0 "clean Dockerfile passes msls-check and msls-fmt"
grep -q "msls check.*Passed" "$tmp/out" && grep -q "msls fmt.*Passed" "$tmp/out" || { echo "FAIL: both hooks should have run and passed"; cat "$tmp/out"; fail=1; }

# the naive single-stage Dockerfile, with its formatting broken too
{ printf 'from node:20\n'; sed 1d "$repo/examples/node-app/Dockerfile"; } > svc/Dockerfile
cp "$repo/examples/node-app/package.json" "$repo/examples/node-app/package-lock.json" svc/
git add -A
try 1 "naive Dockerfile fails"
grep -q "msls check.*Failed" "$tmp/out" || { echo "FAIL: msls-check should fail"; cat "$tmp/out"; fail=1; }
grep -q "CacheBustingCopy" "$tmp/out" || { echo "FAIL: no CacheBustingCopy finding in the hook output"; cat "$tmp/out"; fail=1; }
grep -q "msls fmt.*Failed" "$tmp/out" && grep -q "svc/Dockerfile" "$tmp/out" || { echo "FAIL: msls-fmt should name svc/Dockerfile"; cat "$tmp/out"; fail=1; }
grep -q "Dockerfile.template" "$tmp/out" && { echo "FAIL: a template was linted"; fail=1; }

# the README's .pre-commit-config.yaml, pointed at this checkout (its committed HEAD: pre-commit
# clones the repository at rev)
rev=$(git -C "$repo" rev-parse HEAD)
bash "$repo/test/readme-snippet.sh" ci-precommit |
  sed -e "s|repo: https://github.com/msls-dev/msls\$|repo: $repo|" -e "s|rev: v0.1.0\$|rev: $rev|" > .pre-commit-config.yaml
grep -q "repo: $repo\$" .pre-commit-config.yaml && grep -q "rev: $rev\$" .pre-commit-config.yaml ||
  { echo "FAIL: the README snippet no longer names the repository and rev this test replaces"; cat .pre-commit-config.yaml; fail=1; }
git add -A
run_config() { # WANT_STATUS LABEL
  local want=$1 label=$2 status=0
  pre-commit run --all-files > "$tmp/out" 2>&1 || status=$?
  if { [ "$want" = 0 ] && [ $status = 0 ]; } || { [ "$want" != 0 ] && [ $status != 0 ]; }; then
    echo "ok: $label (exit $status)"
  else
    echo "FAIL: $label: exit $status"; cat "$tmp/out"; fail=1
  fi
}
run_config 1 "README .pre-commit-config.yaml: the naive Dockerfile fails"
grep -q "CacheBustingCopy" "$tmp/out" || { echo "FAIL: no CacheBustingCopy finding"; cat "$tmp/out"; fail=1; }
git rm -q -f svc/Dockerfile
run_config 0 "README .pre-commit-config.yaml: the clean repository passes"

[ $fail = 0 ] && echo "pre-commit: hooks pass on a clean repository and fail on a naive Dockerfile"
exit $fail
