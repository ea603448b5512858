#!/usr/bin/env bash
# Installs what the editor tests need, from Debian's archives and the npm registry only:
#   - apt: neovim (0.7.2 on bookworm), tmux, chromium, ripgrep, libkrb5-dev (code-server's kerberos build)
#   - Neovim 0.11+ and Helix from Debian's newer suite, unpacked into a private root (no system change)
#   - code-server 4.100.3 (VS Code 1.100.3; the last release that runs on Node 20) without its GitHub downloads
#   - npm ci for the extension and for the e2e driver (playwright-core, used with Debian's chromium)
# Idempotent: each step is skipped when its result is already there. Set EDITORS_SKIP_APT=1 to skip apt.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${EDITORS_CACHE:-$HERE/.cache}
mkdir -p "$CACHE"
log() { printf '[install-deps] %s\n' "$*"; }

# --- apt ----------------------------------------------------------------------------------
need=()
command -v nvim >/dev/null || need+=(neovim)
command -v tmux >/dev/null || need+=(tmux)
command -v chromium >/dev/null || need+=(chromium)
command -v rg >/dev/null || need+=(ripgrep)
command -v curl >/dev/null || need+=(curl)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
command -v make >/dev/null && command -v g++ >/dev/null || need+=(build-essential)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ] && [ -z "${EDITORS_SKIP_APT:-}" ]; then
  log "apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# --- Neovim 0.11+ and Helix from a newer Debian suite --------------------------------------
"$HERE/get-newer-editors.sh" "$CACHE/newer" || log "WARNING: newer Neovim/Helix unavailable; those tests will be skipped"

# --- code-server ----------------------------------------------------------------------------
"$HERE/install-code-server.sh" "$CACHE/code-server"

# --- npm ------------------------------------------------------------------------------------
for d in "$HERE/../vscode" "$HERE"; do
  if [ ! -d "$d/node_modules" ]; then log "npm ci in $d"; (cd "$d" && npm ci --no-audit --no-fund --loglevel=error); fi
done
log "done"
