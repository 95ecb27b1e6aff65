"""Management API tokens: created once, stored as prefix + SHA-256 hash, revocable.

A token reads `slm_<prefix>_<secret>`; the prefix finds the row, the hash of the whole token
is compared in constant time.
"""
import secrets

from django.db import transaction
from django.utils import timezone

from scanlogin.hashing import secret_matches, sha256_hex

from .models import ManagementToken, Role

TOKEN_PREFIX = "slm_"


@transaction.atomic
def token_create(*, pool, name: str, role: str = Role.OPERATOR, expires_at=None, created_by=None) -> tuple[ManagementToken, str]:
    """Create a token; returns the row and the plaintext token, which is never shown again."""
    prefix = secrets.token_hex(6)
    plaintext = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ManagementToken(pool=pool, name=name, role=role, prefix=prefix, token_hash=sha256_hex(plaintext),
                            expires_at=expires_at, created_by=created_by)
    token.full_clean()
    token.save()
    return token, plaintext


def token_revoke(*, token: ManagementToken) -> None:
    ManagementToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def token_authenticate(plaintext: str) -> ManagementToken | None:
    """The active token matching plaintext, or None. Records the last-used time."""
    if not plaintext.startswith(TOKEN_PREFIX) or plaintext.count("_") < 2:
        return None
    prefix = plaintext[len(TOKEN_PREFIX):].split("_", 1)[0]
    token = ManagementToken.objects.select_related("pool").filter(prefix=prefix).first()
    if token is None or not secret_matches(plaintext, token.token_hash) or not token.is_active():
        return None
    ManagementToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token
