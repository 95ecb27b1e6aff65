"""Merging two accounts: the service, the management API and the console action."""
import pytest
from django.test import Client

from accounts.models import AccountAudit, AccountChange, EndUser, Identity, LoginEvent, LoginOutcome
from accounts.services import end_user_create, end_user_merge, identity_link
from oidc.models import OAuthToken
from scanlogin.errors import ServiceError
from tests.api.helpers import assert_error

pytestmark = pytest.mark.django_db
PHONE = "+8613912345678"


@pytest.fixture
def pair(pool, connection, application):
    """Two accounts of one person: `keep` (verified phone) and `dup` (the number left unverified)."""
    keep = end_user_create(pool=pool, phone=PHONE, phone_verified=True, nickname="Keep")
    dup = end_user_create(pool=pool, phone=PHONE, phone_verified=False, nickname="Dup")
    identity_link(user=dup, connection=connection, app_id="wx00000000000000d0", openid="o-dup")
    LoginEvent.objects.create(pool=pool, user=dup, connection=connection, application=application, outcome=LoginOutcome.CREATED)
    OAuthToken.objects.create(pool=pool, application=application, user=dup, access_token_hash="a" * 64, scope="openid",
                              issued_at=0, expires_in=3600)
    return keep, dup


def test_everything_moves_to_the_survivor_and_the_other_is_switched_off(pair):
    keep, dup = pair
    assert end_user_merge(user=dup, into=keep, actor="test") == keep
    dup.refresh_from_db()
    assert dup.merged_into == keep and dup.blocked and not dup.phone_verified
    assert Identity.objects.get(openid="o-dup").user == keep
    assert LoginEvent.objects.get().user == keep
    assert OAuthToken.objects.get().user == keep
    changes = {a.user_id: (a.change, a.actor) for a in AccountAudit.objects.all()}
    assert changes == {dup.pk: (AccountChange.MERGED_AWAY, "test"), keep.pk: (AccountChange.MERGED_IN, "test")}
    assert AccountAudit.objects.get(user=keep).detail["moved"]["accounts.identity"] == 1


def test_the_survivor_takes_the_verified_phone_it_lacks(pool):
    verified = end_user_create(pool=pool, phone=PHONE, phone_verified=True)
    other = end_user_create(pool=pool, username="typed")
    end_user_merge(user=verified, into=other)
    other.refresh_from_db()
    assert (other.phone, other.phone_verified) == (PHONE, True)
    assert EndUser.objects.filter(pool=pool, phone=PHONE, phone_verified=True).get() == other


@pytest.mark.parametrize("case, code", [("same", "merge_same_user"), ("twice", "already_merged"), ("pools", "user_not_found")])
def test_refusals_write_nothing(pair, other_pool, case, code):
    keep, dup = pair
    if case == "same":
        args = {"user": dup, "into": dup}
    elif case == "twice":
        end_user_merge(user=dup, into=keep)
        args = {"user": dup, "into": keep}
    else:
        args = {"user": dup, "into": end_user_create(pool=other_pool, nickname="elsewhere")}
    audits = AccountAudit.objects.count()
    with pytest.raises(ServiceError) as exc:
        end_user_merge(**args)
    assert exc.value.code == code
    assert AccountAudit.objects.count() == audits


# --- management API ----------------------------------------------------------------------------

def url(user):
    return f"/api/v1/users/{user.sub}/merge"


