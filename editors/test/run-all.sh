#!/usr/bin/env bash
# Every editor integration against msls freshly built from this tree. Run install-deps.sh first.
#   VS Code   : npm test (unit), npm run package (.vsix with the linux-x64 binary), e2e in code-server + Chromium
#   Neovim    : 0.7.2 (Debian) with legacy.lua; 0.11+ (newer Debian suite) with lsp/msls.lua, init.lua;
#               plus editors/neovim/test/run-format.sh (formatting through Neovim's client)
#   Helix     : languages.toml, driven in a private tmux server
# Prints one line per editor test and a closing "N passed, N failed, N skipped"; exit 1 if any failed.
# Options (env): EDITORS_ONLY="vscode neovim helix" to run a subset; EDITORS_REQUIRE_ALL=1 to fail instead of
# skip when the newer Neovim/Helix could not be installed; UPDATE_SCREENSHOT=1 to refresh
# docs/images/vscode-msls.png from the e2e run.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${EDITORS_CACHE:-$HERE/.cache}
ONLY=${EDITORS_ONLY:-vscode neovim helix}
R=$(mktemp -d "${TMPDIR:-/tmp}/msls-editors.XXXXXX")
passed=0; failed=0; skipped=0; summary=()
# a failed run keeps its reports, screens and logs
trap 'if [ "$failed" -eq 0 ]; then rm -rf "$R"; else echo "(logs and reports kept in $R)"; fi' EXIT
record() { # record LABEL STATUS LINE
  case $2 in PASS) passed=$((passed+1));; FAIL) failed=$((failed+1));; SKIP) skipped=$((skipped+1));; esac
  summary+=("$3")
}
# run LABEL CMD...: the command prints its own "LABEL: PASS|FAIL ..." line; its exit status decides
run() {
  local label=$1; shift
  local out=$R/$label.out
  echo "== $label"
  "$@" 2>&1 | tee "$out"
  local rc=${PIPESTATUS[0]}
  local line; line=$(grep -E "^$label: (PASS|FAIL)" "$out" | tail -1)
  if [ "$rc" -eq 0 ]; then record "$label" PASS "${line:-$label: PASS}"
  else record "$label" FAIL "${line:-$label: FAIL (exit $rc)}"; fi
}
skip() { echo "$1: SKIP $2"; record "$1" SKIP "$1: SKIP $2"; }
wants() { case " $ONLY " in *" $1 "*) return 0;; esac; return 1; }

echo "== building msls from $ROOT"
mkdir -p "$R/bin"
if ! (cd "$ROOT" && go build -o "$R/bin/msls" ./cmd/msls); then
  echo "msls: FAIL go build"; echo "0 passed, 1 failed"; exit 1
fi
MSLS=$R/bin/msls

harness() { if node --test "$HERE/lib/" > "$R/harness.log" 2>&1; then echo "harness: PASS $(grep -E '^# pass' "$R/harness.log" | sed 's/# pass //') judge unit tests"; else cat "$R/harness.log"; echo "harness: FAIL"; return 1; fi; }
run harness harness

