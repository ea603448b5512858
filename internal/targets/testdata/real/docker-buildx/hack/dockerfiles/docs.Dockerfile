# syntax=docker/dockerfile:1.3-labs
# Trimmed for msls's tests: the stage lines of docker/buildx's file (RUN bodies removed).

ARG GO_VERSION=1.17.0

FROM golang:${GO_VERSION}-alpine AS docsgen
WORKDIR /src

FROM alpine AS gen
RUN apk add --no-cache rsync git
WORKDIR /src
COPY --from=docsgen /out/docsgen /usr/bin

FROM scratch AS update
COPY --from=gen /out /out

FROM gen AS validate
