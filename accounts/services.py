"""Writes for end users, their identities and the login event log (scan flow, console, management API)."""
import secrets
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from connections.models import Connection
from scanlogin import metrics
from scanlogin.errors import ServiceError
from scanlogin.queries import insert_row, update_where
from tenants.models import UserPool

from .models import AccountAudit, AccountChange, EndUser, Identity, LoginEvent
from .regions import region_for_ip


@transaction.atomic
def end_user_create(*, pool, phone: str = "", phone_verified: bool = False, nickname: str = "",
                    username: str = "", email: str = "", password: str | None = None) -> EndUser:
    user = EndUser(pool=pool, phone=phone, phone_verified=phone_verified, nickname=nickname, username=username, email=email)
    user.set_password(password)
    # Not validated: the random `sub` (unique in the database anyway), and, without a username, the
    # pool (a saved instance) and the username rule: saves three queries on every WeChat sign-up.
    user.full_clean(exclude=["password", "sub", *([] if username else ["pool", "username"])])
    return insert_row(user)


def identity_link(*, user: EndUser, connection, app_id: str, openid: str, unionid: str = "", profile=None) -> Identity:
    """Link a WeChat identity (AppID + openid) to user; unique per pool, so a second link fails."""
    return insert_row(Identity(
        pool_id=user.pool_id, user=user, connection=connection, app_id=app_id, openid=openid,
        unionid=unionid or "", profile=profile or {},
    ))


def identity_touch(identity: Identity, *, unionid: str = "") -> None:
    fields = {"last_seen_at": timezone.now()}
    if unionid and not identity.unionid:
        fields["unionid"] = unionid
    update_where(Identity, fields, id=identity.pk)


def end_user_mark_login(user: EndUser) -> None:
    update_where(EndUser, {"last_login_at": timezone.now()}, id=user.pk)


@lru_cache(maxsize=1)
def _dummy_hash(hasher_key: str) -> str:
    """A hash of a random password made by the current default hasher (per hasher setting), checked
    whenever there is no real hash to check, so that case costs the same work as a real check."""
    return make_password(secrets.token_urlsafe(24))


def end_user_authenticate(*, pool, login: str, password: str) -> EndUser | None:
    """The pool's end user whose username, phone or email is `login` and whose password matches.

    More than one account answering to `login` is refused rather than guessed. Exactly one password
    hash is checked whether or not such an account exists or has a password (a fixed dummy hash
    stands in), so the time taken says nothing about which accounts exist.
    """
    login = (login or "").strip()
    if not login or not password:
        return None
    candidates = list(EndUser.objects.filter(pool=pool).filter(Q(username=login) | Q(phone=login) | Q(email__iexact=login))[:2])
    user = candidates[0] if len(candidates) == 1 and candidates[0].password else None
    matches = check_password(password, user.password if user else _dummy_hash(repr(settings.PASSWORD_HASHERS)))
    return user if user is not None and matches else None


def login_event_record(*, pool, outcome: str, connection=None, application=None, user=None, reason: str = "",
                       ip: str | None = None, user_agent: str = "") -> LoginEvent:
    """Write a login event; the IP's region is looked up now and kept with it."""
    event = insert_row(LoginEvent(**login_event_fields(
        pool_id=pool.pk, user=user, connection=connection, application=application, outcome=outcome,
        reason=reason, ip=ip, user_agent=user_agent,
    )))
    _count_logins([(pool.slug, connection.identifier if connection else "", outcome)])
    return event


def login_events_record_many(rows: list[dict]) -> list[LoginEvent]:
    """Write many login events in one INSERT (rows as for login_event_fields, with ids: pool_id, connection_id, …)."""
    events = LoginEvent.objects.bulk_create([LoginEvent(**login_event_fields(**row)) for row in rows])
    if events:
        pools = dict(UserPool.objects.filter(pk__in={e.pool_id for e in events}).values_list("pk", "slug"))
        conns = dict(Connection.objects.filter(pk__in={e.connection_id for e in events if e.connection_id})
                     .values_list("pk", "identifier"))
        _count_logins([(pools.get(e.pool_id, ""), conns.get(e.connection_id, ""), e.outcome) for e in events])
    return events


def _count_logins(outcomes: list[tuple[str, str, str]]) -> None:
    """scanlogin_logins_total{pool, connection, outcome}: counted once the events are committed."""
    def count():
        for pool, connection, outcome in outcomes:
            metrics.LOGINS.labels(pool, connection, str(outcome)).inc()
    transaction.on_commit(count)


