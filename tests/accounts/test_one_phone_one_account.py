"""One account per verified phone in a pool: the index, the pipeline's refusal or link, the race, the phone flow."""
import threading

import pytest
from django.db import IntegrityError, connections, transaction

from accounts import pipeline
from accounts.models import EndUser, Identity, LoginEvent, LoginOutcome
from accounts.pipeline import BindRequired, LoginContext, Refused
from accounts.services import end_user_create, identity_link
from connections.services import connection_update
from hostedlogin.models import LoginTicket, TicketStatus
from wechatsim.testing import sim_user

APP = "wx00000000000000d0"
PHONE = "+8613800138000"


def _ctx(pool, connection, openid):
    return LoginContext(pool=pool, connection=connection, app_id=APP, openid=openid, phone=PHONE)


def _outcome(ctx):
    try:
        return pipeline.resolve(ctx).outcome
    except Refused as exc:
        return f"refused:{exc.reason}"
    except BindRequired:
        return "bind"


@pytest.fixture
def owner(pool, connection):
    user = end_user_create(pool=pool, phone=PHONE, phone_verified=True, username="owner", password="pw-123456")
    identity_link(user=user, connection=connection, app_id="wx00000000000000d1", openid="o-owner")
    return user


@pytest.mark.django_db
def test_the_database_refuses_a_second_account_with_the_verified_phone(pool, other_pool, owner):
    with pytest.raises(IntegrityError), transaction.atomic():
        EndUser.objects.create(pool=pool, phone=PHONE, phone_verified=True)
    EndUser.objects.create(pool=pool, phone=PHONE, phone_verified=False)  # unverified numbers may repeat
    EndUser.objects.create(pool=other_pool, phone=PHONE, phone_verified=True)  # another pool is another world
    assert EndUser.objects.filter(pool=pool, phone=PHONE, phone_verified=True).get() == owner


@pytest.mark.django_db
@pytest.mark.parametrize("linking, fields, ask_bind, expected", [
    (False, [], False, "refused:phone_in_use"),
    (True, ["phone"], False, LoginOutcome.MATCHED),
    (True, [], True, "bind"),
    (True, ["phone"], True, LoginOutcome.MATCHED),
])
def test_a_phone_that_has_an_account_is_linked_or_refused_never_duplicated(pool, connection, owner, linking, fields,
                                                                             ask_bind, expected):
    connection_update(connection=connection, linking_enabled=linking, link_match_fields=fields, link_ask_bind=ask_bind)
    assert _outcome(_ctx(pool, connection, "o-new")) == expected
    assert EndUser.objects.filter(pool=pool).count() == 1
    if expected == LoginOutcome.MATCHED:
        assert Identity.objects.get(openid="o-new").user == owner


@pytest.mark.django_db
def test_a_second_wechat_of_the_same_mini_program_is_refused_even_with_phone_matching(pool, connection, owner):
    """A recycled number must not hand the account to a new WeChat user silently."""
    connection_update(connection=connection, linking_enabled=True, link_match_fields=["phone"])
    identity_link(user=owner, connection=connection, app_id=APP, openid="o-first")
    assert _outcome(_ctx(pool, connection, "o-second")) == "refused:phone_in_use"
    assert not Identity.objects.filter(openid="o-second").exists()


@pytest.mark.django_db
def test_creating_a_new_account_from_the_bind_step_is_refused_for_a_phone_in_use(pool, connection, owner):
    connection_update(connection=connection, linking_enabled=True, link_ask_bind=True)
    ctx = _ctx(pool, connection, "o-new")
    with pytest.raises(Refused) as exc:
        pipeline.resume_create(ctx)
    assert exc.value.reason == "phone_in_use"
    assert pipeline.resume_bind(ctx, owner).user == owner  # binding it is the way


