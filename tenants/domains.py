"""Which pool a request's host names: `<slug>.<HOSTED_LOGIN_DOMAIN>` or a pool's custom domain.

On such a host the pool's hosted login is served without the `/u/<pool>` prefix. A custom
domain is looked up in the database once and remembered in the cache for a minute (changes go
through `pool_custom_domain_set`, which forgets the old and new names at once).
"""
from django.conf import settings
from django.core.cache import cache

from .models import UserPool, slug_validator

CACHE_SECONDS = 60


def _cache_key(hostname: str) -> str:
    return f"scanlogin:pool-domain:{hostname}"


def login_domain() -> str:
    return (getattr(settings, "HOSTED_LOGIN_DOMAIN", "") or "").lower().strip(".")


def hostname_of(host: str) -> str:
    """`host` (a validated Host header, maybe with a port) without its port, lowercase."""
    host = (host or "").lower()
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


def _slug_under_login_domain(hostname: str) -> str | None:
    domain = login_domain()
    if not domain or not hostname.endswith("." + domain):
        return None
    label = hostname[: -len(domain) - 1]
    try:
        slug_validator(label)
    except Exception:  # noqa: BLE001 - any invalid label is simply not a pool host
        return None
    return label


def _might_be_custom(hostname: str) -> bool:
    # Custom domains are DNS names with a dot; addresses and bare names (localhost) never are.
    return "." in hostname and not hostname.replace(".", "").isdigit() and not hostname.startswith("[")


def needs_lookup(host: str) -> bool:
    """Whether `host` can only be told by a lookup (cache, then database): a possible custom domain."""
    hostname = hostname_of(host)
    return not _slug_under_login_domain(hostname) and _might_be_custom(hostname) and hostname != login_domain()


def pool_slug_for_host(host: str) -> str | None:
    """The slug of the pool whose login domain `host` is, or None for ScanLogin's own hosts."""
    hostname = hostname_of(host)
    if not needs_lookup(host):
        return _slug_under_login_domain(hostname)
    cached = cache.get(_cache_key(hostname))
    if cached is None:
        cached = UserPool.objects.filter(custom_domain=hostname).values_list("slug", flat=True).first() or ""
        cache.set(_cache_key(hostname), cached, CACHE_SECONDS)
    return cached or None


def forget_domains(*hostnames: str) -> None:
    cache.delete_many([_cache_key(h) for h in hostnames if h])


def pool_login_base(pool, *, scheme: str = "https") -> str:
    """The base URL of a pool's own login domain (custom domain first), or "" without one."""
    if pool.custom_domain:
        return f"{scheme}://{pool.custom_domain}"
    if login_domain():
        return f"{scheme}://{pool.slug}.{login_domain()}"
    return ""
