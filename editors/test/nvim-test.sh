#!/usr/bin/env bash
# Headless Neovim against msls, through one of the shipped configurations.
# usage: nvim-test.sh MSLS_BINARY [NVIM] [MODE] [LABEL]
#   MODE legacy: editors/neovim/legacy.lua (Neovim 0.7+, vim.lsp.start_client / vim.lsp.start)
#   MODE native: editors/neovim/lsp/msls.lua + vim.lsp.enable (Neovim 0.11+)
#   MODE init:   editors/neovim/init.lua, the copy-paste vim.lsp.config snippet (Neovim 0.11+)
# Prints one summary line "LABEL: PASS|FAIL ..."; exit status 0 only on PASS.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
MSLS=$(readlink -f "$1"); NVIM=${2:-nvim}; MODE=${3:-legacy}; LABEL=${4:-neovim}
[ -x "$MSLS" ] || { echo "$LABEL: FAIL no msls binary at $1"; exit 1; }
command -v "$NVIM" >/dev/null || { echo "$LABEL: FAIL no Neovim at $NVIM"; exit 1; }
R=$(mktemp -d "${TMPDIR:-/tmp}/msls-nvim.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$R"' EXIT
mkdir -p "$R/bin" "$R/home" "$R/ws"
ln -s "$MSLS" "$R/bin/msls"          # the shipped configs run `msls` from PATH, as a user's would
cp -r "$HERE/fixtures/." "$R/ws/"
mkdir -p "$R/ws/.git"                # a project root, so the native configs name a workspace folder (build-target index)
for n in Containerfile api.Dockerfile Dockerfile.dev; do cp "$HERE/fixtures/Dockerfile" "$R/ws/$n"; done
export HOME=$R/home XDG_CONFIG_HOME=$R/home/.config XDG_DATA_HOME=$R/home/.local/share \
  XDG_STATE_HOME=$R/home/.local/state XDG_CACHE_HOME=$R/home/.cache PATH=$R/bin:$PATH \
  MODE WS=$R/ws EXPECT=$HERE/expect.json REPORT=$R/report.json NEOVIM_DIR=$(cd "$HERE/../neovim" && pwd)
timeout 180 "$NVIM" --headless --clean -c "luafile $HERE/nvim_driver.lua" > "$R/nvim.out" 2>&1
rc=$?
[ $rc -eq 0 ] || { echo "[$LABEL] nvim exited with $rc:"; tail -20 "$R/nvim.out"; }
node "$HERE/lib/judge.mjs" "$R/report.json" "$HERE/expect.json" "$LABEL" neovim || { KEEP=1; exit 1; }
