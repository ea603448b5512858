# msls's own image: `podman run -i --rm IMAGE check - < Dockerfile`, or mount a directory at /src
# and run `check /src`. The builder stage makes the release build of scripts/build.sh (see there
# for the flags); the runner is distroless static as the nonroot user, with nothing but msls.
FROM golang:1.26 AS builder
WORKDIR /src
# module downloads stay cached until go.mod or go.sum change
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=unknown
# the build cache mount only speeds up rebuilds on the same machine; the output does not depend on it
RUN --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -tags grpcnotrace -trimpath -buildvcs=false \
    -ldflags="-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" -o /out/msls ./cmd/msls

FROM gcr.io/distroless/static-debian12:nonroot AS runner
COPY --from=builder /out/msls /usr/local/bin/msls
# distroless's nonroot user, by number so that runAsNonRoot can verify it
USER 65532:65532
WORKDIR /src
ENTRYPOINT ["msls"]
CMD ["help"]
