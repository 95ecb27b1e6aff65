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
    also_asks = rp.client.post(f"/u/{rp.pool.slug}/oidc/end-session", {"client_id": rp.app.client_id})
    assert also_asks.status_code == 200 and b"Log out?" in also_asks.content and session_user(rp) is not None
    done = rp.client.post(f"/u/{rp.pool.slug}/oidc/end-session/confirm", {"client_id": rp.app.client_id})
    assert done.status_code == 200 and b"You are logged out" in done.content
    assert session_user(rp) is None
    assert AuthorizationCode.objects.count() == 1


# --- logout CSRF: only a hint about this very session logs out at once ------------------------

def end_session(client, pool, method="get", **params):
    return getattr(client, method)(f"/u/{pool.slug}/oidc/end-session", params)


def test_another_users_expired_hint_asks_instead_of_logging_out(rp, wx_user, wechat_sim, settings):
    """The review's case: someone else's old (expired) ID token as the hint must not end my session."""
    from wechatsim.testing import sim_user

    from ..fixtures.oidc import OidcLogin
    settings.OIDC_ID_TOKEN_TTL = -60  # the attacker's token has expired
    _, theirs = exchange(rp, wx_user)
    settings.OIDC_ID_TOKEN_TTL = 3600
    me = OidcLogin(rp.pool, rp.app, rp.phone)
    me.code_for(sim_user(wechat_sim, "13900139000", nickname="Victim"))
    assert session_user(me) is not None
    for method in ("get", "post"):
        ask = end_session(me.client, rp.pool, method, id_token_hint=theirs.json()["id_token"], post_logout_redirect_uri=REDIRECT_URI)
        assert ask.status_code == 200 and b"Log out?" in ask.content and "Location" not in ask
        assert ask["Cache-Control"] == "no-store"
        assert session_user(me) is not None


def test_a_hint_whose_client_is_gone_asks(rp, wx_user):
    _, response = exchange(rp, wx_user)
    hint = response.json()["id_token"]
    rp.app.delete()  # the hint's audience is no longer a client of this pool
    ask = end_session(rp.client, rp.pool, id_token_hint=hint)
    assert ask.status_code == 200 and b"Log out?" in ask.content
    assert session_user(rp) is not None


def test_an_rp_may_post_the_hint_cross_site(rp, wx_user):
    """POST keeps the ID token out of URLs; the RP's form is cross-site, so no CSRF token comes with it."""
    _, response = exchange(rp, wx_user)
    rp.client.handler.enforce_csrf_checks = True
    out = end_session(rp.client, rp.pool, "post", id_token_hint=response.json()["id_token"],
                      post_logout_redirect_uri=REDIRECT_URI, state="bye")
    assert out.status_code == 302 and query_of(out["Location"])["state"] == "bye"
    assert session_user(rp) is None


def test_a_cross_site_post_without_a_valid_hint_only_asks(rp, wx_user):
    exchange(rp, wx_user)
    rp.client.handler.enforce_csrf_checks = True
    ask = end_session(rp.client, rp.pool, "post", client_id=rp.app.client_id)
    assert ask.status_code == 200 and b"Log out?" in ask.content
    assert session_user(rp) is not None
    forged = rp.client.post(f"/u/{rp.pool.slug}/oidc/end-session/confirm", {"client_id": rp.app.client_id})
    assert forged.status_code == 403  # the confirmation is this site's own form only
    assert session_user(rp) is not None


def test_the_confirmation_form_carries_the_request_and_logs_out(rp, wx_user):
    import re
    exchange(rp, wx_user)
    rp.client.handler.enforce_csrf_checks = True
    ask = end_session(rp.client, rp.pool, client_id=rp.app.client_id, post_logout_redirect_uri=REDIRECT_URI, state="s1")
    page = ask.content.decode()
    assert f'action="/u/{rp.pool.slug}/oidc/end-session/confirm"' in page
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    assert fields["post_logout_redirect_uri"] == REDIRECT_URI and fields["state"] == "s1"
    done = rp.client.post(f"/u/{rp.pool.slug}/oidc/end-session/confirm", fields)
    assert done.status_code == 302 and query_of(done["Location"])["state"] == "s1"
    assert session_user(rp) is None
