"""Concurrent redemption on PostgreSQL with real threads, and the purge of stale codes and tokens."""
from datetime import timedelta

import pytest
from django.db import connection as db_connection
from django.utils import timezone

from oidc.models import AuthorizationCode, OAuthToken
from oidc.services import oidc_purge_stale
from oidc.tasks import purge_stale_grants

from ..hostedlogin.test_races import race
from .test_token import exchange


@pytest.mark.django_db(transaction=True)
def test_two_redemptions_of_one_code_leave_one_winner(rp, wx_user):
    assert db_connection.vendor == "postgresql"
    q = rp.code_for(wx_user)
    data = {"grant_type": "authorization_code", "code": q["code"]}
    answers = race(*[lambda: rp.token(data, rp.app.secret) for _ in range(3)])
    assert sorted(a.status_code for a in answers) == [200, 400, 400]
    assert OAuthToken.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_refreshes_of_one_refresh_token_leave_one_winner_and_revoke_the_family(rp, wx_user):
    _, first = exchange(rp, wx_user)
    data = {"grant_type": "refresh_token", "refresh_token": first.json()["refresh_token"]}
    answers = race(*[lambda: rp.token(data, rp.app.secret) for _ in range(3)])
    assert sorted(a.status_code for a in answers) == [200, 400, 400]
    assert OAuthToken.objects.count() == 2  # the original and the one successor
    assert not OAuthToken.objects.filter(revoked_at__isnull=True).exists()  # the losers were reuses


def test_purge_removes_only_what_can_no_longer_be_used(rp, wx_user):
    _, live = exchange(rp, wx_user)
    exchange(rp, wx_user)
    long_ago = timezone.now() - timedelta(days=60)
    old_token = OAuthToken.objects.order_by("id").last()
    OAuthToken.objects.filter(pk=old_token.pk).update(issued_at=int(long_ago.timestamp()), refresh_expires_at=long_ago)
    AuthorizationCode.objects.filter(pk=old_token.authorization_code_id).update(expires_at=long_ago)
    assert purge_stale_grants.apply().get() == 2  # the Celery task runs the purge too
    assert OAuthToken.objects.count() == 1 and AuthorizationCode.objects.count() == 1
    assert rp.userinfo(live.json()["access_token"]).status_code == 200
    assert oidc_purge_stale() == 0
