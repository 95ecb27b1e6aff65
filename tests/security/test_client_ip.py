"""TRUSTED_PROXIES: X-Forwarded-For is believed only from a trusted peer, read from the right."""
import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from hostedlogin.models import LoginTicket
from scanlogin.proxies import client_ip

PROXY_NET = ["10.0.0.0/8", "fd00::/8"]


def ip_of(remote_addr, forwarded=None):
    meta = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert ip_of("203.0.113.7", "1.2.3.4") == "203.0.113.7"


def test_an_untrusted_peer_cannot_forge_its_address(settings):
    settings.TRUSTED_PROXIES = PROXY_NET
    assert ip_of("203.0.113.7", "1.2.3.4") == "203.0.113.7"


@pytest.mark.parametrize("forwarded, expected", [
    ("198.51.100.9", "198.51.100.9"),                          # one proxy: the hop it appended
    ("1.2.3.4, 198.51.100.9", "198.51.100.9"),                 # a forged left-most entry is not taken
    ("1.2.3.4, 198.51.100.9, 10.1.1.1", "198.51.100.9"),       # trusted hops on the right are skipped
    ("198.51.100.9,10.1.1.1 , 10.2.2.2", "198.51.100.9"),
    ("not-an-ip, 198.51.100.9", "198.51.100.9"),
    ("198.51.100.9, garbage", "10.0.0.5"),                     # unreadable: the last address a proxy vouched for
    ("", "10.0.0.5"),
    ("10.1.1.1", "10.1.1.1"),                                  # only proxies: the left-most of them
    ("[2001:db8::1]", "2001:db8::1"),
    ("::ffff:198.51.100.9", "198.51.100.9"),
])
def test_behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client(settings, forwarded, expected):
    settings.TRUSTED_PROXIES = PROXY_NET
    assert ip_of("10.0.0.5", forwarded) == expected


def test_ipv6_proxies_and_mapped_peers(settings):
    settings.TRUSTED_PROXIES = PROXY_NET
    assert ip_of("fd00::1", "2001:db8::7") == "2001:db8::7"
    assert ip_of("::ffff:10.0.0.5", "198.51.100.9") == "198.51.100.9"


def test_garbage_remote_addr_gives_no_address(settings):
    settings.TRUSTED_PROXIES = PROXY_NET
    assert ip_of("", "198.51.100.9") is None
    assert ip_of("nonsense", "198.51.100.9") is None


def test_an_invalid_trusted_network_refuses_to_start(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/33"]
    with pytest.raises(ImproperlyConfigured):
        ip_of("10.0.0.5", "198.51.100.9")


def test_forwarded_proto_counts_only_from_a_trusted_proxy(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.0/8"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 3600
    trusted = client.get("/console/login/", HTTP_X_FORWARDED_PROTO="https")
    assert trusted["Strict-Transport-Security"].startswith("max-age=3600")
    settings.TRUSTED_PROXIES = []
    untrusted = client.get("/console/login/", HTTP_X_FORWARDED_PROTO="https")
    assert "Strict-Transport-Security" not in untrusted


@pytest.mark.django_db
def test_the_ticket_and_the_phone_see_the_helpers_address(browser, phone, wx_user, settings):
    """The IP the phone shows (its main hint against a relayed code) is the one the helper decides."""
    settings.TRUSTED_PROXIES = ["127.0.0.0/8"]
    body = json.dumps({"app_id": browser.app.client_id, "connection": "wechat-pc"})
    created = browser.client.post(browser.url(), body, content_type="application/json",
                                  HTTP_X_FORWARDED_FOR="6.6.6.6, 113.116.0.1")
    ticket = LoginTicket.objects.get(key=created.json()["ticket"])
    assert ticket.ip == "113.116.0.1"
    assert phone.scan(ticket, wx_user).json()["client"]["ip"] == "113.116.0.1"

    settings.TRUSTED_PROXIES = []
    forged = browser.client.post(browser.url(), body, content_type="application/json", HTTP_X_FORWARDED_FOR="113.116.0.1")
    assert LoginTicket.objects.get(key=forged.json()["ticket"]).ip == "127.0.0.1"


def test_the_production_shape_trusts_no_forwarded_header_wholesale():
    """uvicorn rewrites no address in compose or the image: TRUSTED_PROXIES alone decides."""
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[2]
    web = " ".join(yaml.safe_load((root / "compose.yaml").read_text())["services"]["web"]["command"])
    cmd = [line for line in (root / "Dockerfile").read_text().splitlines() if line.startswith("CMD ")][-1]
    for command in (web, cmd):
        assert "--no-proxy-headers" in command and "forwarded-allow-ips" not in command
