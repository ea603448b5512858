#!/usr/bin/env bash
# split-suite.sh — proof of the split refactor by building and running real-shaped projects.
#
#   bash test/containers/split-suite.sh [PROJECT...]      (default: every testdata/containers/*/)
#
# For each project (a single-stage Dockerfile plus its sources, lockfiles and a `probe` file):
#   1. `msls fix --split` rewrites a copy of the Dockerfile, or says why it refuses;
#   2. probe `expect=refuse`: the refusal must contain `refuse=<text>` (nothing is built);
#      probe `expect=split`: the original and the split are built (podman, the stand-in bases of
#      make-bases.sh) and run; each must answer on http://127.0.0.1:$port/ (or exit with `exit=<code>`)
#      with the same body; the split must be smaller and run as a non-root user;
#   3. one source file (`edit=<file>`) is edited and the split rebuilt: every RUN of its `deps`
#      stage must come from the cache.
# It prints one line per project and `N passed, N failed`; figures go to $CACHE/results.tsv.
# Needs root (podman). Environment: CACHE (test/containers/.cache), KEEP=1 keeps the images,
# SKIP_BASES=1 trusts the base images already in storage (make-bases.sh is not run).
# SUITE_BUDGET=SECONDS (default 2400) bounds the run inside CI's time limit: once that much time
# has passed since the suite started, the projects not yet begun are printed as SKIP and counted
# as skipped, not failed (0 means no limit).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
CACHE=${CACHE:-$here/.cache}
export CONTAINERS_CONF=$CACHE/containers.conf
work=$CACHE/suite
results=${RESULTS:-$CACHE/results.tsv}
PYPORT=${PYPORT:-8765}
mkdir -p "$CACHE"

if [ "${SKIP_BASES:-0}" != 1 ]; then
  bash "$here/make-bases.sh" >"$CACHE/make-bases.log" 2>&1 || { echo "make-bases.sh failed:"; tail -20 "$CACHE/make-bases.log"; exit 1; }
fi
mkdir -p "$work"
(cd "$repo" && go build -o "$CACHE/msls" ./cmd/msls) || exit 1

