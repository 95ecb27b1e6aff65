"""Refresh tokens: nothing is revoked before the client and scope checks pass; reuse of a rotated
refresh token revokes every token descending from the same authorization (RFC 9700 §4.14.2).

Driven over HTTP at the token and userinfo endpoints with Django's test client (no ScanLogin or
Authlib code checks anything here); the race runs real threads against PostgreSQL.
"""
from datetime import timedelta

import pytest
from django.db import connection as db_connection
from django.test import Client
from django.utils import timezone

from oidc.models import OAuthToken
from oidc.services import oidc_purge_stale

from ..fixtures.oidc import OidcLogin
from ..hostedlogin.test_races import race
from .test_token import exchange


def refresh(rp, refresh_token, secret=None, **extra):
    return rp.token({"grant_type": "refresh_token", "refresh_token": refresh_token, **extra}, secret)


def works(rp, tokens) -> bool:
    """The access token answers at userinfo (a refresh would burn the refresh token, so it is not tried)."""
    return rp.userinfo(tokens["access_token"]).status_code == 200


def test_another_client_presenting_a_refresh_token_does_not_burn_it(rp, wx_user, pool, public_app, phone):
    _, first = exchange(rp, wx_user)
    tokens = first.json()
    thief = OidcLogin(pool, public_app, phone)  # a public client: no secret to present
    stolen = refresh(thief, tokens["refresh_token"], client_id=public_app.client_id)
    assert stolen.status_code == 400 and stolen.json()["error"] == "invalid_grant"
    assert works(rp, tokens)
    again = refresh(rp, tokens["refresh_token"], rp.app.secret)
    assert again.status_code == 200, again.content  # the owner's refresh token still works


def test_a_wrong_client_secret_burns_nothing(rp, wx_user):
    _, first = exchange(rp, wx_user)
    tokens = first.json()
    assert refresh(rp, tokens["refresh_token"], "not-the-secret").status_code == 401
    assert works(rp, tokens)
    assert refresh(rp, tokens["refresh_token"], rp.app.secret).status_code == 200


def test_a_wider_scope_is_refused_before_anything_is_revoked(rp, wx_user):
    q = rp.code_for(wx_user, scope="openid phone")
    tokens = rp.token({"grant_type": "authorization_code", "code": q["code"]}, rp.app.secret).json()
    assert tokens["scope"] == "openid phone"
    wider = refresh(rp, tokens["refresh_token"], rp.app.secret, scope="openid profile phone")
    assert wider.status_code == 400 and wider.json()["error"] == "invalid_scope"
    assert works(rp, tokens)
    narrower = refresh(rp, tokens["refresh_token"], rp.app.secret, scope="openid")
    assert narrower.status_code == 200 and narrower.json()["scope"] == "openid"


def test_reuse_after_rotation_revokes_the_whole_family(rp, wx_user):
    """The review's case: an attacker refreshes first with a stolen token; the legitimate client's
    replay fails, and so does everything the attacker obtained."""
    _, first = exchange(rp, wx_user)
    original = first.json()
    attacker = OidcLogin(rp.pool, rp.app, None, client=Client())
    stolen = refresh(attacker, original["refresh_token"], rp.app.secret)
    assert stolen.status_code == 200
    chain = stolen.json()
    chain2 = refresh(attacker, chain["refresh_token"], rp.app.secret).json()  # the attacker's chain goes on
    assert works(attacker, chain2)

    replay = refresh(rp, original["refresh_token"], rp.app.secret)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert not works(attacker, chain2) and not works(rp, original)
    assert refresh(attacker, chain2["refresh_token"], rp.app.secret).status_code == 400
    assert not OAuthToken.objects.filter(revoked_at__isnull=True).exists()


def test_reuse_revokes_only_its_own_family(rp, wx_user):
    _, first = exchange(rp, wx_user)
    _, other = exchange(rp, wx_user)  # a second login of the same user and client: another family
    original = first.json()
    assert refresh(rp, original["refresh_token"], rp.app.secret).status_code == 200
    assert refresh(rp, original["refresh_token"], rp.app.secret).status_code == 400
    assert works(rp, other.json())
    assert refresh(rp, other.json()["refresh_token"], rp.app.secret).status_code == 200


def test_reuse_is_recognised_after_the_purge_while_the_refresh_token_could_live(rp, wx_user):
    _, first = exchange(rp, wx_user)
    original = first.json()
    successor = refresh(rp, original["refresh_token"], rp.app.secret).json()
    two_days_ago = timezone.now() - timedelta(days=2)
    OAuthToken.objects.filter(revoked_at__isnull=False).update(revoked_at=two_days_ago)
    oidc_purge_stale()
    assert refresh(rp, original["refresh_token"], rp.app.secret).status_code == 400
    assert not works(rp, successor)


@pytest.mark.django_db(transaction=True)
def test_two_clients_racing_with_one_refresh_token_end_with_the_family_revoked(rp, wx_user):
    """The legitimate client and an attacker present the same refresh token at once, on PostgreSQL:
    one refresh wins, the other is a reuse, and the winner's new tokens are revoked too — even when
    the reuse is detected while the winner is still saving them."""
    assert db_connection.vendor == "postgresql"
    _, first = exchange(rp, wx_user)
    original = first.json()
    attacker = OidcLogin(rp.pool, rp.app, None, client=Client())
    answers = race(lambda: refresh(rp, original["refresh_token"], rp.app.secret),
                   lambda: refresh(attacker, original["refresh_token"], rp.app.secret))
    assert sorted(a.status_code for a in answers) == [200, 400]
    [won] = [a.json() for a in answers if a.status_code == 200]
    assert not works(rp, won) and not works(rp, original)
    assert refresh(rp, won["refresh_token"], rp.app.secret).status_code == 400
    assert not OAuthToken.objects.filter(revoked_at__isnull=True).exists()
