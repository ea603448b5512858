#!/bin/sh
# Builds msls and runs the headless Neovim formatting check against it.
# Usage: editors/neovim/test/run-format.sh [nvim binary]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
nvim=${1:-nvim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$root" && go build -o "$tmp/msls" ./cmd/msls)
# Keep Neovim's state out of the real home.
HOME=$tmp XDG_CONFIG_HOME=$tmp/config XDG_DATA_HOME=$tmp/data XDG_STATE_HOME=$tmp/state XDG_CACHE_HOME=$tmp/cache \
  MSLS="$tmp/msls" "$nvim" --headless --clean -c "luafile $here/format_spec.lua"
