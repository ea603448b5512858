#!/usr/bin/env bash
# The project's whole test suite: what CI runs (via .ci/run) and what the
# README tells a new contributor to run. Installs what the tests need first.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== go test (race detector on)"
go test -race -count=1 ./...