def login_event_fields(*, ip: str | None, reason: str = "", user_agent: str = "", **fields) -> dict:
    """A login event's columns (also for bulk writes): reason and agent cut to size, the IP's region."""
    return {**fields, "reason": (reason or "")[:64], "ip": ip or None, "region": region_for_ip(ip),
            "user_agent": (user_agent or "")[:300]}


def end_user_set_blocked(*, user: EndUser, blocked: bool) -> bool:
    """Block or unblock an end user (idempotent). True if the flag changed.

    A blocked user's next scan is rejected (`user_blocked`); existing sessions are the hosted
    login's concern.
    """
    changed = EndUser.objects.filter(pk=user.pk, blocked=not blocked).update(blocked=blocked, updated_at=timezone.now())
    user.blocked = blocked
    return changed == 1


@transaction.atomic
def identity_unlink(*, identity: Identity) -> None:
    """Remove a WeChat identity from its user: the next scan with it resolves afresh."""
    identity.delete()


def _rows_pointing_at_users():
    """Every foreign key to EndUser, found by the model registry (so accounts needs no import of
    the layers above it: OIDC codes and tokens, tickets, ...), except the account's own history of
    changes and the merge link itself, which stay where they are."""
    for rel in EndUser._meta.get_fields(include_hidden=True):  # hidden: OIDC's related_name="+"
        if rel.one_to_many and rel.auto_created and rel.related_model not in (EndUser, AccountAudit):
            yield rel.related_model, rel.field.name


def _merge_refusal(user: EndUser, into: EndUser) -> ServiceError | None:
    if user.pk == into.pk:
        return ServiceError("merge_same_user", 400, _("An account cannot be merged into itself."))
    if user.pool_id != into.pool_id:
        return ServiceError("user_not_found", 404, _("No such user."))
    if user.merged_into_id or into.merged_into_id:
        return ServiceError("already_merged", 409, _("One of these accounts was already merged into another."))
    return None


@transaction.atomic
def end_user_merge(*, user: EndUser, into: EndUser, actor: str = "") -> EndUser:
    """Merge `user` into `into` (the survivor), in one transaction, and return the survivor.

    Everything that points at `user` moves to the survivor: WeChat identities (so the next scan
    lands there), login history, OIDC codes and tokens, tickets. `user` is blocked, points at the
    survivor (`merged_into`) and loses its verified phone; the survivor takes that phone when it has
    none verified. Both get an AccountAudit row saying what moved. Raises ServiceError.
    """
    users = {u.pk: u for u in EndUser.objects.select_for_update().filter(pk__in=[user.pk, into.pk])}
    user, into = users.get(user.pk, user), users.get(into.pk, into)
    refusal = _merge_refusal(user, into)
    if refusal:
        raise refusal
    moved = {}
    for model, field in _rows_pointing_at_users():
        count = model._default_manager.filter(**{field: user}).update(**{field: into})
        if count:
            moved[model._meta.label_lower] = count
    _merge_profile(user, into)
    detail = {"moved": moved}
    AccountAudit.objects.create(pool_id=user.pool_id, user=user, change=AccountChange.MERGED_AWAY, actor=actor[:150],
                                detail={"into": str(into.sub), **detail})
    AccountAudit.objects.create(pool_id=into.pool_id, user=into, change=AccountChange.MERGED_IN, actor=actor[:150],
                                detail={"from": str(user.sub), **detail})
    return into


def _merge_profile(user: EndUser, into: EndUser) -> None:
    """The merged account is switched off; the survivor keeps its own profile and gains what it lacks."""
    phone, verified = user.phone, user.phone_verified
    now = timezone.now()
    EndUser.objects.filter(pk=user.pk).update(merged_into=into, blocked=True, phone_verified=False, updated_at=now)
    user.merged_into, user.blocked, user.phone_verified = into, True, False
    fields = {"updated_at": now}
    if verified and not into.phone_verified:  # the unique index allows it now that `user` dropped it
        fields.update(phone=phone, phone_verified=True)
    for name in ("nickname", "avatar"):
        if not getattr(into, name) and getattr(user, name):
            fields[name] = getattr(user, name)
    if user.last_login_at and (into.last_login_at is None or user.last_login_at > into.last_login_at):
        fields["last_login_at"] = user.last_login_at
    EndUser.objects.filter(pk=into.pk).update(**fields)
    for name, value in fields.items():
        setattr(into, name, value)

