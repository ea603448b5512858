#!/usr/bin/env bash
# Reproducibility of scripts/release.sh: two runs must give identical bytes.
#
# What CI runs is a cheap subset: two platforms (linux/amd64 for .tar.gz, windows/amd64 for .zip) and
# their .vsix files, built twice. The second run changes what must not matter: the umask, the
# working files' modification times and the output directory. Both runs share the Go build cache by
# default, so the compiler's own determinism is Go's promise rather than this test's;
# REPRO_COLD=1 gives the second run an empty GOCACHE to check that too (a few more minutes).
# A full release (all five platforms) is `scripts/release.sh VERSION`; it runs the same code per
# platform.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PLATFORMS="linux/amd64 windows/amd64" SOURCE_DATE_EPOCH=1767225600
# one commit stamp for both runs, even if someone commits meanwhile
export COMMIT=$(git rev-parse HEAD)
version=v0.0.0-repro

OUT=$tmp/a bash scripts/release.sh "$version" > "$tmp/a.log" 2>&1 || { cat "$tmp/a.log"; exit 1; }
touch README.md LICENSE editors/vscode/README.md editors/vscode/package.json
(
  umask 077
  if [ "${REPRO_COLD:-0}" = 1 ]; then export GOCACHE=$tmp/gocache; fi
  OUT=$tmp/b bash scripts/release.sh "$version" > "$tmp/b.log" 2>&1
) || { cat "$tmp/b.log"; exit 1; }

ext=$(node -p 'require("./editors/vscode/package.json").version')
want="checksums.txt msls-linux-x64-$ext.vsix msls-win32-x64-$ext.vsix msls_${version}_linux_amd64.tar.gz msls_${version}_windows_amd64.zip"
got=$(cd "$tmp/a" && ls | LC_ALL=C sort | xargs)
[ "$got" = "$(echo "$want" | tr ' ' '\n' | LC_ALL=C sort | xargs)" ] || { echo "FAIL: release files: $got"; exit 1; }
fail=0
for f in $want; do
  if cmp -s "$tmp/a/$f" "$tmp/b/$f"; then
    echo "same bytes: $f ($(wc -c < "$tmp/a/$f") bytes)"
  else
    echo "FAIL: $f differs between two runs"; fail=1
  fi
done
(cd "$tmp/a" && sha256sum --quiet -c checksums.txt) || { echo "FAIL: checksums.txt"; fail=1; }
# the archive holds the stamped binary, README and LICENSE
tar -xzf "$tmp/a/msls_${version}_linux_amd64.tar.gz" -C "$tmp"
dir=$tmp/msls_${version}_linux_amd64
cmp -s "$dir/README.md" README.md && cmp -s "$dir/LICENSE" LICENSE || { echo "FAIL: README/LICENSE in the archive"; fail=1; }
# (no `cmd | grep -q` below: with pipefail, grep's early exit fails the writer with SIGPIPE)
v=$("$dir/msls" version)
[ "$v" = "$(printf 'msls %s\ncommit: %s\ngo: %s' "$version" "$COMMIT" "$(go env GOVERSION)")" ] || { echo "FAIL: msls version said: $v"; fail=1; }
# the .vsix carries the same binary as the archive
unzip -p "$tmp/a/msls-linux-x64-$ext.vsix" extension/bin/linux-x64/msls > "$tmp/vsix-msls"
cmp -s "$tmp/vsix-msls" "$dir/msls" || { echo "FAIL: vsix binary != archive binary"; fail=1; }
unzip -p "$tmp/a/msls_${version}_windows_amd64.zip" "msls_${version}_windows_amd64/msls.exe" > "$tmp/msls.exe"
[ "$(head -c 2 "$tmp/msls.exe")" = MZ ] || { echo "FAIL: no msls.exe in the zip"; fail=1; }
# The README's install snippets, run against this release: the download URL is the output directory
# (curl reads file://), the version is this test's.
mkdir -p "$tmp/dl" "$tmp/home"
bash test/readme-snippet.sh install-release |
  sed -e "s|https://github.com/msls-dev/msls/releases/download/v0.1.0/|file://$tmp/a/|" -e "s|v0.1.0|$version|g" > "$tmp/install.sh"
grep -q "file://$tmp/a/msls_${version}_linux_amd64.tar.gz" "$tmp/install.sh" || { echo "FAIL: the README's release snippet no longer downloads what this test replaces"; fail=1; }
if out=$(cd "$tmp/dl" && HOME=$tmp/home PATH=$tmp/home/.local/bin:$PATH bash -euo pipefail "$tmp/install.sh" 2>&1) &&
  [[ $'\n'"$out"$'\n' == *$'\n'"msls $version"$'\n'* ]]; then
  echo "README install-release: ok"
else
  echo "FAIL: README install-release:"; echo "$out"; fail=1
fi
# `code --install-extension` of the README: code-server when it is installed (the editor tests
# install it), else the checks of what VS Code would unpack.
code() {
  [ "$1" = --install-extension ] && [ -f "$2" ] || { echo "code $*: no such .vsix"; return 1; }
  if command -v code-server >/dev/null; then
    code-server --extensions-dir "$tmp/ext" --user-data-dir "$tmp/ud" --install-extension "$2" &&
      [ "$("$(ls -d "$tmp"/ext/msls-dev.msls-*)/bin/linux-x64/msls" version | head -n1)" = "msls $version" ]
  else
    [[ "$(unzip -p "$2" extension.vsixmanifest)" == *'TargetPlatform="linux-x64"'* ]] &&
      [[ "$(unzip -p "$2" extension/package.json)" == *'"publisher": "msls-dev"'* ]] &&
      unzip -p "$2" extension/bin/linux-x64/msls > "$tmp/code-msls" && cmp -s "$tmp/code-msls" "$dir/msls"
  fi
}
snippet=$(bash test/readme-snippet.sh install-vscode)
if (cd "$tmp/a" && eval "$snippet"); then
  echo "README install-vscode: ok ($(command -v code-server >/dev/null && echo code-server || echo checked the .vsix))"
else
  echo "FAIL: README install-vscode"; fail=1
fi

[ $fail = 0 ] && echo "release: reproducible ($(echo $want | wc -w) files)"
exit $fail
