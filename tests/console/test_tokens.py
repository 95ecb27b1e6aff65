from datetime import timedelta

from django.utils import timezone

from tenants.models import ManagementToken
from tenants.tokens import token_authenticate, token_create, token_revoke


def test_token_is_stored_hashed_and_authenticates(pool):
    token, plaintext = token_create(pool=pool, name="deploy", role="admin")
    row = ManagementToken.objects.get(pk=token.pk)
    assert plaintext not in (row.token_hash, row.prefix) and len(row.token_hash) == 64
    assert token_authenticate(plaintext).pk == token.pk
    assert ManagementToken.objects.get(pk=token.pk).last_used_at is not None


def test_wrong_revoked_or_expired_token_fails(pool):
    token, plaintext = token_create(pool=pool, name="deploy")
    assert token_authenticate(plaintext[:-1] + ("x" if plaintext[-1] != "x" else "y")) is None
    assert token_authenticate("garbage") is None
    token_revoke(token=token)
    assert token_authenticate(plaintext) is None
    _t, old = token_create(pool=pool, name="old", expires_at=timezone.now() - timedelta(seconds=1))
    assert token_authenticate(old) is None
