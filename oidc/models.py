"""OpenID Connect state of a pool: its signing keys, authorization codes and issued tokens.

Codes and tokens are stored as SHA-256 hashes only: a database dump gives nobody a usable
credential. The signing key's private part is encrypted at rest like the AppSecret.
"""
import time
import uuid

from django.db import models
from django.utils import timezone

from accounts.models import EndUser, Identity
from scanlogin.fields import EncryptedTextField
from tenants.models import Application, UserPool


class SigningKey(models.Model):
    """An RS256 key of one pool. The newest active key signs; retired keys stay published until
    every ID token they signed has expired (`publish_until`)."""

    pool = models.ForeignKey(UserPool, on_delete=models.CASCADE, related_name="signing_keys")
    kid = models.CharField(max_length=64, unique=True)
    private_pem = EncryptedTextField()
    public_jwk = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)
    publish_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.kid} ({'retired' if self.retired_at else 'active'})"


class AuthorizationCode(models.Model):
    """A one-time code (RFC 6749 §4.1.2); `used_at` set by the single winning exchange."""

    pool = models.ForeignKey(UserPool, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(EndUser, on_delete=models.CASCADE, related_name="+")
    identity = models.ForeignKey(Identity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    redirect_uri = models.CharField(max_length=2000)
    response_type = models.CharField(max_length=32, default="code")
    scope = models.CharField(max_length=500)
    nonce = models.CharField(max_length=500, blank=True)
    code_challenge = models.CharField(max_length=128, blank=True)
    code_challenge_method = models.CharField(max_length=8, blank=True)
    auth_time = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    # Authlib's AuthorizationCodeMixin (rfc6749 + oidc.core).
    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce or None

    def get_auth_time(self):
        return self.auth_time

    def get_acr(self):
        return None

    def get_amr(self):
        return ["wechat_miniprogram_pc"]

    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class OAuthToken(models.Model):
    """An access token with its optional refresh token, issued to one application for one user."""

    pool = models.ForeignKey(UserPool, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(EndUser, on_delete=models.CASCADE, related_name="+")
    identity = models.ForeignKey(Identity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The code it came from (kept through refreshes): a replayed code revokes all of them.
    authorization_code = models.ForeignKey(AuthorizationCode, null=True, blank=True, on_delete=models.SET_NULL, related_name="tokens")
    # Every token descending from one authorization (its code and each refresh after it) shares the
    # family, which outlives the purged code: a reused rotated refresh token revokes the family.
    family = models.UUIDField(default=uuid.uuid4, db_index=True)
    access_token_hash = models.CharField(max_length=64, unique=True)
    refresh_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    scope = models.CharField(max_length=500)
    issued_at = models.BigIntegerField()
    expires_in = models.IntegerField()
    refresh_expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["pool", "user"])]

    # Authlib's TokenMixin.
    def check_client(self, client) -> bool:
        return self.application_id == client.application.pk

    def get_scope(self):
        return self.scope

    def get_expires_in(self):
        return self.expires_in

    def is_expired(self) -> bool:
        return self.issued_at + self.expires_in <= time.time()

    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def refresh_usable(self) -> bool:
        return (self.refresh_token_hash is not None and self.revoked_at is None
                and (self.refresh_expires_at is None or self.refresh_expires_at > timezone.now()))
