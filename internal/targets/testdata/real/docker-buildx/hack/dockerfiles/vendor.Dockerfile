# syntax=docker/dockerfile:1.3-labs
# Trimmed for msls's tests: the stage lines of docker/buildx's file (RUN bodies removed).

ARG GO_VERSION=1.17.0

FROM golang:${GO_VERSION}-alpine AS vendored
RUN  apk add --no-cache git rsync
WORKDIR /src

FROM scratch AS update
COPY --from=vendored /out /out

FROM vendored AS validate
