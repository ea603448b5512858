# Trimmed for msls's tests: the stage lines of mindsdb's docker/mindsdb.Dockerfile
# (comments and most RUN lines removed).
FROM python:3.10 AS deps
WORKDIR /mindsdb
COPY . .

# Use the stage from above to install our deps with as much caching as possible
FROM python:3.10 AS build
WORKDIR /mindsdb
COPY --from=ghcr.io/astral-sh/uv:0.8.11 /uv /usr/local/bin/uv
COPY --from=deps /mindsdb .

FROM build AS extras
ARG EXTRAS
COPY . .
EXPOSE 47334/tcp
EXPOSE 47335/tcp

# Same as extras image, but with dev dependencies installed.
# This image is used in our docker-compose
FROM extras AS dev
WORKDIR /mindsdb
ENTRYPOINT [ "bash", "-c", "watchfiles --filter python 'python -Im mindsdb --config=/root/mindsdb_config.json --api=http,mysql' mindsdb" ]

# Make sure the regular image is the default
FROM extras

ENTRYPOINT [ "bash", "-c", "python -Im mindsdb --config=/root/mindsdb_config.json --api=http,mysql" ]
