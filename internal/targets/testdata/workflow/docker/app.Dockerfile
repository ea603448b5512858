FROM rust:1 AS build
FROM build AS test
FROM debian:bookworm-slim AS release
