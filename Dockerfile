# inclusion-bot: one image for every replica and for the one-shot `inclusion-bot db upgrade`.
# See docs/deployment.md. Build: docker build -t inclusion-bot .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# Only what the package needs (no tests, no .env, no local database).
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY scheduler ./scheduler
COPY content ./content
RUN pip install . \
    && useradd --create-home --uid 10001 --user-group inclusion \
    && rm -rf /app/build

USER inclusion
WORKDIR /home/inclusion
ENV PORT=3000 \
    DATA_DIR=/home/inclusion/data \
    LOG_LEVEL=WARNING \
    LOG_FORMAT=json

EXPOSE 3000
# Liveness only: /readyz (database and migrations) is for load balancers and orchestrators.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('METRICS_PORT', '9464'), timeout=4)"]

# SIGTERM (docker stop, Kubernetes) stops it gracefully: see docs/deployment.md.
CMD ["inclusion-bot", "run"]