if wants vscode; then
  VSC=$ROOT/editors/vscode
  vscode_unit() { (cd "$VSC" && npm test > "$R/vscode-unit.log" 2>&1) && echo "vscode-unit: PASS $(grep -E '^# pass' "$R/vscode-unit.log" | sed 's/# pass //') tests" || { cat "$R/vscode-unit.log"; echo "vscode-unit: FAIL see above"; return 1; }; }
  run vscode-unit vscode_unit
  vscode_package() {
    (cd "$VSC" && MSLS_TARGETS=linux-x64 npm run package > "$R/package.log" 2>&1) || { tail -30 "$R/package.log"; echo "vscode-package: FAIL npm run package"; return 1; }
    local v; v=$(node -p "require('$VSC/package.json').version")
    [ -f "$VSC/msls-linux-x64-$v.vsix" ] && [ -f "$VSC/msls-$v.vsix" ] || { echo "vscode-package: FAIL .vsix files missing"; return 1; }
    python3 -m zipfile -l "$VSC/msls-linux-x64-$v.vsix" | grep -q '^extension/bin/linux-x64/msls ' || { echo "vscode-package: FAIL no bundled binary"; return 1; }
    ! python3 -m zipfile -l "$VSC/msls-$v.vsix" | grep -q '^extension/bin/' || { echo "vscode-package: FAIL universal .vsix has a binary"; return 1; }
    echo "vscode-package: PASS msls-linux-x64-$v.vsix ($(du -h "$VSC/msls-linux-x64-$v.vsix" | cut -f1)), msls-$v.vsix"
  }
  run vscode-package vscode_package
  CS=$CACHE/code-server/node_modules/.bin/code-server
  VSIX=$(ls "$VSC"/msls-linux-x64-*.vsix 2>/dev/null | head -1)
  if [ -x "$CS" ] && command -v chromium >/dev/null && [ -n "$VSIX" ]; then
    run vscode node "$HERE/vscode-e2e.mjs" --vsix "$VSIX" --code-server "$CS" --run "$R/vscode" --screenshot "$R/vscode.png"
    if [ -n "${UPDATE_SCREENSHOT:-}" ] && [ -f "$R/vscode.png" ]; then
      mkdir -p "$ROOT/docs/images" && cp "$R/vscode.png" "$ROOT/docs/images/vscode-msls.png" && echo "updated docs/images/vscode-msls.png"
    fi
  else
    record vscode FAIL "vscode: FAIL code-server, chromium or the .vsix is missing (run editors/test/install-deps.sh)"
  fi
fi

if wants neovim; then
  if command -v nvim >/dev/null; then
    ver=$(nvim --version | head -1 | sed 's/NVIM v//')
    run "neovim-$ver-legacy" "$HERE/nvim-test.sh" "$MSLS" nvim legacy "neovim-$ver-legacy"
  else
    record neovim FAIL "neovim: FAIL nvim is not installed (apt-get install neovim)"
  fi
  NV=$CACHE/newer/nvim
  if [ -x "$NV" ] && "$NV" --version >/dev/null 2>&1; then
    ver=$("$NV" --version | head -1 | sed 's/NVIM v//')
    run "neovim-$ver-lsp-config" "$HERE/nvim-test.sh" "$MSLS" "$NV" native "neovim-$ver-lsp-config"
    run "neovim-$ver-init" "$HERE/nvim-test.sh" "$MSLS" "$NV" init "neovim-$ver-init"
    # legacy.lua takes the vim.lsp.start path on 0.8+ (0.7.2 above takes vim.lsp.start_client)
    run "neovim-$ver-legacy" "$HERE/nvim-test.sh" "$MSLS" "$NV" legacy "neovim-$ver-legacy"
  elif [ -n "${EDITORS_REQUIRE_ALL:-}" ]; then record neovim-0.11 FAIL "neovim-0.11: FAIL no Neovim 0.11+ in $CACHE/newer"
  else skip neovim-0.11 "no Neovim 0.11+ in $CACHE/newer (get-newer-editors.sh could not fetch it)"; fi
  if [ -x "$ROOT/editors/neovim/test/run-format.sh" ] && command -v nvim >/dev/null; then
    fmt() { if sh "$ROOT/editors/neovim/test/run-format.sh" nvim; then echo "neovim-format: PASS"; else echo "neovim-format: FAIL"; return 1; fi; }
    run neovim-format fmt
  fi
fi

if wants helix; then
  HXB=$CACHE/newer/hx
  if [ -x "$HXB" ] && "$HXB" --version >/dev/null 2>&1; then
    run helix "$HERE/helix-test.sh" "$MSLS" "$HXB" helix
  elif [ -n "${EDITORS_REQUIRE_ALL:-}" ]; then record helix FAIL "helix: FAIL no Helix in $CACHE/newer"
  else skip helix "no Helix in $CACHE/newer (get-newer-editors.sh could not fetch it)"; fi
fi

echo
echo "== editor integrations"
for l in "${summary[@]}"; do echo "  $l"; done
echo "editors: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
