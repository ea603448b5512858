#!/usr/bin/env bash
# Side-by-side LSP benchmark: msls against the npm dockerfile-language-server-nodejs
# on the 198-line multi-stage fixture. Builds msls and msls-bench, installs the
# Node server once outside the repository, runs interleaved rounds and writes
# bench/out/compare.json. Extra arguments go to msls-bench (e.g. -rounds 20).
#
#   bench/compare.sh                 # 198-line file, 10 rounds, 100 open docs
#   LARGE=1 bench/compare.sh         # also a 10,000-line file (msls vs node)
#   INSTRUCTION=0 bench/compare.sh   # skip the run typing into an instruction
#   PEER_VERSION=0.15 PEER_DIR=/tmp/node-lsp bench/compare.sh -rounds 5
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-bench/out}
PEER_VERSION=${PEER_VERSION:-0.15}
PEER_DIR=${PEER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/msls-bench/dockerfile-language-server-nodejs-$PEER_VERSION}
ROUNDS=${ROUNDS:-10}
DOCS=${DOCS:-100}
FILE=${FILE:-testdata/bench/multistage-198.Dockerfile}
mkdir -p "$OUT"

bash scripts/build.sh "$OUT/msls"   # the release build users get
go build -o "$OUT/msls-bench" ./cmd/msls-bench

PEER="$PEER_DIR/node_modules/dockerfile-language-server-nodejs/bin/docker-langserver"
if [ ! -f "$PEER" ]; then
  mkdir -p "$PEER_DIR"
  npm install --prefix "$PEER_DIR" --no-audit --no-fund --loglevel=error \
    "dockerfile-language-server-nodejs@$PEER_VERSION"
fi
echo "node $(node --version), dockerfile-language-server-nodejs $(node -p "require('$PEER_DIR/node_modules/dockerfile-language-server-nodejs/package.json').version")"

"$OUT/msls-bench" -file "$FILE" -rounds "$ROUNDS" -edits 30 -docs "$DOCS" \
  -json "$OUT/compare.json" \
  -server msls="$OUT/msls" \
  -server node="node $PEER --stdio" "$@"

if [ "${INSTRUCTION:-1}" = 1 ]; then
  # The run above types into a comment (the same diagnostics every version,
  # and nothing BuildKit checks changes). Typing into an instruction of an
  # early stage also re-runs that stage's BuildKit checks and moves every
  # instruction after it: the costlier keystroke for msls.
  line=$(grep -n '^WORKDIR' "$FILE" | head -n 1 | cut -d: -f1)
  echo "== typing into an instruction: line $line of $FILE"
  "$OUT/msls-bench" -file "$FILE" -rounds "$ROUNDS" -edits 30 -docs 1 -edit-line $((line - 1)) \
    -json "$OUT/compare-instruction.json" \
    -server msls="$OUT/msls" \
    -server node="node $PEER --stdio" "$@"
fi

if [ "${LARGE:-0}" = 1 ]; then
  # 10,000+ lines: the fixture's body repeated, stages renamed per copy.
  large="$OUT/large.Dockerfile"
  {
    head -n 2 testdata/bench/multistage-198.Dockerfile
    tail -n +3 testdata/bench/multistage-198.Dockerfile
    for i in $(seq 1 51); do
      tail -n +3 testdata/bench/multistage-198.Dockerfile |
        sed -E "s/^(FROM[ \t].*[ \t]AS[ \t]+)([A-Za-z0-9_.-]+)[ \t]*$/\1\2-$i/"
    done
  } > "$large"
  "$OUT/msls-bench" -file "$large" -rounds 3 -edits 5 -burst 5 -completions 3 -timeout 60s \
    -json "$OUT/compare-large.json" \
    -server msls="$OUT/msls" \
    -server node="node $PEER --stdio" "$@"
fi
