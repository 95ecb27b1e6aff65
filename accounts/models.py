"""End users of a pool, their linked WeChat identities, and the login event log."""
import uuid

from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from connections.models import Connection
from tenants.models import Application, UserPool

from .regions import region_text


class EndUser(models.Model):
    """A person who logs in to a pool's applications. Never a console staff user."""

    pool = models.ForeignKey(UserPool, on_delete=models.CASCADE, related_name="end_users")
    # Stable public subject for OIDC `sub` and API addressing; the database id stays internal.
    sub = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    phone = models.CharField(_("phone"), max_length=32, blank=True, help_text=_("With country code, e.g. +8613800138000."))
    phone_verified = models.BooleanField(_("phone verified"), default=False)
    nickname = models.CharField(_("nickname"), max_length=64, blank=True)
    avatar = models.URLField(_("avatar"), max_length=500, blank=True)
    username = models.CharField(_("username"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    password = models.CharField(max_length=256, blank=True, editable=False)
    blocked = models.BooleanField(_("blocked"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    last_login_at = models.DateTimeField(_("last login"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["pool", "phone"]), models.Index(fields=["pool", "email"])]
        constraints = [
            models.UniqueConstraint(fields=["pool", "username"], condition=~Q(username=""), name="enduser_pool_username_unique"),
        ]
        verbose_name = _("end user")
        verbose_name_plural = _("end users")

    def __str__(self):
        return self.nickname or self.username or self.phone or str(self.sub)

    def set_password(self, raw: str | None):
        self.password = make_password(raw) if raw else ""

    def check_password(self, raw: str) -> bool:
        return bool(self.password) and check_password(raw, self.password)


class Identity(models.Model):
    """A WeChat identity linked to an end user. An openid belongs to one AppID; unionid joins them."""

    pool = models.ForeignKey(UserPool, on_delete=models.CASCADE, related_name="identities")
    user = models.ForeignKey(EndUser, on_delete=models.CASCADE, related_name="identities")
    connection = models.ForeignKey(Connection, null=True, blank=True, on_delete=models.SET_NULL, related_name="identities")
    app_id = models.CharField(_("WeChat AppID"), max_length=18)
    openid = models.CharField(_("openid"), max_length=64)
    unionid = models.CharField(_("unionid"), max_length=64, blank=True)
    profile = models.JSONField(_("raw profile"), default=dict, blank=True)
    first_seen_at = models.DateTimeField(_("first seen"), default=timezone.now, editable=False)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now)

    class Meta:
        ordering = ["-last_seen_at"]
        constraints = [
            models.UniqueConstraint(fields=["pool", "app_id", "openid"], name="identity_pool_appid_openid_unique"),
        ]
        indexes = [models.Index(fields=["pool", "unionid"])]
        verbose_name = _("identity")
        verbose_name_plural = _("identities")

    def __str__(self):
        return f"{self.app_id}:{self.openid}"


class LoginOutcome(models.TextChoices):
    CREATED = "created", _("Signed up")
    LOGGED_IN = "logged_in", _("Logged in")
    MATCHED = "matched", _("Linked by matching field")
    BOUND = "bound", _("Bound to existing account")
    BIND_REQUIRED = "bind_required", _("Asked to bind")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")
    FAILED = "failed", _("Failed")


class LoginEvent(models.Model):
    """One row per login outcome: the pool's audit trail of who logged in, how, and from where."""

    pool = models.ForeignKey(UserPool, on_delete=models.CASCADE, related_name="login_events")
    user = models.ForeignKey(EndUser, null=True, blank=True, on_delete=models.SET_NULL, related_name="login_events")
    connection = models.ForeignKey(Connection, null=True, blank=True, on_delete=models.SET_NULL)
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.SET_NULL)
    outcome = models.CharField(_("outcome"), max_length=20, choices=LoginOutcome.choices)
    reason = models.CharField(_("reason"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)
    # Where the IP was when the event was written (accounts.regions): {"country", "province", "city"},
    # {"local": true} or {}. Stored, not looked up at display, so history survives database updates.
    region = models.JSONField(_("region"), default=dict, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # One index serves the console's list (scanned backwards for the newest first) and the pool
        # dashboard's daily counts (console/insights.py): the range of one pool's days, with the
        # columns those counts group by, so PostgreSQL answers them from the index alone.
        indexes = [models.Index(fields=["pool", "created_at", "outcome", "connection", "application"],
                                name="loginevent_pool_time_outcome")]
        verbose_name = _("login event")
        verbose_name_plural = _("login events")

    def __str__(self):
        return f"{self.get_outcome_display()} · {self.created_at:%Y-%m-%d %H:%M}"

    def region_text(self) -> str:
        """"中国 广东 深圳", "Local network" or "" for the console."""
        return region_text(self.region)
