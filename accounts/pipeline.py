"""Identity resolution: an ordered chain of small steps over one LoginContext.

Each step either decides (returns a Resolution), pauses the run (raises BindRequired: the hosted
page asks the user to bind an existing account and resumes by the ticket), refuses (raises
Refused), or passes (returns None) to the next step:

    known identity → same unionid in the pool → field matching → ask to bind → login-only
        → create, unless the verified phone already has an account (refused: phone_in_use)

A pool holds at most one account per verified phone (a partial unique index on EndUser): a
WeChat identity whose verified phone belongs to another account is linked to it (field
matching by phone, or ask to bind) or refused with `phone_in_use`, never signed up twice.
"""
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from scanlogin.queries import unique_row_where

from .models import EndUser, Identity, LoginOutcome
from .services import end_user_create, identity_link, identity_touch


class Refused(Exception):
    """The login is refused; `reason` is a stable code (login_only, user_blocked, ...)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class PhoneTaken(Refused):
    """Signing up hit the pool's index on verified phones: the phone has an account (refusal phone_in_use)."""

    def __init__(self):
        super().__init__("phone_in_use")


class BindRequired(Exception):
    """The run pauses: the user must bind an existing account (or create one) on the hosted page."""


@dataclass
class LoginContext:
    pool: object
    connection: object
    app_id: str
    openid: str
    unionid: str = ""
    phone: str = ""  # WeChat-verified, "+<country><number>"
    nickname: str = ""
    application: object = None


@dataclass
class Resolution:
    user: EndUser
    outcome: str
    identity: Identity | None = None  # None: link a new identity for (app_id, openid)


def find_by_identity(ctx: LoginContext) -> Resolution | None:
    """The identity (pool, AppID, openid) is known: its user logs in."""
    identity = unique_row_where(Identity, '"pool_id" = %s AND "app_id" = %s AND "openid" = %s',
                                [ctx.pool.pk, ctx.app_id, ctx.openid], related=("user",))
    return Resolution(identity.user, LoginOutcome.LOGGED_IN, identity) if identity else None


def find_by_unionid(ctx: LoginContext) -> Resolution | None:
    """Another AppID of the same person (same unionid) is known in the pool: same user."""
    if not ctx.unionid:
        return None
    identity = unique_row_where(Identity, '"pool_id" = %s AND "unionid" = %s', [ctx.pool.pk, ctx.unionid],
                                order='"first_seen_at", "id"', related=("user",))
    return Resolution(identity.user, LoginOutcome.LOGGED_IN) if identity else None


def _matches(ctx: LoginContext, name: str):
    # Only WeChat-verified values are matched, and only against verified values, so nobody can
    # pre-register someone else's phone and capture their WeChat login.
    if name == "phone" and ctx.phone:
        return EndUser.objects.filter(pool=ctx.pool, phone=ctx.phone, phone_verified=True)
    return None


def _has_identity_of_this_mini_program(user: EndUser, ctx: LoginContext) -> bool:
    """The account already has a WeChat identity of this AppID: a second WeChat account claiming the
    phone (e.g. a recycled number) is not linked to it silently. An identity of another AppID (the
    connection's previous mini-program) does not count: that is the same person coming back."""
    return user.identities.filter(app_id=ctx.app_id).exists()


def match_fields(ctx: LoginContext) -> Resolution | None:
    """Linking by configured fields: exactly one matching user links; more than one is not guessed."""
    conn = ctx.connection
    if not conn.linking_enabled:
        return None
    for name in conn.link_match_fields or []:
        qs = _matches(ctx, name)
        if qs is None:
            continue
        found = list(qs[:2])
        if len(found) == 1 and not _has_identity_of_this_mini_program(found[0], ctx):
            return Resolution(found[0], LoginOutcome.MATCHED)
    return None


