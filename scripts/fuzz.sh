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
status=0
for t in "${targets[@]}"; do
  read -r pkg name <<<"$t"
  if [ $# -gt 0 ] && [[ " $* " != *" $name "* ]]; then
    continue
  fi
  echo "== fuzz $name ($pkg) for $fuzztime"
  # -parallel 2: the CI machine has two cores; more workers only thrash.
  if ! go test "$pkg" -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -parallel 2; then
    echo "!! $name found a failing input: see $pkg/testdata/fuzz/$name/"
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
