# ScanLogin production image: one image for the web (ASGI), the Celery worker and Celery beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media

# gettext compiles the Simplified Chinese catalogue at build time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 scanlogin \
    && useradd --system --uid 10001 --gid scanlogin --home-dir /app --shell /usr/sbin/nologin scanlogin

WORKDIR /app
COPY pyproject.toml README.md ./
COPY scanlogin ./scanlogin
COPY console ./console
COPY connections ./connections
COPY accounts ./accounts
COPY hostedlogin ./hostedlogin
COPY wechatsim ./wechatsim
RUN pip install .

COPY manage.py ./
COPY templates ./templates
COPY static ./static
COPY locale ./locale
COPY sdk/js/scanlogin.js ./sdk/js/scanlogin.js

# Build-time only: collectstatic and compilemessages need settings, not secrets.
RUN DEBUG=true WECHAT_SIMULATOR_ENABLED=false python manage.py collectstatic --noinput \
    && DEBUG=true WECHAT_SIMULATOR_ENABLED=false python manage.py compilemessages \
    && mkdir -p /app/media \
    && chown -R scanlogin:scanlogin /app/media

USER scanlogin
EXPOSE 8000
ENV DEBUG=false WECHAT_SIMULATOR_ENABLED=false

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://localhost:8000/console/login/', timeout=4)"

CMD ["uvicorn", "scanlogin.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--workers", "2", "--proxy-headers", "--forwarded-allow-ips", "*"]
