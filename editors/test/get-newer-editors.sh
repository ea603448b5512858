#!/usr/bin/env bash
# Neovim 0.11+ and Helix are not in Debian 12. Take them from a newer Debian suite without touching the
# system's apt configuration: a private apt state dir, `apt-get download` of the packages and of their
# library closure, `dpkg-deb -x` into a private root, and wrappers that run the binaries through that
# root's own dynamic loader (the newer builds need a newer glibc than the host's).
# usage: get-newer-editors.sh DEST [SUITE...]   (default suites: forky, then trixie for Helix alone)
#   -> DEST/nvim, DEST/hx (either may be missing if the archive does not have it; exit 1 if neither works)
set -uo pipefail
DEST=$(mkdir -p "$1" && cd "$1" && pwd); shift
# the version checks below start the editors: keep their cache/state files out of the real HOME
export HOME=$DEST/home XDG_CACHE_HOME=$DEST/home/.cache XDG_STATE_HOME=$DEST/home/.local/state \
  XDG_CONFIG_HOME=$DEST/home/.config XDG_DATA_HOME=$DEST/home/.local/share
SUITES=${*:-forky}
if [ -x "$DEST/nvim" ] && [ -x "$DEST/hx" ] && "$DEST/nvim" --version >/dev/null 2>&1 && "$DEST/hx" --version >/dev/null 2>&1; then
  echo "[newer-editors] $("$DEST/nvim" --version | head -1), $("$DEST/hx" --version) already there"; exit 0
fi
for SUITE in $SUITES; do
  A=$DEST/apt-$SUITE; R=$DEST/root-$SUITE
  mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$A/debs" "$R"
  echo "deb http://deb.debian.org/debian $SUITE main" > "$A/sources.list"
  O=(-o Dir::Etc::SourceList="$A/sources.list" -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$A/lists"
     -o Dir::State::Status=/dev/null -o Dir::Cache="$A/cache" -o Dir::Etc::Preferences=/dev/null
     -o Dir::Etc::PreferencesParts=/dev/null -o APT::Sandbox::User=root -o Debug::NoLocking=1)
  apt-get "${O[@]}" update -qq || { echo "[newer-editors] apt update for $SUITE failed"; continue; }
  # the runtime closure: every Depends/PreDepends, recursively, of the two packages (virtual names dropped)
  PKGS=$(apt-cache "${O[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
          --no-replaces --no-enhances neovim hx 2>/dev/null | grep -E '^[a-z0-9]' | sort -u)
  # skip what a private root does not need and what pulls in half a system
  PKGS=$(echo "$PKGS" | grep -vxE 'debconf|dpkg|perl-base|base-files|sensible-utils|install-info|tar|coreutils|debianutils|init-system-helpers|usr-is-merged|mawk|gcc-.*-base|libselinux1|libpcre2-8-0|libzstd1|liblzma5|libbz2-1.0|libcrypt1|libacl1|libattr1|libmd0|zlib1g|xxd|vim-common')
  (cd "$A/debs" && apt-get "${O[@]}" download -qq $PKGS) || echo "[newer-editors] some downloads from $SUITE failed"
  for d in "$A"/debs/*.deb; do dpkg-deb -x "$d" "$R"; done
done
for SUITE in $SUITES; do
  R=$DEST/root-$SUITE; L=$R/usr/lib/x86_64-linux-gnu
  if [ ! -x "$DEST/nvim" ] || ! "$DEST/nvim" --version >/dev/null 2>&1; then
    if [ -x "$R/usr/bin/nvim" ]; then
      cat > "$DEST/nvim" <<W
#!/bin/sh
export VIMRUNTIME=$R/usr/share/nvim/runtime
exec "$L/ld-linux-x86-64.so.2" --library-path "$L" "$R/usr/bin/nvim" "\$@"
W
      chmod +x "$DEST/nvim"
    fi
  fi
  if [ ! -x "$DEST/hx" ] || ! "$DEST/hx" --version >/dev/null 2>&1; then
    if [ -x "$R/usr/lib/hx/hx" ]; then
      cat > "$DEST/hx" <<W
#!/bin/sh
export HELIX_RUNTIME=\${HELIX_RUNTIME:-$R/usr/lib/hx/runtime}
exec "$L/ld-linux-x86-64.so.2" --library-path "$L" "$R/usr/lib/hx/hx" "\$@"
W
      chmod +x "$DEST/hx"
    fi
  fi
done
ok=0
if "$DEST/nvim" --version >/dev/null 2>&1; then echo "[newer-editors] $("$DEST/nvim" --version | head -1)"; ok=1; else rm -f "$DEST/nvim"; echo "[newer-editors] no working newer nvim"; fi
if "$DEST/hx" --version >/dev/null 2>&1; then echo "[newer-editors] $("$DEST/hx" --version)"; ok=1; else rm -f "$DEST/hx"; echo "[newer-editors] no working hx"; fi
[ $ok = 1 ]
