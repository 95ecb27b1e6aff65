"""Pool login domains: `<pool>.<HOSTED_LOGIN_DOMAIN>` (or a pool's custom domain) serves that pool's
hosted login and OIDC provider with the same paths as `/u/<pool>/…`, without the prefix.

The middleware points the request at a URLconf made for that one pool: the routes of the hosted
login and OIDC URL modules, each with `pool=<slug>` as a fixed argument, so views run unchanged and
`reverse("hostedlogin:login", kwargs={"pool": slug})` gives `/login` there. Nothing of another pool
resolves on that host (`/u/<other>/…` is a 404), and cookies set there are host-only.
"""
from functools import lru_cache
from importlib import import_module

from django.core.exceptions import DisallowedHost
from django.urls import include, path
from django.utils.deprecation import MiddlewareMixin

from hostedlogin.sdk import sdk_script
from tenants.domains import pool_slug_for_host

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


class PoolDomainMiddleware(MiddlewareMixin):
    """Marks requests to a pool's login domain (`request.pool_domain` = slug) and routes them."""

    def process_request(self, request):
        request.pool_domain = None
        try:
            host = request.get_host()
        except DisallowedHost:
            return None  # CommonMiddleware answers 400 for it
        slug = pool_slug_for_host(host)
        if slug:
            request.pool_domain = slug
            request.urlconf = pool_urlconf(slug)
        return None
