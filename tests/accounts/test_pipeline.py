"""Identity resolution: each step alone, then the whole chain over a matrix of connection settings."""
import pytest

from accounts import pipeline
from accounts.models import EndUser, Identity, LoginOutcome
from accounts.pipeline import BindRefused, BindRequired, LoginContext, Refused
from accounts.services import end_user_authenticate, end_user_create, identity_link
from connections.services import connection_update

pytestmark = pytest.mark.django_db
APP = "wx00000000000000d0"
PHONE = "+8613800138000"


@pytest.fixture
def ctx(pool, connection):
    return LoginContext(pool=pool, connection=connection, app_id=APP, openid="o-new", unionid="u-1", phone=PHONE)


@pytest.fixture
def known(pool, connection):
    user = end_user_create(pool=pool, phone=PHONE, phone_verified=True, username="known", password="pw-123456")
    identity_link(user=user, connection=connection, app_id=APP, openid="o-known", unionid="u-known")
    return user


@pytest.fixture
def phone_owner(pool):
    return end_user_create(pool=pool, phone=PHONE, phone_verified=True, username="owner", password="pw-123456")


def test_find_by_identity(ctx, known):
    assert pipeline.find_by_identity(ctx) is None
    ctx.openid = "o-known"
    assert pipeline.find_by_identity(ctx).user == known


def test_find_by_identity_is_scoped_to_the_pool(other_pool, connection, known):
    ctx = LoginContext(pool=other_pool, connection=connection, app_id=APP, openid="o-known")
    assert pipeline.find_by_identity(ctx) is None


def test_find_by_unionid(ctx, known):
    assert pipeline.find_by_unionid(ctx) is None
    ctx.unionid = "u-known"
    found = pipeline.find_by_unionid(ctx)
    assert found.user == known and found.identity is None  # a new identity for this AppID will be linked


def test_match_fields_needs_linking_and_a_verified_phone(ctx, connection, pool, phone_owner):
    assert pipeline.match_fields(ctx) is None  # linking off
    connection_update(connection=connection, linking_enabled=True, link_match_fields=["phone"])
    assert pipeline.match_fields(ctx).user == phone_owner
    EndUser.objects.filter(pk=phone_owner.pk).update(phone_verified=False)
    assert pipeline.match_fields(ctx) is None  # an unverified phone is never trusted


def test_match_fields_ignores_an_account_with_the_number_unverified(ctx, connection, pool, phone_owner):
    connection_update(connection=connection, linking_enabled=True, link_match_fields=["phone"])
    end_user_create(pool=pool, phone=PHONE, phone_verified=False, username="twin")  # a verified twin cannot exist
    assert pipeline.match_fields(ctx).user == phone_owner


def test_match_fields_links_an_account_whose_identity_is_of_another_mini_program(ctx, connection, known):
    """The connection moved to another mini-program: the person comes back with a new openid."""
    connection_update(connection=connection, linking_enabled=True, link_match_fields=["phone"])
    ctx.app_id, ctx.unionid = "wx00000000000000e1", ""
    assert pipeline.match_fields(ctx).user == known
    ctx.app_id = APP  # a second WeChat account of the same mini-program is not linked silently
    assert pipeline.match_fields(ctx) is None


def test_create_user_refuses_a_phone_that_has_an_account(ctx, phone_owner):
    with pytest.raises(Refused) as exc:
        pipeline.create_user(ctx)
    assert exc.value.reason == "phone_in_use"
    assert EndUser.objects.count() == 1
    ctx.phone = "+8613900000001"
    assert pipeline.create_user(ctx).outcome == LoginOutcome.CREATED


def test_ask_bind_pauses_only_when_chosen(ctx, connection):
    assert pipeline.ask_bind(ctx) is None
    connection_update(connection=connection, linking_enabled=True, link_ask_bind=True)
    with pytest.raises(BindRequired):
        pipeline.ask_bind(ctx)


def test_refuse_login_only(ctx, connection):
    assert pipeline.refuse_login_only(ctx) is None
    connection_update(connection=connection, login_only=True)
    with pytest.raises(Refused) as exc:
        pipeline.refuse_login_only(ctx)
    assert exc.value.reason == "login_only"


