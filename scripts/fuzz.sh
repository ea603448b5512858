#!/usr/bin/env bash
# Runs every fuzz target for a short, fixed time (FUZZTIME each, default 30s;
# seven targets keep CI around four minutes). A crasher makes the run fail and
# is left in <package>/testdata/fuzz/<Target>/: commit it as a regression
# case once fixed. `go test ./...` replays those files on every run.
#   FUZZTIME=10m scripts/fuzz.sh              # a longer local session
#   scripts/fuzz.sh FuzzParse FuzzActions     # some targets only
#   FUZZ_REPORT_ONLY=1 scripts/fuzz.sh         # report new crashers, exit 0
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime="${FUZZTIME:-30s}"
targets=(
  "./dockerfile FuzzParse"
  "./diagnostics FuzzRules"
  "./internal/ecosystem FuzzRunScript"
  "./completion FuzzComplete"
  "./codeactions FuzzActions"
  "./server FuzzFrameReader"
  "./internal/buildcontext FuzzLookup"
)
# inputs counts the saved inputs of a target (none when the folder is absent).
inputs() { { ls "$1" 2>/dev/null || true; } | wc -l; }
status=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "${targets[@]}"; do
  read -r pkg name <<<"$t"
  if [ $# -gt 0 ] && [[ " $* " != *" $name "* ]]; then
    continue
  fi
  echo "== fuzz $name ($pkg) for $fuzztime"
  corpus="$pkg/testdata/fuzz/$name"
  before=$(inputs "$corpus")
  # -parallel 2: the CI machine has two cores; more workers only thrash.
  if ! go test "$pkg" -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -parallel 2 2>&1 | tee "$log"; then
    if [ "$(inputs "$corpus")" -eq "$before" ] && grep -q 'context deadline exceeded' "$log"; then
      # Go 1.26's fuzzing coordinator can report its own -fuzztime deadline
      # as a failure when a starved worker answers late (go.dev/issue/75804,
      # fixed in Go 1.27): no input was written, so there is nothing to fix.
      echo "-- $name: the fuzzing engine missed its own deadline and wrote no input (go.dev/issue/75804): not a finding"
      continue
    fi
    echo "!! $name found a failing input: see $corpus/"
    status=1
  fi
done
if [ "$status" -ne 0 ] && [ -n "${FUZZ_REPORT_ONLY:-}" ]; then
  # The gating check for known inputs is `go test`, which replays every
  # committed testdata/fuzz case; an input found minutes ago by a 30 s run is
  # a new bug to fix and commit as a regression case, printed above in full.
  echo "!! fuzzing found new failing inputs (reported, not gating: FUZZ_REPORT_ONLY is set)"
  exit 0
fi
exit $status
