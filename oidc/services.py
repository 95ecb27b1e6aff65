"""Writes of the OIDC provider: claiming codes once, revoking on replay, the callback code."""
import logging
from datetime import timedelta

from authlib.common.security import generate_token
from django.conf import settings
from django.utils import timezone

from scanlogin.hashing import sha256_hex

from .models import AuthorizationCode, OAuthToken

log = logging.getLogger(__name__)

CALLBACK_SCOPE = "openid profile phone"


def authorization_code_claim(*, pool, application, code: str) -> AuthorizationCode | None:
    """The code if it is this application's, unexpired and unused, marking it used in the same
    conditional UPDATE (so one exchange wins). A replayed code revokes what it issued."""
    if not isinstance(code, str) or not code or len(code) > 200:
        return None
    row = AuthorizationCode.objects.select_related("user").filter(pool=pool, code_hash=sha256_hex(code)).first()
    if row is None or row.application_id != application.pk:
        return None
    now = timezone.now()
    if AuthorizationCode.objects.filter(pk=row.pk, used_at__isnull=True, expires_at__gt=now).update(used_at=now):
        return row
    if row.used_at is not None:
        revoked = tokens_revoke_for_code(row)
        log.warning("authorization code replayed: application=%s code_id=%s tokens_revoked=%s", application.client_id, row.pk, revoked)
    return None


def tokens_revoke_for_code(code: AuthorizationCode) -> int:
    """Revoke every access and refresh token that came from `code` (RFC 6749 §4.1.2)."""
    return OAuthToken.objects.filter(authorization_code=code, revoked_at__isnull=True).update(revoked_at=timezone.now())


def refresh_token_find(*, pool, refresh_token: str) -> OAuthToken | None:
    """The pool's token row holding `refresh_token` while its refresh lifetime lasts, revoked or
    not: a revoked one is still returned so that its reuse can be recognised (refresh_token_claim)."""
    if not isinstance(refresh_token, str) or not refresh_token or len(refresh_token) > 200:
        return None
    token = OAuthToken.objects.select_related("user").filter(pool=pool, refresh_token_hash=sha256_hex(refresh_token)).first()
    if token is None or (token.refresh_expires_at is not None and token.refresh_expires_at <= timezone.now()):
        return None
    return token


def refresh_token_claim(token: OAuthToken) -> bool:
    """Rotate: mark the refresh token used with one conditional UPDATE; False when it was already.

    Called inside the transaction that saves its successor, so a concurrent claim of the same row
    waits for that commit and then finds it used (and the family revocation that follows sees the
    successor)."""
    return bool(OAuthToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()))


def tokens_revoke_family(token: OAuthToken) -> int:
    """A rotated refresh token came back (RFC 9700 §4.14.2): someone holds a copy. Revoke every
    access and refresh token descending from the same authorization, the successors included."""
    revoked = OAuthToken.objects.filter(family=token.family, revoked_at__isnull=True).update(revoked_at=timezone.now())
    log.warning("refresh token reused: application_id=%s family=%s tokens_revoked=%s", token.application_id, token.family, revoked)
    return revoked


def authorization_code_store(*, code: str, application, user, identity_id: int | None, redirect_uri: str,
                             scope: str, auth_time: int, **pkce_and_nonce) -> AuthorizationCode:
    """Keep a newly issued code (its hash only), living OIDC_CODE_TTL seconds."""
    return AuthorizationCode.objects.create(
        pool_id=application.pool_id, application=application, user=user, identity_id=identity_id,
        code_hash=sha256_hex(code), redirect_uri=redirect_uri, scope=scope, auth_time=auth_time,
        expires_at=timezone.now() + timedelta(seconds=settings.OIDC_CODE_TTL), **pkce_and_nonce,
    )


def callback_code_issue(*, application, user, identity, redirect_uri: str, auth_time: int) -> str:
    """A one-time code for a login that no authorization request started (the connection's
    callback URL, which must be one of the application's redirect URIs). Returns the code."""
    code = generate_token(48)
    authorization_code_store(code=code, application=application, user=user, identity_id=identity.pk if identity else None,
                             redirect_uri=redirect_uri, scope=CALLBACK_SCOPE, auth_time=auth_time)
    return code


def oidc_purge_stale(*, retention_seconds: int = 24 * 3600, batch_size: int = 1000) -> int:
    """Delete codes that expired, and tokens whose access and refresh lifetimes both ended, more
    than `retention_seconds` ago, in batches. Used codes are kept that long so a late replay still
    finds them and revokes what they issued; a revoked (rotated) refresh token is kept until its
    refresh lifetime ends, so its reuse is still recognised and revokes its family."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=retention_seconds)
    access_cutoff = int(cutoff.timestamp()) - settings.OIDC_ACCESS_TOKEN_TTL
    stale_tokens = (OAuthToken.objects.filter(revoked_at__lt=cutoff, refresh_expires_at__isnull=True)
                    | OAuthToken.objects.filter(revoked_at__lt=cutoff, refresh_expires_at__lt=cutoff)
                    | OAuthToken.objects.filter(issued_at__lt=access_cutoff, refresh_expires_at__isnull=True)
                    | OAuthToken.objects.filter(issued_at__lt=access_cutoff, refresh_expires_at__lt=cutoff))
    total = 0
    for queryset in (stale_tokens, AuthorizationCode.objects.filter(expires_at__lt=cutoff)):
        while ids := list(queryset.values_list("pk", flat=True)[:batch_size]):
            total += queryset.model.objects.filter(pk__in=ids).delete()[0]
    return total
