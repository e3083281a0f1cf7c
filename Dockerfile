# sagabot: one image, one process. The saga database is rebuilt from data/ at start when needed;
# the bot's own state lives on the named volume mounted at /app/var.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    SAGABOT_SAGA_DB=/app/var/saga.db SAGABOT_STATE_DB=/app/var/state.db SAGABOT_HEALTH_FILE=/app/var/health.json \
    MPLCONFIGDIR=/tmp/matplotlib

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY data ./data
COPY seeds ./seeds
RUN pip install . && useradd --create-home sagabot && mkdir -p /app/var && chown sagabot /app/var
USER sagabot

# `python -m bot run` closes the gateway and the databases on SIGTERM (docker stop).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["python", "-m", "bot", "health"]
CMD ["python", "-m", "bot", "run"]
