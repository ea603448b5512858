# syntax=docker/dockerfile:1
# escape=\
ARG BASE=node:20
ARG VERSION

# build stage
FROM --platform=$BUILDPLATFORM ${BASE} AS build
WORKDIR /src
COPY --chown=app:app package.json ./
RUN --mount=type=cache,target=/root/.npm npm ci && \
    # a comment between continuation lines
    echo "built $VERSION on ${BUILDPLATFORM:-unknown}" 'literal $NOT'
ENV NODE_ENV=production PATH="/app/bin:$PATH"
LABEL org.opencontainers.image.title="demo" version=1
EXPOSE 8080/tcp 9090
RUN <<EOF
#!/bin/sh
# heredoc comment
echo "$NODE_ENV"
EOF
COPY <<'CONF' /etc/app.conf
value=$NOT_EXPANDED
CONF

FROM build AS test
RUN npm test

FROM gcr.io/distroless/nodejs20
COPY --from=build /src/dist /app
COPY --from=nginx:latest /etc/nginx/nginx.conf /etc/
HEALTHCHECK --interval=30s CMD ["node", "/app/health.js"]
maintainer someone@example.com
ONBUILD RUN echo "onbuild $X"
CMD ["node", "/app/server.js"]