@pytest.mark.django_db
def test_binding_to_a_merged_account_lands_on_its_survivor(pool, connection, owner):
    from accounts.services import end_user_merge

    old = end_user_create(pool=pool, username="old", password="pw-123456")
    end_user_merge(user=old, into=owner)
    old.refresh_from_db()
    assert pipeline.resume_bind(_ctx(pool, connection, "o-new"), old).user == owner


def _race(pool, connection, openids):
    """Resolve several first logins with one phone at once, each on its own thread and connection.

    A barrier holds every thread just before it would insert the account, so all of them have
    already seen no owner of the phone: only the unique index can keep them apart.
    """
    barrier, results = threading.Barrier(len(openids)), {}

    class HoldBeforeCreate:
        def __init__(self):
            self.first = True

        def __call__(self, ctx):
            if self.first:
                self.first = False
                barrier.wait(timeout=20)
            return pipeline.create_user(ctx)

    def worker(openid):
        steps = [*pipeline.STEPS[:-1], HoldBeforeCreate()]
        try:
            with transaction.atomic():
                res = pipeline.resolve(_ctx(pool, connection, openid), steps)
                results[openid] = (res.outcome, res.user.pk)
        except Refused as exc:
            results[openid] = (f"refused:{exc.reason}", None)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(o,)) for o in openids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_sign_ups_with_one_phone_at_once_make_one_account(pool, connection):
    results = _race(pool, connection, ["o-a", "o-b"])
    assert sorted(outcome for outcome, _ in results.values()) == [LoginOutcome.CREATED, "refused:phone_in_use"]
    assert EndUser.objects.filter(pool=pool, phone=PHONE).count() == 1
    assert Identity.objects.filter(pool=pool).count() == 1


@pytest.mark.django_db(transaction=True)
def test_with_phone_matching_the_loser_of_the_race_is_not_a_second_account(pool, connection):
    """The loser's second run finds the winner's account by phone, with the winner's identity of this
    mini-program already on it (committed together): a second WeChat of one mini-program → refused."""
    connection_update(connection=connection, linking_enabled=True, link_match_fields=["phone"])
    results = _race(pool, connection, ["o-a", "o-b"])
    assert sorted(outcome for outcome, _ in results.values()) == [LoginOutcome.CREATED, "refused:phone_in_use"]
    assert EndUser.objects.filter(pool=pool, phone=PHONE).count() == 1


# --- over HTTP: the phone gets 403 phone_in_use, the browser the reason, the log an event --------------

@pytest.mark.django_db
def test_confirm_answers_phone_in_use_and_the_browser_shows_it(browser, phone, wechat_sim, existing_user, pool):
    someone_else = sim_user(wechat_sim, "13800138000", nickname="Not Lin")  # same phone, another WeChat
    ticket = browser.new_ticket()
    refused = phone.scan_and_confirm(ticket, someone_else)
    assert refused.status_code == 403
    body = refused.json()
    assert body["error"] == "phone_in_use" and "before" in body["message"]
    status = browser.status(ticket.key).json()
    assert status["status"] == "rejected" and status["reason"] == "phone_in_use"
    assert LoginTicket.objects.get(pk=ticket.pk).status == TicketStatus.REJECTED
    event = LoginEvent.objects.get(pool=pool)
    assert (event.outcome, event.reason) == (LoginOutcome.REFUSED, "phone_in_use")
    assert EndUser.objects.filter(pool=pool).count() == 1


@pytest.mark.django_db
def test_confirm_message_is_translated(browser, phone, wechat_sim, existing_user):
    someone_else = sim_user(wechat_sim, "13800138000")
    ticket = browser.new_ticket()
    scanned = phone.scan(ticket, someone_else)
    refused = phone.client.post("/api/miniprogram/confirm", {"scan_token": scanned.json()["scan_token"],
                                                              "phone_code": phone.phone_code(someone_else)},
                                content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.json()["error"] == "phone_in_use" and "手机号" in refused.json()["message"]
