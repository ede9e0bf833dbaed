# pumpbot in a container. Build: docker build -t pumpbot .   Run: see docs/running.md, "Deploying".
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DATA_DIR=/data
WORKDIR /app
COPY pyproject.toml README.md babel.cfg ./
COPY bot ./bot
COPY handlers ./handlers
COPY scheduler ./scheduler
COPY locales ./locales
RUN pip install --no-cache-dir . && useradd --system --home /data pumpbot \
    && mkdir -p /data && chown pumpbot /data
USER pumpbot
VOLUME /data
EXPOSE 8443
CMD ["pumpbot"]
