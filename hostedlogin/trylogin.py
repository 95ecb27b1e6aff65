"""Try login: console staff of a pool run the real login of one application and see its result.

Only a one-time grant made by the console turns a hosted login into a Try login: a value signed
with django.core.signing (its own salt) naming the pool, the application and a random nonce, whose
row (TryLoginGrant, the nonce's hash, the staff member) is used once and lives GRANT_MAX_AGE
seconds. Opening the login page with it lets this browser's session try that application for
TRY_SESSION_SECONDS (the page's "refresh code" makes new tickets); only tickets such a browser
creates are in try mode (`LoginTicket.try_mode`: the success page with the ID token preview, and
WeChat error details). Without a valid grant `try` is ignored and the login is a normal one.
"""
import secrets
import time
from datetime import timedelta

from django.core import signing
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from connections.wechat.hints import errcode_of, wechat_hint
from scanlogin.hashing import sha256_hex
from tenants.models import Role
from tenants.selectors import role_for_staff

from .models import TryLoginGrant

SALT = "scanlogin.hostedlogin.try-login"
GRANT_MAX_AGE = 300
TRY_SESSION_SECONDS = 15 * 60
SESSION_KEY = "try_login"
TRY_ROLES = (Role.ADMIN, Role.OPERATOR)


def staff_may_try(staff, pool) -> bool:
    """Pool admins and operators (and superusers) may press "Try login"."""
    return staff.is_active and staff.is_staff and role_for_staff(staff, pool) in TRY_ROLES


def try_grant_issue(*, staff, application) -> str:
    """A one-time grant for `staff` to Try login `application` (the caller checked staff_may_try)."""
    nonce = secrets.token_urlsafe(24)
    TryLoginGrant.objects.create(pool_id=application.pool_id, application=application, staff=staff,
                                 nonce_hash=sha256_hex(nonce), expires_at=timezone.now() + timedelta(seconds=GRANT_MAX_AGE))
    return signing.dumps({"p": application.pool_id, "a": application.pk, "n": nonce}, salt=SALT, compress=True)


def _grant_nonce(value: str, application) -> str | None:
    if not value or len(value) > 500:
        return None
    try:
        data = signing.loads(value, salt=SALT, max_age=GRANT_MAX_AGE)
    except signing.BadSignature:
        return None
    ok = isinstance(data, dict) and data.get("p") == application.pool_id and data.get("a") == application.pk
    return str(data.get("n")) if ok else None


def try_grant_redeem(request, *, application, value: str) -> bool:
    """Use the grant `value` (the login page's `try` parameter) once. On success this browser's
    session may Try login the application; False (and nothing changed) for anything else."""
    nonce = _grant_nonce(value, application)
    if nonce is None:
        return False
    now = timezone.now()
    grant = TryLoginGrant.objects.select_related("staff").filter(
        nonce_hash=sha256_hex(nonce), application=application, used_at__isnull=True, expires_at__gt=now).first()
    if grant is None or not staff_may_try(grant.staff, application.pool):
        return False
    if not TryLoginGrant.objects.filter(pk=grant.pk, used_at__isnull=True).update(used_at=now):
        return False  # a concurrent request used it first
    request.session[SESSION_KEY] = {"app": application.pk, "staff": grant.staff_id, "until": int(time.time()) + TRY_SESSION_SECONDS}
    return True


def try_allowed(request, *, application) -> bool:
    """This browser's session redeemed a grant for the application a short while ago."""
    data = request.session.get(SESSION_KEY)
    return isinstance(data, dict) and data.get("app") == application.pk and data.get("until", 0) > time.time()


def try_mode_for_page(request, *, application) -> bool:
    """The login page's decision: `try` was asked for, and a grant was redeemed now or before."""
    value = request.GET.get("try", "")
    return bool(value) and (try_grant_redeem(request, application=application, value=value) or try_allowed(request, application=application))


def try_grants_purge(*, retention_seconds: int = 24 * 3600) -> int:
    """Delete grants that expired more than `retention_seconds` ago."""
    cutoff = timezone.now() - timedelta(seconds=retention_seconds)
    return TryLoginGrant.objects.filter(expires_at__lt=cutoff).delete()[0]


def try_login_detail(ticket, exc) -> dict:
    """What a Try login shows of a WeChat failure (staff only: the ticket is in try mode):
    {"api", "errcode" (None when WeChat gave none), "hint" (what it means and what to fix),
    "connection_url" (the connection's page in the console, where it is fixed)}."""
    detail = {"api": exc.api, "errcode": errcode_of(exc),
              "hint": wechat_hint(exc, private=ticket.connection.private_deployment)}
    try:
        detail["connection_url"] = reverse("console:connections_connection_change", args=[ticket.connection_id])
    except NoReverseMatch:  # a deployment without the console
        pass
    return detail
