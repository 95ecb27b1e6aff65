"""Key rotation: new tokens use the new key; old tokens verify until they expire."""
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from oidc.keys import jwks, signing_key_current
from oidc.models import SigningKey

from .test_token import exchange, verify_id_token


def kid_of(id_token):
    import jwt as pyjwt
    return pyjwt.get_unverified_header(id_token)["kid"]


def test_rotation_keeps_old_tokens_verifiable_and_signs_new_ones_with_the_new_key(rp, wx_user, capsys):
    _, first = exchange(rp, wx_user)
    old_token = first.json()["id_token"]
    old_kid = kid_of(old_token)
    call_command("rotate_signing_key", rp.pool.slug)
    assert "new signing key" in capsys.readouterr().out
    new_kid = signing_key_current(rp.pool).kid
    assert new_kid != old_kid
    assert {k["kid"] for k in jwks(rp.pool)["keys"]} == {old_kid, new_kid}
    assert verify_id_token(rp.pool, old_token, rp.app.client_id)["sub"]  # still verifies
    _, second = exchange(rp, wx_user)
    new_token = second.json()["id_token"]
    assert kid_of(new_token) == new_kid
    assert verify_id_token(rp.pool, new_token, rp.app.client_id)["sub"]


def test_the_old_key_leaves_the_jwks_once_its_tokens_have_expired(rp, settings):
    old = signing_key_current(rp.pool)
    call_command("rotate_signing_key", rp.pool.slug)
    old.refresh_from_db()
    assert old.publish_until >= old.retired_at + timedelta(seconds=settings.OIDC_ID_TOKEN_TTL)
    SigningKey.objects.filter(pk=old.pk).update(publish_until=timezone.now() - timedelta(seconds=1))
    assert [k["kid"] for k in jwks(rp.pool)["keys"]] == [signing_key_current(rp.pool).kid]


def test_rotation_touches_only_its_pool(pool, other_pool):
    other_kid = signing_key_current(other_pool).kid
    call_command("rotate_signing_key", pool.slug)
    assert signing_key_current(other_pool).kid == other_kid


def test_rotate_unknown_pool_is_a_clear_error(db):
    with pytest.raises(CommandError, match="no pool"):
        call_command("rotate_signing_key", "nope")
