"""Shared fixtures. Each area keeps its own fixtures in tests/fixtures/<area>.py."""
import pytest

pytest_plugins = [
    "tests.fixtures.core",
    "tests.fixtures.wechat",
    "tests.fixtures.scanflow",
    "tests.fixtures.oidc",
    "tests.fixtures.api",
    "tests.fixtures.browser",
    "tests.fixtures.console",
    "tests.fixtures.outage",
]


def pytest_sessionstart(session):
    """Check the suite runs on the real services, and compile the zh_Hans catalogue so pages are
    tested with the translations in the tree."""
    from pathlib import Path

    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        raise pytest.UsageError(
            "The suite runs against PostgreSQL and Redis: run it with `make test` (scripts/test-services.sh "
            "brings them up), or set DATABASE_URL and REDIS_URL."
        )

    from django.core.management import call_command

    root = Path(__file__).resolve().parents[1]
    call_command("compilemessages", locale=["zh_Hans"], ignore_patterns=[".venv"], verbosity=0)
    assert (root / "locale/zh_Hans/LC_MESSAGES/django.mo").exists()


@pytest.fixture(autouse=True)
def fresh_abuse_counters():
    """Each test starts with no rate-limit or budget counts, Redis taken as up, no process-memory
    fallback copies and no kept configuration rows (these are shared state across tests otherwise)."""
    from scanlogin import fallback, ratelimit
    from scanlogin.config_cache import config_cache

    config_cache.clear()  # a rolled-back test's rows (no signal) must not be remembered into the next
    ratelimit.reset()
    fallback.redis_breaker.reset()
    fallback.shared_cache.clear_local()
    yield