# ---- a local Python package index: wheels of testdata/containers/_pypkgs, served on 127.0.0.1
# plus Debian's setuptools and wheel wheels, which `pip install .` fetches for its isolated build
# (PyPI is not reachable; the stand-in python image points pip at this index).
pyindex=$CACHE/pyindex
if [ -d "$repo/testdata/containers/_pypkgs" ]; then
  # SOURCE_DATE_EPOCH makes the wheels byte-for-byte reproducible: poetry.lock pins their hashes
  rm -rf "$pyindex"; mkdir -p "$pyindex/wheels" "$pyindex/simple"
  podman run --rm --pull=never --network=host -v "$repo/testdata/containers/_pypkgs:/src:ro" -v "$pyindex/wheels:/out" \
    -e SOURCE_DATE_EPOCH=1700000000 docker.io/library/python:3.12-slim sh -c 'for p in /src/*/; do cp -r "$p" /tmp/b && chmod -R u=rwX,go=rX /tmp/b && pip wheel -q --no-deps --no-build-isolation --no-index /tmp/b -w /out && rm -rf /tmp/b; done; cp /usr/share/python-wheels/setuptools-*.whl /usr/share/python-wheels/wheel-*.whl /out/' \
    >"$CACHE/pywheels.log" 2>&1 || { echo "building the local wheels failed"; tail -5 "$CACHE/pywheels.log"; }
  for whl in "$pyindex"/wheels/*.whl; do
    [ -e "$whl" ] || continue
    name=$(basename "$whl" | cut -d- -f1 | tr 'A-Z_.' 'a-z--')
    mkdir -p "$pyindex/simple/$name"
    printf '<a href="../../wheels/%s">%s</a>\n' "$(basename "$whl")" "$(basename "$whl")" >> "$pyindex/simple/$name/index.html"
  done
  python3 -m http.server "$PYPORT" --bind 127.0.0.1 --directory "$pyindex" >/dev/null 2>&1 &
  pyserver=$!
  trap 'kill $pyserver 2>/dev/null' EXIT
fi

B=(podman build --pull=never --network=host --layers)
printf 'project\tresult\tsplit\torig_MB\tsplit_MB\torig_build_s\tsplit_build_s\tedit_build_s\tdeps_cached_after_edit\tuser\tanswer\tnote\n' > "$results"
pass=0; fail=0

mb() { podman image inspect "$1" --format '{{.Size}}' 2>/dev/null | awk '{printf "%.1f", $1/1e6}'; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f", b-a}'; }

# run IMAGE NAME PORT EXIT -> prints the answer (HTTP body or "exit=N:<stdout>"); the user the
# process ran as goes to $work/.NAME.user (it runs in a command substitution)
run_probe() {
  local img=$1 name=$2 port=$3 want_exit=$4
  podman rm -f "$name" >/dev/null 2>&1
  local RUN_USER=?
  if [ -n "$want_exit" ]; then
    local out; out=$(timeout 60 podman run --name "$name" --network host "$img" 2>&1); local rc=$?
    RUN_USER=$(podman inspect "$name" --format '{{.Config.User}}' 2>/dev/null)
    podman rm -f "$name" >/dev/null 2>&1
    echo "${RUN_USER:-root}" > "$work/.$name.user"
    echo "exit=$rc:$(echo "$out" | tail -1)"
    return
  fi
  podman run -d --name "$name" --network host -e PORT="$port" "$img" >/dev/null 2>&1 || { echo "NOSTART"; return; }
  local body=FAIL
  for _ in $(seq 1 60); do
    body=$(curl -fsS --max-time 2 "http://127.0.0.1:$port/" 2>/dev/null) && break
    body=FAIL; sleep 0.5
  done
  RUN_USER=$(podman top "$name" user 2>/dev/null | awk 'NR==2{print $1}')
  echo "$RUN_USER" > "$work/.$name.user"
  [ "$body" = FAIL ] && podman logs "$name" 2>&1 | tail -3 | sed 's/^/    | /' >&2
  podman rm -f -t 1 "$name" >/dev/null 2>&1
  echo "$body" | head -c 200 | tr '\n\t' '  '
}

line() { # project result fields... -> results.tsv and one printed line
  local IFS=$'\t'; echo "$*" >> "$results"
}

projects=("$@")
[ ${#projects[@]} -gt 0 ] || for d in "$repo"/testdata/containers/*/; do b=$(basename "$d"); [ "${b#_}" = "$b" ] && projects+=("$b"); done

