# syntax=docker/dockerfile:1.7
#
# Monorepo image build: a React/Vite web front end, a Go API gateway, a Python
# worker (Celery) and a small Node BFF, built from the repository root:
#
#   docker build -f deploy/Dockerfile --target api .
#
# Stages:
#   web-deps / web-build   -> static assets served by nginx
#   go-deps / go-build     -> the gateway binary and a migration tool
#   py-base / py-deps      -> the worker's virtualenv
#   bff-deps / bff-build   -> the Node backend-for-frontend
#   web / api / worker / bff / migrate -> runtime images

ARG NODE_VERSION=20.12
ARG GO_VERSION=1.22
ARG PYTHON_VERSION=3.12
ARG ALPINE_VERSION=3.19
ARG DEBIAN_RELEASE=bookworm
ARG APP_VERSION=0.0.0-dev

############################
# Web front end
############################
FROM node:${NODE_VERSION}-${DEBIAN_RELEASE}-slim AS web-deps
WORKDIR /src
ENV CI=true \
    PNPM_HOME=/pnpm \
    PATH=/pnpm:$PATH
RUN corepack enable && corepack prepare pnpm@8.15.4 --activate
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY apps/web/package.json apps/web/
COPY packages/ui/package.json packages/ui/
COPY packages/config/package.json packages/config/
RUN --mount=type=cache,id=pnpm,target=/pnpm/store \
    pnpm install --frozen-lockfile --filter web...

FROM web-deps AS web-build
ARG APP_VERSION
ARG VITE_API_URL=/api
ENV VITE_API_URL=${VITE_API_URL} \
    VITE_APP_VERSION=${APP_VERSION} \
    NODE_ENV=production
COPY tsconfig.base.json ./
COPY packages/ui packages/ui
COPY packages/config packages/config
COPY apps/web apps/web
RUN pnpm --filter web run lint \
 && pnpm --filter web run typecheck \
 && pnpm --filter web run build
RUN find apps/web/dist -name '*.map' -delete

############################
# Go API gateway
############################
FROM golang:${GO_VERSION}-alpine${ALPINE_VERSION} AS go-deps
RUN apk add --no-cache git ca-certificates tzdata build-base
WORKDIR /src/services/gateway
ENV CGO_ENABLED=0 \
    GOOS=linux \
    GOFLAGS=-trimpath
COPY services/gateway/go.mod services/gateway/go.sum ./
COPY libs/go/authz/go.mod libs/go/authz/go.sum /src/libs/go/authz/
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download && go mod verify

FROM go-deps AS go-build
ARG APP_VERSION
ARG TARGETARCH
COPY libs/go /src/libs/go
COPY services/gateway .
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    GOARCH=${TARGETARCH} go build \
      -ldflags "-s -w -X main.version=${APP_VERSION}" \
      -o /out/gateway ./cmd/gateway
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    GOARCH=${TARGETARCH} go build -ldflags "-s -w" -o /out/migrate ./cmd/migrate

FROM go-build AS go-test
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    go vet ./... && go test -race -count=1 ./...

