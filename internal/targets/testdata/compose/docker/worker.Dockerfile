FROM python:3.12-slim AS base
FROM base AS runner
CMD ["python", "-m", "worker"]