def test_create_user_keeps_the_verified_phone(ctx):
    res = pipeline.create_user(ctx)
    assert res.outcome == LoginOutcome.CREATED and res.user.phone == PHONE and res.user.phone_verified


def test_blocked_users_are_refused(ctx, known):
    EndUser.objects.filter(pk=known.pk).update(blocked=True)
    ctx.openid = "o-known"
    with pytest.raises(Refused) as exc:
        pipeline.resolve(ctx)
    assert exc.value.reason == "user_blocked"


def test_resume_bind_refuses_an_account_that_already_has_this_connection(ctx, known):
    with pytest.raises(BindRefused) as exc:
        pipeline.resume_bind(ctx, known)
    assert exc.value.reason == "account_already_bound"


def test_resume_bind_links(ctx, phone_owner):
    res = pipeline.resume_bind(ctx, phone_owner)
    assert res.outcome == LoginOutcome.BOUND and res.identity.user == phone_owner


def test_authenticate_by_username_phone_or_email(pool):
    user = end_user_create(pool=pool, phone=PHONE, username="lin", email="lin@example.com", password="pw-123456")
    for login in ("lin", PHONE, "LIN@example.com"):
        assert end_user_authenticate(pool=pool, login=login, password="pw-123456") == user
    assert end_user_authenticate(pool=pool, login="lin", password="wrong") is None


# The matrix: (login_only, linking, match_fields, ask_bind) × who exists → the outcome.
# "none": nobody; "phone": an account with the verified phone; "identity": the WeChat identity is known.
MATRIX = [
    # login_only, linking, fields, ask_bind, existing, expected
    (False, False, [], False, "none", LoginOutcome.CREATED),
    (False, False, [], False, "phone", "refused:phone_in_use"),  # linking off: never links, never duplicates
    (False, False, [], False, "identity", LoginOutcome.LOGGED_IN),
    (True, False, [], False, "none", "refused:login_only"),
    (True, False, [], False, "phone", "refused:login_only"),
    (True, False, [], False, "identity", LoginOutcome.LOGGED_IN),
    (False, True, ["phone"], False, "phone", LoginOutcome.MATCHED),
    (False, True, ["phone"], False, "none", LoginOutcome.CREATED),
    (True, True, ["phone"], False, "phone", LoginOutcome.MATCHED),
    (True, True, ["phone"], False, "none", "refused:login_only"),
    (False, True, [], True, "none", "bind"),
    (False, True, [], True, "phone", "bind"),
    (False, True, ["phone"], True, "phone", LoginOutcome.MATCHED),  # matching decides before asking
    (False, True, ["phone"], True, "none", "bind"),
    (True, True, ["phone"], True, "none", "bind"),
    (True, True, [], True, "identity", LoginOutcome.LOGGED_IN),
    (False, True, ["phone"], False, "identity", LoginOutcome.LOGGED_IN),
]


@pytest.mark.parametrize("login_only, linking, fields, ask_bind, existing, expected", MATRIX)
def test_resolution_matrix(pool, connection, login_only, linking, fields, ask_bind, existing, expected):
    connection_update(connection=connection, login_only=login_only, linking_enabled=linking, link_match_fields=fields, link_ask_bind=ask_bind)
    if existing in ("phone", "identity"):
        user = end_user_create(pool=pool, phone=PHONE, phone_verified=True, username="someone")
        if existing == "identity":
            identity_link(user=user, connection=connection, app_id=APP, openid="o-1")
    ctx = LoginContext(pool=pool, connection=connection, app_id=APP, openid="o-1", phone=PHONE)
    users_before, identities_before = EndUser.objects.count(), Identity.objects.count()
    try:
        res = pipeline.resolve(ctx)
        got = res.outcome
    except Refused as exc:
        got = f"refused:{exc.reason}"
    except BindRequired:
        got = "bind"
    assert got == expected
    if got.startswith("refused") or got == "bind":  # a refusal or a pause writes nothing
        assert (EndUser.objects.count(), Identity.objects.count()) == (users_before, identities_before)
    else:
        assert Identity.objects.get(pool=pool, app_id=APP, openid="o-1").user == res.user
