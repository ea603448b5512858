#!/usr/bin/env bash
# The project's whole test suite: what CI runs (via .ci/run) and what the
# README tells a contributor to run. It installs what the editor tests need
# first (Debian packages, a newer Neovim and Helix from Debian's archives,
# code-server, npm packages) and podman for the container suite, so it needs
# root or sudo-less apt on a fresh machine; EDITORS=0 skips the editor stage,
# CONTAINERS=0 the container builds. For a quick loop while coding:
# `go test -short ./...`.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== go test (every package, corpus sweeps included when ../shared/corpus or \$MSLS_CORPUS exists)"
go test -count=1 ./...

echo "== go test -race (the concurrent parts: server, CLI, protocol; the model and the rules with -short)"
go test -race -count=1 ./server/... ./cmd/... ./test/protocol/...
go test -race -short -count=1 ./dockerfile/... ./diagnostics/...

echo "== release build (size target: under 20 MB)"
MAX_BYTES=20000000 bash scripts/build.sh "$(mktemp -d)/msls"

echo "== fuzz (each target for a short, fixed time; new crashers are printed, the gate is go test's replay of testdata/fuzz)"
FUZZ_REPORT_ONLY=1 bash scripts/fuzz.sh

echo "== release: scripts/release.sh twice for two platforms, same bytes (test/release/reproducible.sh)"
bash test/release/reproducible.sh

echo "== pre-commit hooks: Debian's pre-commit, try-repo on a sample repository (skips without root/apt unless CI=true)"
bash test/precommit/try-repo.sh

if [ "${CONTAINERS:-1}" != 0 ]; then
  # builds the stand-in base images (cached in test/containers/.cache), then builds and runs
  # the original and the split of every project under testdata/containers (needs root: podman)
  echo "== containers (the split refactor, built and run: test/containers/split-suite.sh)"
  bash test/containers/split-suite.sh
  echo "== msls's own image: podman build on the stand-in bases, non-root, check - (test/containers/image.sh)"
  bash test/containers/image.sh
fi

if [ "${EDITORS:-1}" != 0 ]; then
  echo "== editors (VS Code in code-server, Neovim 0.7 and 0.11+, Helix)"
  bash editors/test/install-deps.sh
  bash editors/test/run-all.sh
fi
