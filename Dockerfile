# ScanLogin production image: one image for the web (ASGI), the Celery worker and Celery beat.
ARG BASE_IMAGE=python:3.11-slim
#
# Build with BuildKit (the Dockerfile frontend built into the engine; no `# syntax` image to pull):
#   DOCKER_BUILDKIT=1 docker build -t scanlogin .
# Any Debian bookworm image with Python 3.11 and python3-venv is a base, e.g. the one
# scripts/image-base.sh makes without a registry:  --build-arg BASE_IMAGE=scanlogin-base:bookworm-python3.11
# pip's package-index settings are given to the build stage only, never stored in a layer:
#   --secret id=pip_conf,src=<pip.conf>     a pip configuration file (index-url, extra-index-url, …)
#   --secret id=pip_cert,src=<CA bundle>    the CA bundle pip trusts (a TLS-inspecting proxy's CA)
#   --build-arg PIP_INDEX_URL=… / PIP_EXTRA_INDEX_URL=… / PIP_TRUSTED_HOST=…

# ---- build stage: the virtualenv, collected static files, the compiled catalogue ----
FROM ${BASE_IMAGE} AS build
ARG PIP_INDEX_URL
ARG PIP_EXTRA_INDEX_URL
ARG PIP_TRUSTED_HOST
ENV LANG=C.UTF-8 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH

# gettext compiles the Simplified Chinese catalogue; it stays in this stage.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, from pyproject.toml alone: a code change does not reinstall them.
WORKDIR /app
COPY pyproject.toml ./
RUN --mount=type=secret,id=pip_conf --mount=type=secret,id=pip_cert \
    if [ -s /run/secrets/pip_conf ]; then export PIP_CONFIG_FILE=/run/secrets/pip_conf; fi; \
    if [ -s /run/secrets/pip_cert ]; then export PIP_CERT=/run/secrets/pip_cert; fi; \
    python3 -m venv /opt/venv \
    && python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
       > /tmp/requirements.txt \
    && pip install --quiet -r /tmp/requirements.txt \
    && pip uninstall --quiet --yes pip

# The whole project (.dockerignore leaves out what is not needed to run it): a new app is never forgotten.
COPY . .
# Build-time only: collectstatic and compilemessages need settings, not secrets.
RUN export DEBUG=true WECHAT_SIMULATOR_ENABLED=false STATIC_ROOT=/app/staticfiles \
    && python manage.py collectstatic --noinput --verbosity 0 \
    && python manage.py compilemessages --ignore=.venv --verbosity 0 \
    && python -m compileall -q -j 0 /app

# ---- final stage: the base, the virtualenv and the project; no compilers, no build tools ----
FROM ${BASE_IMAGE}
LABEL org.opencontainers.image.title="ScanLogin" \
      org.opencontainers.image.description="ScanLogin web (ASGI), Celery worker and beat"
# PYTHONSAFEPATH: a console script (uvicorn, celery) must not put /opt/venv/bin first on sys.path,
# where a package's helper script (py-ip2region's ip2region.py) would shadow the package itself;
# the project comes from PYTHONPATH.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONSAFEPATH=1 \
    LANG=C.UTF-8 \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media

RUN groupadd --system --gid 10001 scanlogin \
    && useradd --system --uid 10001 --gid scanlogin --home-dir /app --shell /usr/sbin/nologin scanlogin

WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
# The code stays root-owned (read-only to the service); only uploads are writable.
RUN mkdir -p /app/media && chown scanlogin:scanlogin /app/media

USER scanlogin
EXPOSE 8000
# PROMETHEUS_MULTIPROC_DIR: the worker processes of one container share their metrics there (README "Operations").
ENV DEBUG=false WECHAT_SIMULATOR_ENABLED=false PROMETHEUS_MULTIPROC_DIR=/tmp/scanlogin-metrics

# /healthz answers whatever the Host header and touches neither the database nor Redis.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"

# Forwarded headers are ScanLogin's to judge (TRUSTED_PROXIES), never uvicorn's.
CMD ["uvicorn", "scanlogin.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--workers", "2", "--no-proxy-headers"]
