"""Pool login domains: `<pool>.<HOSTED_LOGIN_DOMAIN>` (or a pool's custom domain) serves that pool's
hosted login and OIDC provider with the same paths as `/u/<pool>/…`, without the prefix.

The middleware points the request at a URLconf made for that one pool: the routes of the hosted
login and OIDC URL modules, each with `pool=<slug>` as a fixed argument, so views run unchanged and
`reverse("hostedlogin:login", kwargs={"pool": slug})` gives `/login` there. Nothing of another pool
resolves on that host (`/u/<other>/…` is a 404), and cookies set there are host-only.
"""
from functools import lru_cache
from importlib import import_module

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.core.exceptions import DisallowedHost
from django.urls import include, path

from hostedlogin.sdk import sdk_script
from tenants.domains import needs_lookup, pool_slug_for_host

from .urls import media_patterns


def _for_pool(module_name: str, slug: str):
    """A URL module's routes with `pool=slug` fixed on each one (not on the include: Django's
    namespaced reverse() only honours fixed arguments of the routes themselves)."""
    module = import_module(module_name)
    routes = [path(str(p.pattern), p.callback, {**p.default_args, "pool": slug}, name=p.name) for p in module.urlpatterns]
    return routes, module.app_name


class PoolUrls:
    """The URLconf of one pool's login domain (hashable by slug: Django caches one resolver per pool)."""

    def __init__(self, slug: str):
        self.slug = slug
        self.urlpatterns = [
            path("i18n/", include("django.conf.urls.i18n")),
            path("sdk/scanlogin.js", sdk_script, name="sdk_script"),
            path("oidc/", include(_for_pool("oidc.urls", slug))),
            path("", include(_for_pool("hostedlogin.urls", slug))),
            *media_patterns,
        ]

    def __hash__(self):
        return hash(("PoolUrls", self.slug))

    def __eq__(self, other):
        return isinstance(other, PoolUrls) and other.slug == self.slug


@lru_cache(maxsize=4096)
def pool_urlconf(slug: str) -> PoolUrls:
    return PoolUrls(slug)


class PoolDomainMiddleware:
    """Marks requests to a pool's login domain (`request.pool_domain` = slug) and routes them.

    Under ASGI only a host that may be a custom domain costs a trip off the event loop (its
    lookup reads the cache or the database); ScanLogin's own hosts and the pool subdomains do not.
    """

    sync_capable = async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.async_mode:
            return self.__acall__(request)
        host = _host(request)
        _route(request, pool_slug_for_host(host) if host else None)
        return self.get_response(request)

    async def __acall__(self, request):
        host = _host(request)
        if host and needs_lookup(host):
            slug = await sync_to_async(pool_slug_for_host)(host)
        else:
            slug = pool_slug_for_host(host) if host else None
        _route(request, slug)
        return await self.get_response(request)


def _host(request) -> str:
    try:
        return request.get_host()
    except DisallowedHost:
        return ""  # CommonMiddleware answers 400 for it


def _route(request, slug: str | None) -> None:
    request.pool_domain = slug
    if slug:
        request.urlconf = pool_urlconf(slug)
