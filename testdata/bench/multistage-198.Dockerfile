# syntax=docker/dockerfile:1.7
# check=error=true

# Benchmark fixture: a realistic multi-stage build for a web shop with a Go API,
# a Node.js front end and a Python worker. It is the document the side-by-side
# LSP benchmark (cmd/msls-bench) opens and edits.

ARG GO_VERSION=1.23
ARG NODE_VERSION=20.17
ARG PYTHON_VERSION=3.12
ARG ALPINE_VERSION=3.20
ARG APP_USER=shop
ARG APP_UID=10001

############################################################
# Front end: dependencies, then the production bundle
############################################################
FROM node:${NODE_VERSION}-alpine AS web-deps
WORKDIR /src/web
# Only the manifests, so the npm layer survives source edits.
COPY web/package.json web/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund

FROM node:${NODE_VERSION}-alpine AS web-build
WORKDIR /src/web
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1
COPY --from=web-deps /src/web/node_modules ./node_modules
COPY web/ ./
ARG PUBLIC_API_URL=https://api.example.com
ENV PUBLIC_API_URL=${PUBLIC_API_URL}
RUN npm run build && \
    npm prune --omit=dev

FROM web-build AS web-test
# The CI target: `docker build --target web-test .`
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund && \
    npm run lint && \
    npm test -- --ci --reporters=default

############################################################
# Go API: module download, build, tests
############################################################
FROM golang:${GO_VERSION}-alpine${ALPINE_VERSION} AS go-deps
WORKDIR /src/api
RUN apk add --no-cache git ca-certificates tzdata
COPY api/go.mod api/go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download && go mod verify

FROM go-deps AS go-build
ARG TARGETOS
ARG TARGETARCH
ARG VERSION=dev
ARG COMMIT=unknown
COPY api/ ./
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} \
    go build -trimpath \
      -ldflags="-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" \
      -o /out/api ./cmd/api

FROM go-deps AS go-test
COPY api/ ./
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    go vet ./... && go test -race -count=1 ./...

############################################################
# Python worker: a virtualenv built with Poetry
############################################################
FROM python:${PYTHON_VERSION}-slim AS py-base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /srv/worker
RUN apt-get update && \
    apt-get install -y --no-install-recommends libpq5 && \
    rm -rf /var/lib/apt/lists/*

FROM py-base AS py-deps
ARG POETRY_VERSION=1.8.3
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install "poetry==${POETRY_VERSION}"
COPY worker/pyproject.toml worker/poetry.lock ./
RUN --mount=type=cache,target=/root/.cache/pypoetry \
    poetry config virtualenvs.in-project true && \
    poetry install --only main --no-root --no-interaction

FROM py-deps AS py-build
COPY worker/ ./
RUN poetry install --only main --no-interaction && \
    .venv/bin/python -m compileall -q src

############################################################
# Shared runtime bits: user, certificates, entrypoint script
############################################################
FROM alpine:${ALPINE_VERSION} AS runtime-base
ARG APP_USER
ARG APP_UID
RUN apk add --no-cache ca-certificates tzdata tini && \
    addgroup -S -g ${APP_UID} ${APP_USER} && \
    adduser -S -D -H -u ${APP_UID} -G ${APP_USER} ${APP_USER}
COPY <<EOF /etc/shop/entrypoint.sh
#!/bin/sh
set -eu
# Wait for the database before starting the service.
if [ -n "\${DATABASE_HOST:-}" ]; then
  for i in \$(seq 1 30); do
    nc -z "\$DATABASE_HOST" "\${DATABASE_PORT:-5432}" && break
    echo "waiting for database (\$i)"
    sleep 1
  done
fi
exec "\$@"
EOF
RUN chmod 0755 /etc/shop/entrypoint.sh
# Drop setuid bits the runtime never needs.
RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} + || true

############################################################
# Final images
############################################################
FROM runtime-base AS api
LABEL org.opencontainers.image.title="shop-api" \
      org.opencontainers.image.source="https://example.com/shop" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=go-build /out/api /usr/local/bin/api
COPY --from=go-build /usr/share/zoneinfo /usr/share/zoneinfo
ENV PORT=8080 \
    LOG_LEVEL=info
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD wget -qO- http://127.0.0.1:8080/healthz || exit 1
USER ${APP_UID}
ENTRYPOINT ["/sbin/tini", "--", "/etc/shop/entrypoint.sh"]
CMD ["/usr/local/bin/api", "serve"]

FROM python:${PYTHON_VERSION}-slim AS worker
ARG APP_USER
ARG APP_UID
RUN groupadd --system --gid ${APP_UID} ${APP_USER} && \
    useradd --system --uid ${APP_UID} --gid ${APP_USER} --no-create-home ${APP_USER}
WORKDIR /srv/worker
COPY --from=py-build --chown=${APP_UID}:${APP_UID} /srv/worker/.venv ./.venv
COPY --from=py-build --chown=${APP_UID}:${APP_UID} /srv/worker/src ./src
COPY --from=runtime-base /etc/shop/entrypoint.sh /usr/local/bin/entrypoint.sh
ENV PATH="/srv/worker/.venv/bin:${PATH}" \
    WORKER_CONCURRENCY=4
RUN <<EOT bash
set -euo pipefail
mkdir -p /var/lib/worker/tmp
chown -R ${APP_UID}:${APP_UID} /var/lib/worker
python - <<'PY'
import compileall, sys
sys.exit(0 if compileall.compile_dir("/srv/worker/src", quiet=1) else 1)
PY
EOT
USER ${APP_UID}
ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
CMD ["python", "-m", "worker", "--concurrency", "4"]

FROM nginx:1.27-alpine AS web
# Static bundle only; no Node.js runtime in the final image.
COPY --from=web-build /src/web/out /usr/share/nginx/html
COPY <<'NGINX' /etc/nginx/conf.d/default.conf
server {
    listen 8080;
    root /usr/share/nginx/html;
    location / {
        try_files $uri $uri/ /index.html;
    }
    location /api/ {
        proxy_pass http://api:8080/;
    }
}
NGINX
RUN chown -R nginx:nginx /var/cache/nginx /usr/share/nginx/html && \
    sed -i 's/^user/#user/' /etc/nginx/nginx.conf
EXPOSE 8080
USER nginx
CMD ["nginx", "-g", "daemon off;"]

# Debug image: the API with a shell and tooling, never pushed.
FROM api AS api-debug
USER root
RUN apk add --no-cache curl busybox-extras strace
# Keep the default entrypoint; override CMD to start a shell.
CMD ["/bin/sh"]

# Default target: the API image.
FROM api
ARG VERSION=dev
LABEL org.opencontainers.image.version=${VERSION}
