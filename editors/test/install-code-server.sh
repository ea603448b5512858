#!/usr/bin/env bash
# code-server 4.100.3 on Node 20 from the npm registry alone. A plain `npm i code-server` runs install
# scripts that download ripgrep and native prebuilds from GitHub (unreachable here), so: install with
# --ignore-scripts, build the native modules from source against Node's own headers, and use Debian's rg.
# usage: install-code-server.sh DEST      -> DEST/node_modules/.bin/code-server
set -euo pipefail
DEST=$1
VERSION=4.100.3
BIN=$DEST/node_modules/.bin/code-server
if [ -x "$BIN" ] && [ -f "$DEST/.installed-$VERSION" ]; then echo "[code-server] $VERSION already installed"; exit 0; fi
mkdir -p "$DEST" && cd "$DEST"
[ -f package.json ] || echo '{"name":"msls-code-server","private":true}' > package.json
# node-gyp: headers from the installed Node (nodesource ships /usr/include/node), never a download
NODEDIR=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
export npm_config_nodedir=$NODEDIR npm_config_audit=false npm_config_fund=false npm_config_loglevel=error
npm install --ignore-scripts code-server@$VERSION
VS=node_modules/code-server/lib/vscode
(cd "$VS" && npm install --omit=dev --ignore-scripts)
GYP=$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js
for p in @parcel/watcher @vscode/spdlog kerberos native-watchdog node-pty @vscode/deviceid; do
  if [ -d "$VS/node_modules/$p" ]; then
    echo "[code-server] building $p"
    (cd "$VS/node_modules/$p" && node "$GYP" rebuild -j max >/dev/null)
  fi
done
mkdir -p "$VS/node_modules/@vscode/ripgrep/bin" && cp "$(command -v rg)" "$VS/node_modules/@vscode/ripgrep/bin/rg"
# the rest of code-server's postinstall.sh
rm -rf "$VS/node_modules.asar" && ln -s node_modules "$VS/node_modules.asar"
(cd "$VS/bin/remote-cli" && ln -sf code-linux.sh code-server)
(cd "$VS/bin/helpers" && ln -sf browser-linux.sh browser.sh)
(cd "$VS/extensions" && npm install --omit=dev --ignore-scripts)
# argon2 (password hashing, unused with auth none but loaded at start) is hoisted to DEST/node_modules
npm_config_build_from_source=true npm rebuild argon2 >/dev/null
HOME=$DEST/home "$BIN" --version | head -1
touch "$DEST/.installed-$VERSION"
