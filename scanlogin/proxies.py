"""Who is asking: the one place that decides a request's client IP (and whether it came over HTTPS).

Tickets (the IP the phone shows before the user confirms), login events and rate limits all take
the address from `client_ip(request)`. `X-Forwarded-For` is believed only when the direct peer
(REMOTE_ADDR) is in TRUSTED_PROXIES (CIDRs; empty by default, so by default the header is
ignored). The header is then read from the right: hops that are themselves trusted proxies are
skipped and the first one that is not is the client. Whatever a client writes into the header
itself stands to the left of what the proxies appended, so it is never taken while a hop to its
right is untrusted; an unreadable hop stops the walk at the last address a proxy vouched for.

`X-Forwarded-Proto` (which Django reads through SECURE_PROXY_SSL_HEADER) is removed from
requests whose peer is not a trusted proxy, so only the proxy can say a request came over HTTPS.
"""
import ipaddress
from functools import lru_cache

from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.decorators import sync_and_async_middleware

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
_ATTR = "_scanlogin_client_ip"


@lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]) -> tuple:
    try:
        return tuple(ipaddress.ip_network(c.strip(), strict=False) for c in cidrs if c.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {exc}") from None


def trusted_networks() -> tuple:
    """TRUSTED_PROXIES as networks (checked when settings load; an invalid entry refuses to start)."""
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))


def parse_ip(value) -> Address | None:
    """An address from a header or REMOTE_ADDR ("[v6]" brackets allowed; IPv4-mapped IPv6 as IPv4); else None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if not text or len(text) > 64 or "%" in text:
        return None
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        return ip.ipv4_mapped
    return ip


def _trusted(ip: Address, networks) -> bool:
    return any(ip.version == net.version and ip in net for net in networks)


def _resolve(meta) -> str | None:
    peer = parse_ip(meta.get("REMOTE_ADDR"))
    networks = trusted_networks()
    if peer is None or not _trusted(peer, networks):
        return str(peer) if peer else None
    client = peer
    for hop in reversed(meta.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        ip = parse_ip(hop)
        if ip is None:
            break  # unreadable: keep the last address a trusted proxy vouched for
        client = ip
        if not _trusted(ip, networks):
            break
    return str(client)


def client_ip(request) -> str | None:
    """The client's IP address as text (None when the server gives none), computed once per request."""
    if not hasattr(request, _ATTR):
        setattr(request, _ATTR, _resolve(request.META))
    return getattr(request, _ATTR)


def peer_is_trusted_proxy(request) -> bool:
    peer = parse_ip(request.META.get("REMOTE_ADDR"))
    return peer is not None and _trusted(peer, trusted_networks())


def _strip_untrusted(request) -> None:
    if "HTTP_X_FORWARDED_PROTO" in request.META and not peer_is_trusted_proxy(request):
        del request.META["HTTP_X_FORWARDED_PROTO"]


@sync_and_async_middleware
def forwarded_headers_middleware(get_response):
    """Drop X-Forwarded-Proto unless a trusted proxy sent the request (before anything reads it)."""
    if iscoroutinefunction(get_response):
        async def middleware(request):
            _strip_untrusted(request)
            return await get_response(request)
    else:
        def middleware(request):
            _strip_untrusted(request)
            return get_response(request)
    return middleware
