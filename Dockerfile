# syntax=docker/dockerfile:1
# Multi-stage: build a wheel-installed virtualenv, then copy it into a slim runtime image.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY pyproject.toml README.md ./
COPY app ./app
COPY connectors ./connectors
COPY classifiers ./classifiers
RUN pip install --upgrade pip && pip install .

FROM python:3.11-slim AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SHADOWSPEND_JSON_LOGS=true \
    SHADOWSPEND_DATABASE_URL=sqlite:////data/shadowspend.db \
    SHADOWSPEND_SECRET_KEY_FILE=/data/secret.key
RUN groupadd --system --gid 10001 shadowspend \
    && useradd --system --uid 10001 --gid shadowspend --home-dir /srv --shell /usr/sbin/nologin shadowspend \
    && mkdir -p /data && chown shadowspend:shadowspend /data
COPY --from=build /opt/venv /opt/venv
WORKDIR /srv
# Alembic revisions live beside the packages (app/migrate.py finds them at ../migrations).
COPY --chown=shadowspend:shadowspend migrations /opt/venv/lib/python3.11/site-packages/migrations
USER shadowspend
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"
# Migrate first (any database), then serve.
CMD ["sh", "-c", "shadowspend migrate && exec shadowspend serve --host 0.0.0.0 --port 8000"]
