# Tidewatch service image: the crawler, store and CLI, with seeds and the replica sites.
#   docker build -t tidewatch .
#   docker run --rm tidewatch                 # the demo (replica sites, embedded SQLite)
#   docker compose up -d                      # the service on Elasticsearch: docker-compose.yml
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    TIDEWATCH_DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml README.md scrapy.cfg ./
COPY model ./model
COPY tidewatch ./tidewatch
COPY crawler ./crawler
COPY store ./store
COPY scheduler ./scheduler
COPY alerts ./alerts
COPY web ./web
COPY seeds ./seeds
COPY tests/replica ./tests/replica
# `tidewatch ARGS…`; before `serve` on Elasticsearch, `tidewatch index create` first.
COPY docker/entrypoint.sh /usr/local/bin/tidewatch-entrypoint
RUN pip install -e . && chmod 0755 /usr/local/bin/tidewatch-entrypoint \
    && useradd --create-home --uid 1000 tidewatch && mkdir /data && chown tidewatch /data
USER tidewatch
VOLUME ["/data"]
ENTRYPOINT ["tidewatch-entrypoint"]
CMD ["demo"]
