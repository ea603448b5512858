#!/usr/bin/env bash
set -euo pipefail
# run from the repository's top
docker build --target release -t "example/svc:${VERSION}" .
if [ -n "${CI:-}" ]; then
  docker buildx build --push --target='test' -f deploy/Dockerfile.ci .
fi
docker build --target "$STAGE" .
docker run --rm example/svc
