"""Small helpers of the hosted login, called directly."""
import pytest

from hostedlogin.redirects import safe_next
from hostedlogin.tickets import mask_nickname


@pytest.mark.parametrize("value, ok", [
    ("/u/acme/oidc/authorize?client_id=app-1&state=x", True),
    ("/u/acme/oidc/authorize?state=x&client_id=app-1", True),
    ("/u/acme/oidc/authorize?client_id=app-2", False),  # another application of the pool
    ("/u/acme/oidc/authorize?client_id=app-1&client_id=app-2", False),
    ("/u/acme/oidc/authorize", False),
    ("/u/acme/oidc/authorize?client_id=app-1#frag", False),
    ("/u/acme/oidc/token?client_id=app-1", False),
    ("/u/acme/oidc/", False),
    ("/u/acme/oidcx/authorize?client_id=app-1", False),
    ("/u/acme/oidc/../login", False),
    ("/u/acme/oidc/%2e%2e/login", False),
    ("/u/acme/oidc\\..\\x", False),
    ("https://acme.example/u/acme/oidc/authorize?client_id=app-1", False),
    ("//acme.example/u/acme/oidc/authorize?client_id=app-1", False),
    ("javascript:alert(1)", False),
    ("/u/other/oidc/authorize?client_id=app-1", False),
    ("", False),
    (None, False),
])
def test_next_must_be_this_applications_authorization_request(value, ok):
    assert safe_next(pool_slug="acme", value=value, client_id="app-1") == (value if ok else "")


@pytest.mark.parametrize("name, masked", [("", ""), ("A", "A*"), ("Li", "L*"), ("Lin", "L**"), ("张三丰", "张**"), ("Zhang San", "Z***n")])
def test_nicknames_are_masked(name, masked):
    assert mask_nickname(name) == masked
