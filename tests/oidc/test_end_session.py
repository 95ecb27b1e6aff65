"""RP-initiated logout: ends the pool's session; redirects only to a registered URI."""
from accounts.sessions import get_end_user
from oidc.models import AuthorizationCode

from ..fixtures.oidc import REDIRECT_URI, query_of
from .test_token import exchange


def session_user(rp):
    class R:  # the session as a view would see it
        session = rp.client.session
    return get_end_user(R, rp.pool)


def test_logout_with_id_token_hint_ends_the_session_and_returns_with_state(rp, wx_user):
    _, response = exchange(rp, wx_user)
    assert session_user(rp) is not None
    out = rp.client.get(f"/u/{rp.pool.slug}/oidc/end-session", {
        "id_token_hint": response.json()["id_token"], "post_logout_redirect_uri": REDIRECT_URI, "state": "bye"})
    assert out.status_code == 302 and out["Location"].startswith(REDIRECT_URI)
    assert query_of(out["Location"])["state"] == "bye"
    assert session_user(rp) is None
    assert rp.authorize()["Location"].startswith(f"/u/{rp.pool.slug}/login?")


def test_unregistered_post_logout_uri_never_redirects(rp, wx_user):
    _, response = exchange(rp, wx_user)
    out = rp.client.get(f"/u/{rp.pool.slug}/oidc/end-session", {
        "id_token_hint": response.json()["id_token"], "post_logout_redirect_uri": "https://evil.example.net/"})
    assert out.status_code == 400 and "Location" not in out
    assert session_user(rp) is not None


def test_a_forged_hint_is_refused(rp, wx_user):
    out = rp.client.get(f"/u/{rp.pool.slug}/oidc/end-session", {"id_token_hint": "eyJhbGciOiJub25lIn0.e30.", "post_logout_redirect_uri": REDIRECT_URI})
    assert out.status_code == 400 and "Location" not in out


def test_another_pools_token_is_not_a_hint_here(rp, wx_user, other_pool):
    _, response = exchange(rp, wx_user)
    out = rp.client.get(f"/u/{other_pool.slug}/oidc/end-session", {"id_token_hint": response.json()["id_token"]})
    assert out.status_code == 400


def test_without_a_hint_the_user_confirms_first(rp, wx_user):
    exchange(rp, wx_user)
    ask = rp.client.get(f"/u/{rp.pool.slug}/oidc/end-session", {"client_id": rp.app.client_id})
    assert ask.status_code == 200 and b"Log out?" in ask.content
    assert session_user(rp) is not None
    done = rp.client.post(f"/u/{rp.pool.slug}/oidc/end-session", {"client_id": rp.app.client_id})
    assert done.status_code == 200 and b"You are logged out" in done.content
    assert session_user(rp) is None
    assert AuthorizationCode.objects.count() == 1
