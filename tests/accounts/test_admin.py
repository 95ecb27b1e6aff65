"""The console lists end users, identities and login events of the staff user's pools only."""
import pytest
from django.test import Client

from accounts.services import end_user_create, identity_link, login_event_record
from tests.fixtures.core import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(pool, other_pool, connection, other_connection):
    mine = end_user_create(pool=pool, phone="+8613800000001", nickname="Mine")
    theirs = end_user_create(pool=other_pool, phone="+8613800000002", nickname="Theirs")
    identity_link(user=mine, connection=connection, app_id="wx00000000000000d0", openid="o-mine")
    identity_link(user=theirs, connection=other_connection, app_id="wx00000000000000d0", openid="o-theirs")
    login_event_record(pool=pool, outcome="created", user=mine, reason="mine-event")
    login_event_record(pool=other_pool, outcome="created", user=theirs, reason="theirs-event")
    return mine, theirs


def _client(user):
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


@pytest.mark.parametrize("path, mine, theirs", [
    ("/console/accounts/enduser/", "+8613800000001", "+8613800000002"),
    ("/console/accounts/identity/", "o-mine", "o-theirs"),
    ("/console/accounts/loginevent/", "mine-event", "theirs-event"),
])
def test_staff_see_their_pool_only(admin, outsider, data, path, mine, theirs):
    page = _client(admin).get(path).content.decode()
    assert mine in page and theirs not in page
    page = _client(outsider).get(path).content.decode()
    assert theirs in page and mine not in page


def test_another_pools_end_user_is_404(outsider, data):
    mine, _ = data
    response = _client(outsider).get(f"/console/accounts/enduser/{mine.pk}/change/")
    assert response.status_code == 404
    assert b"+8613800000001" not in response.content
    assert _client(outsider).get(f"/console/accounts/enduser/{mine.pk}/history/").status_code == 404


def test_an_operator_sees_end_users_but_cannot_change_them(operator, data):
    mine, _ = data
    c = _client(operator)
    assert "+8613800000001" in c.get("/console/accounts/enduser/").content.decode()
    assert c.post(f"/console/accounts/enduser/{mine.pk}/delete/", {"post": "yes"}).status_code == 403
    assert mine.__class__.objects.filter(pk=mine.pk).exists()


def test_the_end_user_page_shows_identities_and_events(admin, data):
    mine, _ = data
    page = _client(admin).get(f"/console/accounts/enduser/{mine.pk}/change/").content.decode()
    assert "o-mine" in page and "Signed up" in page
