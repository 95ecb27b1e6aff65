"""Tenants (user pools), staff memberships and roles, applications, management tokens.

The tables keep the names they had when these models lived in the console app (`console_*`),
so existing databases move without copying a row.
"""
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scanlogin.hashing import secret_matches, sha256_hex

from .origins import normalize_domain, validate_custom_domain, validate_web_origins

slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$",
    _("Use 1–50 lowercase letters, digits and hyphens, not starting or ending with a hyphen."),
)


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    OPERATOR = "operator", _("Operator")


class UserPool(models.Model):
    """A tenant: its end users, applications and connections live inside it."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.CharField(
        _("URL slug"),
        max_length=50,
        unique=True,
        validators=[slug_validator],
        help_text=_("Used in the hosted login URL /u/<slug>/."),
    )
    custom_domain = models.CharField(
        _("custom login domain"), max_length=253, unique=True, null=True, blank=True, validators=[validate_custom_domain],
        help_text=_("Optional: a host name of your own (e.g. id.example.com) that serves this pool's hosted login. "
                    "Point it at ScanLogin with DNS, give the proxy a TLS certificate for it and add it to ALLOWED_HOSTS."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        db_table = "console_userpool"
        verbose_name = _("user pool")
        verbose_name_plural = _("user pools")

    def __str__(self):
        return self.name

    def clean(self):
        self.custom_domain = normalize_domain(self.custom_domain) or None
        login_domain = (settings.HOSTED_LOGIN_DOMAIN or "").lower()
        if self.custom_domain and login_domain and (self.custom_domain == login_domain or self.custom_domain.endswith("." + login_domain)):
            raise ValidationError({"custom_domain": _("This name belongs to ScanLogin's own login domain.")})


class Membership(models.Model):
    """Gives a console staff user (a Django user) a role in one pool."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    pool = models.ForeignKey(UserPool, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.OPERATOR)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "pool"], name="membership_user_pool_unique")]
        db_table = "console_membership"
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} · {self.pool} · {self.role}"


def generate_client_id() -> str:
    return secrets.token_hex(12)


class ClientType(models.TextChoices):
    """OAuth client types: a confidential client keeps a secret on its server; a public one cannot."""

    CONFIDENTIAL = "confidential", _("Confidential (server-side website)")
    PUBLIC = "public", _("Public (single-page or native app, PKCE, no secret)")


class Application(models.Model):
    """A business website or app of a pool that logs its users in through ScanLogin."""

    pool = models.ForeignKey(UserPool, on_delete=models.CASCADE, related_name="applications")
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="app-logos/", blank=True)
    client_id = models.CharField(_("client ID"), max_length=64, unique=True, default=generate_client_id, editable=False)
    client_secret_hash = models.CharField(max_length=64, blank=True, editable=False)
    redirect_uris = models.JSONField(_("redirect URIs"), default=list, blank=True)
    web_origins = models.JSONField(
        _("web origins"), default=list, blank=True, validators=[validate_web_origins],
        help_text=_("Exact origins (scheme://host[:port]) of the pages that call ScanLogin from the browser: "
                    "the popup, the embedded QR code, a public client's token request. Only these get CORS."),
    )
    client_type = models.CharField(
        _("client type"), max_length=16, choices=ClientType.choices, default=ClientType.CONFIDENTIAL,
        help_text=_("Confidential: authenticates at the token endpoint with its client secret. Public: no secret, "
                    "PKCE (S256) required."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        db_table = "console_application"
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self):
        return self.name

    def set_new_client_secret(self) -> str:
        """Generate a new client secret, store only its hash, and return it (shown once)."""
        secret = secrets.token_urlsafe(32)
        self.client_secret_hash = sha256_hex(secret)
        return secret

    def check_client_secret(self, secret: str) -> bool:
        return secret_matches(secret, self.client_secret_hash)

    @property
    def is_public_client(self) -> bool:
        return self.client_type == ClientType.PUBLIC


class ManagementToken(models.Model):
    """A bearer token for the management API, scoped to one pool with one role.

    Stored as a public prefix (for lookup) plus a SHA-256 hash of the whole token.
    """

    pool = models.ForeignKey(UserPool, on_delete=models.CASCADE, related_name="management_tokens")
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.OPERATOR)
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, editable=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        db_table = "console_managementtoken"
        verbose_name = _("management token")
        verbose_name_plural = _("management tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