budget=${SUITE_BUDGET:-2400}
skipped=0
for p in "${projects[@]}"; do
  if [ "$budget" != 0 ] && [ "$SECONDS" -ge "$budget" ]; then
    skipped=$((skipped+1)); echo "SKIP $p: the suite's time budget (SUITE_BUDGET=${budget}s) is spent"; continue
  fi
  src=$repo/testdata/containers/$p
  port=; edit=; expect=split; refuse=; want_exit=
  while IFS='=' read -r k v; do
    case $k in port) port=$v;; edit) edit=$v;; expect) expect=$v;; refuse) refuse=$v;; exit) want_exit=$v;; esac
  done < "$src/probe"
  d=$work/$p; rm -rf "$d"; cp -r "$src" "$d"; rm -f "$d/probe"
  cp "$d/Dockerfile" "$d/Dockerfile.orig"
  why=$("$CACHE/msls" fix --split --write --fail-level none "$d/Dockerfile" 2>&1 >/dev/null | sed -n 's/.*split not offered: //p')
  # `msls fix` also applies the safe quick fixes, so a changed file alone does not mean a split
  if [ -z "$why" ] && grep -q ' AS runner' "$d/Dockerfile"; then mv "$d/Dockerfile" "$d/Dockerfile.split"; offered=yes; else offered=no; fi
  cp "$d/Dockerfile.orig" "$d/Dockerfile"
  if [ "$expect" = refuse ]; then
    if [ $offered = no ] && [ -n "$why" ] && [[ "$why" == *"$refuse"* ]]; then
      pass=$((pass+1)); echo "PASS $p: refused: $why"; line "$p" PASS refused - - - - - - - - "$why"
    else
      fail=$((fail+1)); echo "FAIL $p: expected a refusal mentioning '$refuse', got offered=$offered ${why:+($why)}"; line "$p" FAIL "offered=$offered" - - - - - - - - "$why"
    fi
    continue
  fi
  if [ $offered = no ]; then
    fail=$((fail+1)); echo "FAIL $p: split refused: $why"; line "$p" FAIL refused - - - - - - - - "$why"; continue
  fi
  tag=msls-suite/$p
  t=$(now); "${B[@]}" -f "$d/Dockerfile.orig" -t "$tag:orig" "$d" >"$d/orig.log" 2>&1 || { fail=$((fail+1)); echo "FAIL $p: the original does not build"; tail -5 "$d/orig.log" | sed 's/^/    | /'; line "$p" FAIL orig-build; continue; }
  tb_orig=$(secs "$t" "$(now)")
  t=$(now); "${B[@]}" -f "$d/Dockerfile.split" -t "$tag:split" "$d" >"$d/split.log" 2>&1 || { fail=$((fail+1)); echo "FAIL $p: the split does not build"; tail -8 "$d/split.log" | sed 's/^/    | /'; line "$p" FAIL split-build; continue; }
  tb_split=$(secs "$t" "$(now)")
  a_orig=$(run_probe "$tag:orig" "suite-$p" "$port" "$want_exit"); u_orig=$(cat "$work/.suite-$p.user")
  a_split=$(run_probe "$tag:split" "suite-$p" "$port" "$want_exit"); u_split=$(cat "$work/.suite-$p.user")
  # a source-only edit: the deps stage must be reused
  if [ -n "$edit" ]; then
    case $edit in *.py) printf '\n# edited\n' >> "$d/$edit";; *) printf '\n// edited\n' >> "$d/$edit";; esac
  fi
  t=$(now); "${B[@]}" -f "$d/Dockerfile.split" -t "$tag:split" "$d" >"$d/edit.log" 2>&1; tb_edit=$(secs "$t" "$(now)")
  cached=$(awk '/^\[1\/[0-9]+\] STEP [0-9]+\/[0-9]+: RUN /{run=1; next} run{ if ($0 ~ /^--> Using cache/) ok++; else bad++; run=0 } END{ if (bad) print "no"; else if (ok) print "yes"; else print "none" }' "$d/edit.log")
  s_orig=$(mb "$tag:orig"); s_split=$(mb "$tag:split")
  problems=()
  [ "$a_orig" = FAIL ] || [ "$a_orig" = NOSTART ] && problems+=("original does not answer")
  [ "$a_split" = "$a_orig" ] || problems+=("answers differ: '$a_orig' vs '$a_split'")
  awk -v a="$s_split" -v b="$s_orig" 'BEGIN{exit !(a < b)}' || problems+=("not smaller")
  case "$u_split" in ""|root|0|0:*|root:*|\?) problems+=("runs as root ($u_split)");; esac
  [ "$cached" = yes ] || problems+=("deps layer not reused after a source edit ($cached)")
  if [ ${#problems[@]} -eq 0 ]; then
    pass=$((pass+1)); r=PASS
  else
    fail=$((fail+1)); r=FAIL
  fi
  note=$(IFS=';'; echo "${problems[*]}")
  echo "$r $p: ${s_orig}MB -> ${s_split}MB, build ${tb_orig}s/${tb_split}s, edit ${tb_edit}s, deps cached: $cached, user: $u_orig -> $u_split, answer: $a_split${note:+ — $note}"
  line "$p" "$r" offered "$s_orig" "$s_split" "$tb_orig" "$tb_split" "$tb_edit" "$cached" "$u_split" "$a_split" "$note"
  [ "${KEEP:-0}" = 1 ] || podman rmi -f "$tag:orig" "$tag:split" >/dev/null 2>&1
done
echo "$pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ]
