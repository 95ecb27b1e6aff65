"""A pool's RS256 signing keys: created on first use, published in the JWKS, rotated by command.

Rotation keeps the old key in the JWKS until every ID token it signed has expired, so relying
parties that cached the JWKS or hold a fresh token never see a signature they cannot check.
"""
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from joserfc.jwk import RSAKey

from tenants.models import UserPool

from .models import SigningKey


def _new_key(pool: UserPool) -> SigningKey:
    key = RSAKey.generate_key(2048, private=True)
    kid = key.thumbprint()
    public = {**key.as_dict(private=False), "kid": kid, "use": "sig", "alg": "RS256"}
    return SigningKey.objects.create(pool=pool, kid=kid, private_pem=key.as_pem(private=True).decode(), public_jwk=public)


def signing_key_current(pool: UserPool) -> SigningKey:
    """The key that signs new ID tokens (made on first use, once even under concurrent first uses)."""
    key = SigningKey.objects.filter(pool=pool, retired_at__isnull=True).first()
    if key is not None:
        return key
    with transaction.atomic():
        UserPool.objects.select_for_update().filter(pk=pool.pk).first()  # serialise first-key creation
        return SigningKey.objects.filter(pool=pool, retired_at__isnull=True).first() or _new_key(pool)


def private_key(key: SigningKey) -> RSAKey:
    return RSAKey.import_key(key.private_pem, parameters={"kid": key.kid, "alg": "RS256", "use": "sig"})


def published_keys(pool: UserPool) -> list[SigningKey]:
    """Keys a relying party may meet: the active one and retired ones whose tokens may still live."""
    signing_key_current(pool)
    return list(SigningKey.objects.filter(pool=pool).filter(Q(retired_at__isnull=True) | Q(publish_until__gt=timezone.now())))


def jwks(pool: UserPool) -> dict:
    return {"keys": [k.public_jwk for k in published_keys(pool)]}


@transaction.atomic
def signing_key_rotate(pool: UserPool) -> SigningKey:
    """Start signing with a fresh key; the old ones stay published until their last ID token expires."""
    now = timezone.now()
    keep_until = now + timedelta(seconds=settings.OIDC_ID_TOKEN_TTL + 300)  # + leeway for clock skew
    UserPool.objects.select_for_update().filter(pk=pool.pk).first()
    SigningKey.objects.filter(pool=pool, retired_at__isnull=True).update(retired_at=now, publish_until=keep_until)
    return _new_key(pool)