def test_api_merges(api_client, pair):
    keep, dup = pair
    response = api_client.post(url(dup), {"into": str(keep.sub)}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["sub"] == str(keep.sub) and len(response.json()["identities"]) == 1
    assert api_client.get(f"/api/v1/users/{dup.sub}").json()["merged_into"] == str(keep.sub)
    assert_error(api_client.post(url(dup), {"into": str(keep.sub)}, format="json"), 409, "already_merged")


def test_api_bad_input_is_a_4xx_json(api_client, pair):
    keep, dup = pair
    assert_error(api_client.post(url(dup), {}, format="json"), 400, "validation_error")
    assert_error(api_client.post(url(dup), {"into": "not-a-uuid"}, format="json"), 400, "validation_error")
    assert_error(api_client.post(url(dup), {"into": str(keep.sub), "extra": 1}, format="json"), 400, "validation_error")
    assert_error(api_client.post(url(dup), {"into": str(dup.sub)}, format="json"), 400, "merge_same_user")
    assert_error(api_client.post(url(dup), {"into": "00000000-0000-4000-8000-000000000000"}, format="json"), 404, "not_found")
    assert not EndUser.objects.get(pk=dup.pk).merged_into_id


def test_api_is_pool_scoped_and_admin_only(api_client, other_api_client, operator_client, pair, other_pool):
    keep, dup = pair
    stranger = end_user_create(pool=other_pool, nickname="elsewhere")
    assert_error(api_client.post(url(dup), {"into": str(stranger.sub)}, format="json"), 404, "not_found")
    assert_error(other_api_client.post(url(dup), {"into": str(keep.sub)}, format="json"), 404, "not_found")
    assert_error(operator_client.post(url(dup), {"into": str(keep.sub)}, format="json"), 403, "permission_denied")
    assert not EndUser.objects.get(pk=dup.pk).merged_into_id


def test_api_schema_documents_the_merge(api_client):
    schema = api_client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    op = schema["paths"]["/api/v1/users/{sub}/merge"]["post"]
    assert op["operationId"] == "users_merge" and {"200", "400", "404", "409"} <= set(op["responses"])


# --- console -------------------------------------------------------------------------------------

def _console(staff):
    client = Client()
    client.force_login(staff)
    return client


def test_console_lists_accounts_sharing_a_phone(admin, pair, pool):
    keep, dup = pair
    alone = end_user_create(pool=pool, phone="+8613000000000", phone_verified=True, nickname="Alone")
    page = _console(admin).get("/console/accounts/enduser/?phone_shared=yes", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Accounts sharing a phone" in page
    assert "Keep" in page and "Dup" in page and "Alone" not in page
    assert alone.pk


def test_console_merge_action_asks_which_account_stays_then_merges(admin, pair):
    keep, dup = pair
    client = _console(admin)
    ids = {"action": "merge_accounts", "_selected_action": [keep.pk, dup.pk]}
    page = client.post("/console/accounts/enduser/", ids, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and 'name="survivor"' in page.content.decode()
    done = client.post("/console/accounts/enduser/", {**ids, "confirm": "yes", "survivor": keep.pk}, follow=True,
                       HTTP_ACCEPT_LANGUAGE="en")
    assert "was merged into" in done.content.decode()
    dup.refresh_from_db()
    assert dup.merged_into == keep and AccountAudit.objects.get(user=dup).actor == "console alice"


def test_console_merge_needs_exactly_two_and_a_pool_admin(admin, operator, pair, pool):
    keep, dup = pair
    third = end_user_create(pool=pool, nickname="Third")
    refused = _console(admin).post("/console/accounts/enduser/", {"action": "merge_accounts",
                                   "_selected_action": [keep.pk, dup.pk, third.pk]}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Select exactly two accounts" in refused.content.decode()
    by_operator = _console(operator).post("/console/accounts/enduser/", {"action": "merge_accounts", "confirm": "yes",
                                          "_selected_action": [keep.pk, dup.pk], "survivor": keep.pk})
    assert by_operator.status_code in (200, 302, 403)
    assert not EndUser.objects.get(pk=dup.pk).merged_into_id


def test_console_merge_cannot_reach_another_pool(admin, pair, other_pool):
    keep, _dup = pair
    stranger = end_user_create(pool=other_pool, nickname="elsewhere")
    _console(admin).post("/console/accounts/enduser/", {"action": "merge_accounts", "confirm": "yes",
                         "_selected_action": [keep.pk, stranger.pk], "survivor": keep.pk})
    assert not EndUser.objects.get(pk=stranger.pk).merged_into_id and AccountAudit.objects.count() == 0