def ask_bind(ctx: LoginContext) -> Resolution | None:
    """Linking with ask-to-bind: pause and let the user prove an existing account on the hosted page."""
    if ctx.connection.linking_enabled and ctx.connection.link_ask_bind:
        raise BindRequired()
    return None


def refuse_login_only(ctx: LoginContext) -> Resolution | None:
    """Login-only connections never sign anybody up."""
    if ctx.connection.login_only:
        raise Refused("login_only")
    return None


def phone_owner(ctx: LoginContext) -> EndUser | None:
    """The account of the pool that already holds this verified phone, if any."""
    if not ctx.phone:
        return None
    return EndUser.objects.filter(pool=ctx.pool, phone=ctx.phone, phone_verified=True).first()


def create_user(ctx: LoginContext) -> Resolution:
    """Sign up: a new end user with the verified phone.

    The pool's unique index on verified phones is the check that the phone has no account yet,
    whether another sign-up is racing this one or not (no query on the way of a sign-up): its
    violation is the refusal `phone_in_use`. The user logs in the way they did before, or the site
    links the accounts.
    """
    try:
        user = end_user_create(pool=ctx.pool, phone=ctx.phone, phone_verified=bool(ctx.phone), nickname=ctx.nickname)
    except IntegrityError:  # end_user_create's savepoint is rolled back: the transaction goes on
        if phone_owner(ctx) is not None:
            raise PhoneTaken() from None
        raise
    return Resolution(user, LoginOutcome.CREATED)


STEPS = [find_by_identity, find_by_unionid, match_fields, ask_bind, refuse_login_only, create_user]


def complete(ctx: LoginContext, resolution: Resolution) -> Resolution:
    """Follow a merged account to its survivor, refuse blocked users, then link and touch the identity."""
    resolution.user = resolution.user.survivor()
    if resolution.user.blocked:
        raise Refused("user_blocked")
    if resolution.identity is None:
        resolution.identity = identity_link(
            user=resolution.user, connection=ctx.connection, app_id=ctx.app_id, openid=ctx.openid, unionid=ctx.unionid
        )
    else:
        identity_touch(resolution.identity, unionid=ctx.unionid)
    return resolution


def resolve(ctx: LoginContext, steps=None) -> Resolution:
    """Run the chain. Raises Refused or BindRequired; writes only inside the caller's transaction.

    Two first logins of one WeChat identity racing to create it: the loser's identity insert hits
    the unique constraint (or, first, the phone index), and a second run finds the winner's
    identity. Two sign-ups of different WeChat identities with one verified phone: the loser's
    second run matches the winner's account by phone, asks to bind, or refuses (`phone_in_use`).
    """
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return complete(ctx, _decide(ctx, steps or STEPS))
        except (IntegrityError, PhoneTaken):
            # The row another login just committed may decide earlier now: the same identity logs
            # in, the phone is matched or bound. Else the second run refuses the same way.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _decide(ctx: LoginContext, steps) -> Resolution:
    for step in steps:
        resolution = step(ctx)
        if resolution is not None:
            return resolution
    raise Refused("no_decision")


class BindRefused(Exception):
    """A bind step cannot finish: `reason` is a stable code shown to the user."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def resume_bind(ctx: LoginContext, user: EndUser) -> Resolution:
    """Resume a paused run: the user proved `user` by signing in; link the identity to it."""
    if user.pool_id != ctx.pool.pk:
        raise BindRefused("invalid_credentials")
    user = user.survivor()
    if user.blocked:
        raise Refused("user_blocked")
    if _has_identity_of_this_mini_program(user, ctx):
        raise BindRefused("account_already_bound")
    with transaction.atomic():
        return complete(ctx, Resolution(user, LoginOutcome.BOUND))


def resume_create(ctx: LoginContext) -> Resolution:
    """Resume a paused run by creating a new account (never on a login-only connection, never for a
    verified phone that already has an account: that one must be bound instead)."""
    refuse_login_only(ctx)
    with transaction.atomic():
        return complete(ctx, create_user(ctx))
