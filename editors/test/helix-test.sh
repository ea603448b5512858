#!/usr/bin/env bash
# Helix against msls, through the shipped editors/helix/languages.toml. Helix has no headless mode, so it
# runs in a private tmux server: keys go in with send-keys, the screen comes back with capture-pane, and
# `hx -vv --log` records the JSON-RPC traffic. Checks: diagnostics in the picker (Space d) and in the log,
# the split refactor in the code-action menu (Space a), hover (Space k), completion after `COPY --from=`.
# usage: helix-test.sh MSLS_BINARY [HX] [LABEL]      -> one line "LABEL: PASS|FAIL ...", exit 0 on PASS
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
MSLS=$(readlink -f "$1"); HX=$(readlink -f "$(command -v "${2:-hx}" || echo "${2:-hx}")"); LABEL=${3:-helix}
[ -x "$MSLS" ] || { echo "$LABEL: FAIL no msls binary at $1"; exit 1; }
[ -x "$HX" ] || { echo "$LABEL: FAIL no Helix at ${2:-hx}"; exit 1; }
command -v tmux >/dev/null || { echo "$LABEL: FAIL tmux is not installed"; exit 1; }
R=$(mktemp -d "${TMPDIR:-/tmp}/msls-helix.XXXXXX")
T=(tmux -S "$R/tmux.sock")
cleanup() { "${T[@]}" kill-server 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$R"; }
trap cleanup EXIT
mkdir -p "$R/bin" "$R/home" "$R/config/helix" "$R/ws"
ln -s "$MSLS" "$R/bin/msls"
cp "$HERE/../helix/languages.toml" "$R/config/helix/languages.toml"
cp -r "$HERE/fixtures/." "$R/ws/"
export HOME=$R/home XDG_CONFIG_HOME=$R/config XDG_CACHE_HOME=$R/cache XDG_STATE_HOME=$R/state XDG_DATA_HOME=$R/data
export PATH=$R/bin:$PATH TERM=xterm-256color
LOG=$R/hx.log

expect() { node -e "const e=require('$HERE/expect.json'); const v=($1); console.log(Array.isArray(v)?v.join(' '):v)"; }
checks=0; failures=0
pass() { checks=$((checks+1)); }
fail() { checks=$((checks+1)); failures=$((failures+1)); echo "[$LABEL]   FAIL $*"; }
# screen NAME [ERE]: capture the pane; with a pattern, keep capturing (up to 10 s) until it shows up
screen() {
  for _ in $(seq 1 50); do
    sleep 0.2
    "${T[@]}" capture-pane -p -t hx > "$R/screen-$1.txt"
    [ -z "${2:-}" ] && { sleep 0.8; "${T[@]}" capture-pane -p -t hx > "$R/screen-$1.txt"; return; }
    grep -qE -- "$2" "$R/screen-$1.txt" && return
  done
}
keys() { "${T[@]}" send-keys -t hx "$@" 2>/dev/null; }
wait_log() { for _ in $(seq 1 150); do grep -q -- "$1" "$LOG" 2>/dev/null && return 0; sleep 0.1; done; return 1; }

cd "$R/ws"
"${T[@]}" new-session -d -s hx -x 200 -y 50 "$HX -vv --log $LOG Dockerfile"

# 1. diagnostics of the naive Dockerfile: in the traffic, and in the picker
codes=$(expect "e.diagnostics['Dockerfile'].codes")
for c in $codes; do wait_log "\"code\":\"$c\"" || fail "Dockerfile: no $c in publishDiagnostics"; done
keys Space d; screen diag-Dockerfile "msls +${codes##* }"
for c in $codes; do
  if grep -qE "msls +$c" "$R/screen-diag-Dockerfile.txt"; then pass; else fail "Dockerfile: $c not in the diagnostics picker"; fi
done
keys Escape

# 2. the split refactor in the code-action menu
if [ "$(expect "!!e.codeActions")" = true ]; then
  title=$(expect "e.codeActions.titles[0].replace(/^\\^/, '')")
  keys Space a; screen actions "$title"
  if grep -qF "$title" "$R/screen-actions.txt"; then pass; else fail "code actions: no \"$title\" in the menu"; fi
  keys Escape
fi

# 3. the parse error of broken.Dockerfile
keys : "open broken.Dockerfile" Enter
for c in $(expect "e.diagnostics['broken.Dockerfile'].codes"); do
  wait_log "\"code\":\"$c\"" || true
  keys Space d; screen diag-broken "msls +$c"
  if grep -qE "msls +$c" "$R/screen-diag-broken.txt"; then pass; else fail "broken.Dockerfile: $c not in the diagnostics picker"; fi
  keys Escape
done

# 4. hover and completion on COPY --from= in stages.Dockerfile
if [ "$(expect "e.hover.file")" = stages.Dockerfile ]; then
  keys : "open stages.Dockerfile" Enter; sleep 0.5
  keys : "$(expect "e.hover.position.line + 1")" Enter gh "$(expect "e.hover.position.character")" l
  keys Space k; screen hover "Stage"
  for s in $(expect "e.hover.contains"); do
    if grep -qF "$s" <(sed -n '9,$p' "$R/screen-hover.txt"); then pass; else fail "hover: no \"$s\" in the popup"; fi
  done
  keys Escape
  # completion: replace the stage name after --from= and ask for completion (Ctrl-x in insert mode)
  keys : "$(expect "e.completion.position.line + 1")" Enter gh "$(expect "e.completion.position.character")" l e c
  sleep 0.3; keys C-x; screen completion "reference"
  for l in $(expect "e.completion.labels"); do
    for _ in $(seq 1 50); do grep -q "\"label\":\"$l\"" "$LOG" && break; sleep 0.2; done
    if grep -q "\"label\":\"$l\"" "$LOG"; then pass; else fail "completion: \"$l\" not in the completion response"; fi
  done
  keys Escape
fi
keys : "q!" Enter; sleep 0.3; keys : "qa!" Enter; sleep 0.5

grep -q 'textDocument/publishDiagnostics' "$LOG" || fail "no publishDiagnostics in the Helix log"
if [ $failures -gt 0 ]; then
  for f in "$R"/screen-*.txt; do echo "--- $(basename "$f")"; grep -v '^\s*$' "$f" | head -15; done
  KEEP=1; echo "$LABEL: FAIL $failures of $checks checks failed ($("$HX" --version); files in $R)"; exit 1
fi
echo "$LABEL: PASS $checks checks ($("$HX" --version))"
