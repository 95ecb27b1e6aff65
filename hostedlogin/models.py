"""QR login tickets: one per scan attempt, a small state machine, and its audit log.

A ticket is addressed by an unguessable `key` (192 bits) in browser URLs and by a short `scene`
in the mini-program code. It belongs to the browser that created it (`browser_hash`) and is
moved from state to state only by the compare-and-swap services in hostedlogin/tickets.py.
"""
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import EndUser, Identity
from connections.models import Connection
from tenants.models import Application, UserPool


def new_ticket_key() -> str:
    return secrets.token_urlsafe(24)  # 192 bits


def new_scene() -> str:
    return uuid.uuid4().hex  # 32 characters, WeChat's scene limit


class TicketStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for scan")
    SCANNED = "scanned", _("Scanned")
    CONFIRMED = "confirmed", _("Confirmed")
    CONSUMED = "consumed", _("Used")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")
    REJECTED = "rejected", _("Refused")


LIVE_STATUSES = (TicketStatus.PENDING, TicketStatus.SCANNED, TicketStatus.CONFIRMED)
FINISHED_STATUSES = (TicketStatus.CONSUMED, TicketStatus.EXPIRED, TicketStatus.CANCELLED, TicketStatus.REJECTED)


class LoginTicket(models.Model):
    key = models.CharField(max_length=64, unique=True, default=new_ticket_key, editable=False)
    scene = models.CharField(max_length=32, unique=True, default=new_scene, editable=False)
    pool = models.ForeignKey(UserPool, on_delete=models.CASCADE, related_name="login_tickets")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="login_tickets")
    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="login_tickets")
    status = models.CharField(max_length=16, choices=TicketStatus.choices, default=TicketStatus.PENDING)
    reason = models.CharField(max_length=64, blank=True)
    # SHA-256 of the per-browser binding secret (cookie); only that browser may read or use it.
    browser_hash = models.CharField(max_length=64, editable=False)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    # Set only for a browser that redeemed the console's one-time Try-login grant (hostedlogin/trylogin.py).
    try_mode = models.BooleanField(default=False)
    next_url = models.CharField(max_length=2000, blank=True)
    # The `state` of the hosted login link, returned with the code to the connection's callback URL.
    state = models.CharField(max_length=500, blank=True)
    # A ticket of the embedded code (hostedlogin/widget.py): the OIDC request its exchange answers
    # with a code for ({redirect_uri, scope, nonce, code_challenge, code_challenge_method}); None otherwise.
    widget_request = models.JSONField(null=True, blank=True, editable=False)
    # Set by the scan: the WeChat identity and the phone's short-lived token (hash only).
    wechat_app_id = models.CharField(max_length=18, blank=True)
    openid = models.CharField(max_length=64, blank=True)
    unionid = models.CharField(max_length=64, blank=True)
    scan_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    scanned_nickname = models.CharField(max_length=64, blank=True)
    scanned_avatar = models.CharField(max_length=500, blank=True)
    # Set by the confirm: the verified phone and the resolved user (none while a bind is pending).
    phone = models.CharField(max_length=32, blank=True)
    user = models.ForeignKey(EndUser, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    identity = models.ForeignKey(Identity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(max_length=20, blank=True)
    bind_pending = models.BooleanField(default=False)
    bind_attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["status", "expires_at"]), models.Index(fields=["status", "updated_at"])]

    def __str__(self):
        return f"ticket {self.key[:6]}… {self.status}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    def is_overdue(self, now=None) -> bool:
        return self.is_live and self.expires_at <= (now or timezone.now())

    def effective_status(self, now=None) -> str:
        """What a reader must believe: an overdue live ticket is expired, whatever the jobs do."""
        return TicketStatus.EXPIRED if self.is_overdue(now) else self.status


class TicketTransition(models.Model):
    """One row per state change of a ticket: the audit log (old, new, reason, actor, time)."""

    ticket = models.ForeignKey(LoginTicket, on_delete=models.CASCADE, related_name="transitions")
    old = models.CharField(max_length=16, choices=TicketStatus.choices)
    new = models.CharField(max_length=16, choices=TicketStatus.choices)
    reason = models.CharField(max_length=64, blank=True)
    actor = models.CharField(max_length=32)  # browser, phone, sweeper, reader
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.old} → {self.new} ({self.actor})"


class TryLoginGrant(models.Model):
    """A one-time permission the console made for one staff member to Try login one application.
    The grant itself is signed and handed over in the URL; only the hash of its nonce is kept."""

    pool = models.ForeignKey(UserPool, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    nonce_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"try-login grant for {self.application_id} ({'used' if self.used_at else 'unused'})"


FUNNEL_STAGES = (TicketStatus.PENDING, TicketStatus.SCANNED, TicketStatus.CONFIRMED, TicketStatus.CONSUMED)
STAGE_SHARDS = 8


class TicketStageDay(models.Model):
    """How many of a pool's tickets reached each funnel stage on a day (created = pending).

    Tickets themselves are purged after QR_TICKET_RETENTION (7 days), and login events are
    written only for outcomes (a code nobody scanned leaves none), so a 30-day funnel needs its
    own record: these counters, incremented in the transaction of the transition itself
    (hostedlogin/tickets.py), so a count never exists without its transition and vice versa.
    Each increment lands on one of STAGE_SHARDS rows picked at random, so concurrent logins of
    one pool do not queue on a single row lock; readers sum the shards. `day` is the date in
    the server's time zone (TIME_ZONE) when the ticket reached the stage.
    """

    pool = models.ForeignKey(UserPool, on_delete=models.CASCADE, related_name="+", db_index=False)  # the unique key leads with it
    day = models.DateField()
    stage = models.CharField(max_length=16, choices=TicketStatus.choices)
    shard = models.PositiveSmallIntegerField(default=0)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pool", "day", "stage", "shard"], name="ticketstageday_unique")]

    def __str__(self):
        return f"{self.day} {self.stage}: {self.count}"


class WeChatFailureDay(models.Model):
    """How many WeChat calls of a pool's logins failed on a day, per connection, call and errcode.

    Written where the scan flow sees a failure (`ticket_wechat_failure`), next to the login event
    of that failure, which names neither the call nor (for a spent budget) an errcode. errcode 0
    stands for ScanLogin's own spent budget (WECHAT_QUOTA, 503 wechat_quota_exhausted); -1 for
    WeChat busy, unreachable or answering garbage. `connection` is the connection's identifier
    (it never changes), so the history outlives the connection.
    """

    pool = models.ForeignKey(UserPool, on_delete=models.CASCADE, related_name="+", db_index=False)  # the unique key leads with it
    day = models.DateField()
    connection = models.CharField(max_length=31)
    api = models.CharField(max_length=32)
    errcode = models.IntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pool", "day", "connection", "api", "errcode"],
                                               name="wechatfailureday_unique")]

    def __str__(self):
        return f"{self.day} {self.api} {self.errcode}: {self.count}"
