"""Small helpers of the hosted login, called directly."""
import pytest

from hostedlogin.miniprogram import describe_user_agent
from hostedlogin.redirects import safe_next
from hostedlogin.tickets import mask_nickname

CHROME_WIN = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
SAFARI_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15"
EDGE_WIN = CHROME_WIN + " Edg/131.0"


@pytest.mark.parametrize("ua, expected", [
    (CHROME_WIN, "Chrome on Windows"), (SAFARI_MAC, "Safari on macOS"), (EDGE_WIN, "Edge on Windows"),
    ("curl/8.0", "curl/8.0"), ("", ""),
])
def test_the_phone_sees_a_short_browser_description(ua, expected):
    assert describe_user_agent(ua) == expected


@pytest.mark.parametrize("value, ok", [
    ("/u/acme/oidc/authorize?x=1", True),
    ("/u/acme/oidc/", True),
    ("/u/acme/oidcx/authorize", False),
    ("/u/acme/oidc/../login", False),
    ("/u/acme/oidc/%2e%2e/login", False),
    ("/u/acme/oidc\\..\\x", False),
    ("https://acme.example/u/acme/oidc/", False),
    ("//acme.example/u/acme/oidc/", False),
    ("javascript:alert(1)", False),
    ("/u/other/oidc/authorize", False),
    ("", False),
    (None, False),
])
def test_next_must_be_this_pools_oidc_path(value, ok):
    assert safe_next(pool_slug="acme", value=value) == (value if ok else "")


@pytest.mark.parametrize("name, masked", [("", ""), ("A", "A*"), ("Li", "L*"), ("Lin", "L**"), ("张三丰", "张**"), ("Zhang San", "Z***n")])
def test_nicknames_are_masked(name, masked):
    assert mask_nickname(name) == masked
