"""Small helpers of the hosted login, called directly."""
import pytest

from hostedlogin.redirects import safe_next
from hostedlogin.tickets import mask_nickname


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
