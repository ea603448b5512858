# syntax=docker/dockerfile:1.3-labs
# Trimmed for msls's tests: the stage lines of docker/buildx's file (RUN bodies removed).

FROM alpine:3.14 AS gen
RUN apk add --no-cache git
WORKDIR /src

FROM scratch AS update
COPY --from=gen /out /

FROM gen AS validate