############################
# Python worker
############################
FROM python:${PYTHON_VERSION}-slim-${DEBIAN_RELEASE} AS py-base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 libjpeg62-turbo \
 && rm -rf /var/lib/apt/lists/*

FROM py-base AS py-deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential libpq-dev libjpeg-dev \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
WORKDIR /src/services/worker
COPY services/worker/requirements/ requirements/
RUN pip install --upgrade pip wheel \
 && pip install -r requirements/prod.txt
COPY services/worker/pyproject.toml services/worker/setup.cfg ./
COPY services/worker/worker ./worker
RUN pip install --no-deps .

FROM py-deps AS py-test
COPY services/worker/tests ./tests
RUN pip install -r requirements/test.txt && pytest -q tests

############################
# Node backend-for-frontend
############################
FROM node:${NODE_VERSION}-alpine${ALPINE_VERSION} AS bff-deps
WORKDIR /app
COPY services/bff/package.json services/bff/package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts

FROM node:${NODE_VERSION}-alpine${ALPINE_VERSION} AS bff-build
WORKDIR /app
COPY services/bff/ .
RUN npm ci && npm run build && npm prune --omit=dev

############################
# Runtime: static web
############################
FROM nginx:1.25-alpine AS web
ARG APP_VERSION
LABEL org.opencontainers.image.title="acme-web" \
      org.opencontainers.image.version="${APP_VERSION}" \
      org.opencontainers.image.source="https://github.com/acme/platform"
COPY deploy/nginx/default.conf /etc/nginx/conf.d/default.conf
COPY deploy/nginx/security-headers.conf /etc/nginx/snippets/
COPY --from=web-build /src/apps/web/dist /usr/share/nginx/html
RUN chown -R nginx:nginx /usr/share/nginx/html /var/cache/nginx \
 && touch /var/run/nginx.pid && chown nginx:nginx /var/run/nginx.pid
USER nginx
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD wget -qO- http://127.0.0.1:8080/healthz || exit 1

############################
# Runtime: API gateway
############################
FROM gcr.io/distroless/static-debian12:nonroot AS api
ARG APP_VERSION
LABEL org.opencontainers.image.title="acme-gateway" \
      org.opencontainers.image.version="${APP_VERSION}"
COPY --from=go-deps /usr/share/zoneinfo /usr/share/zoneinfo
COPY --from=go-deps /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=go-build /out/gateway /usr/local/bin/gateway
COPY services/gateway/config/default.yaml /etc/gateway/config.yaml
ENV GATEWAY_CONFIG=/etc/gateway/config.yaml \
    GATEWAY_ADDR=:8081
USER nonroot:nonroot
EXPOSE 8081
ENTRYPOINT ["/usr/local/bin/gateway"]
CMD ["serve"]

FROM alpine:${ALPINE_VERSION} AS migrate
RUN apk add --no-cache ca-certificates postgresql16-client
COPY --from=go-build /out/migrate /usr/local/bin/migrate
COPY services/gateway/migrations /migrations
RUN addgroup -S app && adduser -S -G app app
USER app
ENTRYPOINT ["/usr/local/bin/migrate", "-dir", "/migrations"]
CMD ["up"]

############################
# Runtime: Python worker
############################
FROM py-base AS worker
ARG APP_VERSION
LABEL org.opencontainers.image.title="acme-worker" \
      org.opencontainers.image.version="${APP_VERSION}"
RUN groupadd --system --gid 10001 worker \
 && useradd --system --uid 10001 --gid worker --home-dir /srv worker
COPY --from=py-deps /opt/venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH" \
    CELERY_BROKER_URL=redis://redis:6379/0 \
    WORKER_CONCURRENCY=4
WORKDIR /srv
COPY --chown=worker:worker services/worker/celeryconfig.py ./
COPY --chown=worker:worker deploy/worker/entrypoint.sh /usr/local/bin/entrypoint.sh
RUN chmod 0755 /usr/local/bin/entrypoint.sh
USER worker
HEALTHCHECK --interval=60s --timeout=10s --start-period=30s \
    CMD celery -A worker inspect ping -d celery@$HOSTNAME || exit 1
ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
CMD ["celery", "-A", "worker", "worker", "--loglevel=info"]

############################
# Runtime: Node BFF
############################
FROM node:${NODE_VERSION}-alpine${ALPINE_VERSION} AS bff
ARG APP_VERSION
ENV NODE_ENV=production \
    PORT=3000 \
    APP_VERSION=${APP_VERSION}
RUN apk add --no-cache tini
WORKDIR /app
COPY --from=bff-deps --chown=node:node /app/node_modules ./node_modules
COPY --from=bff-build --chown=node:node /app/dist ./dist
COPY --chown=node:node services/bff/package.json ./
USER node
EXPOSE 3000
ENTRYPOINT ["/sbin/tini", "--"]
CMD ["node", "dist/server.js"]
