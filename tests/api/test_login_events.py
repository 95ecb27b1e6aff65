"""/api/v1/login-events: filters and cursor pagination."""
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import LoginEvent, LoginOutcome

from .helpers import assert_error

URL = "/api/v1/login-events"


@pytest.fixture
def events(pool, end_user, connection, application):
    from connections.services import connection_create
    from tenants.services import application_create

    other_app, _ = application_create(pool=pool, name="Other app")
    other_conn = connection_create(pool=pool, identifier="second", display_name="Second", callback_url="https://a.example/cb")
    now = timezone.now()
    rows = [
        LoginEvent(pool=pool, user=end_user, connection=connection, application=application, outcome=LoginOutcome.CREATED,
                   created_at=now - timedelta(days=3)),
        LoginEvent(pool=pool, user=end_user, connection=connection, application=application,
                   outcome=LoginOutcome.LOGGED_IN, created_at=now - timedelta(days=2)),
        LoginEvent(pool=pool, connection=other_conn, application=other_app, outcome=LoginOutcome.REFUSED,
                   reason="login_only", created_at=now - timedelta(days=1)),
    ]
    return LoginEvent.objects.bulk_create(rows)


def outcomes(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return [e["outcome"] for e in response.json()["results"]]


def test_newest_first_and_fields(api_client, events, end_user, application):
    body = api_client.get(URL).json()
    assert [e["outcome"] for e in body["results"]] == ["refused", "logged_in", "created"]
    assert body["results"][1]["user"] == str(end_user.sub) and body["results"][1]["application"] == application.client_id
    assert body["results"][0]["user"] is None and body["results"][0]["reason"] == "login_only"


def test_filters(operator_client, events, end_user, application):
    assert outcomes(operator_client, user=str(end_user.sub)) == ["logged_in", "created"]
    assert outcomes(operator_client, connection="second") == ["refused"]
    assert outcomes(operator_client, application=application.client_id) == ["logged_in", "created"]
    assert outcomes(operator_client, outcome="created") == ["created"]
    since = (timezone.now() - timedelta(days=2, hours=1)).isoformat()
    until = (timezone.now() - timedelta(hours=12)).isoformat()
    assert outcomes(operator_client, since=since, until=until) == ["refused", "logged_in"]


@pytest.mark.parametrize("params, field", [({"since": "yesterday"}, "since"), ({"outcome": "won"}, "outcome"),
                                           ({"user": "not-a-uuid"}, "user")])
def test_bad_filters_are_400(api_client, events, params, field):
    assert field in assert_error(api_client.get(URL, params), 400, "validation_error")["fields"]


def test_cursor_pagination_walks_every_event_once(api_client, events):
    seen, url = [], f"{URL}?page_size=2"
    while url:
        body = api_client.get(url).json()
        seen += [e["id"] for e in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(e.pk for e in events) and len(seen) == 3
    assert_error(api_client.get(URL, {"cursor": "garbage"}), 400, "invalid_cursor")


def test_each_event_says_where_it_came_from(api_client, pool, connection, application):
    from accounts.services import login_event_record

    login_event_record(pool=pool, outcome=LoginOutcome.CREATED, connection=connection, application=application, ip="113.116.0.1")
    login_event_record(pool=pool, outcome=LoginOutcome.REFUSED, connection=connection, application=application, ip="127.0.0.1")
    login_event_record(pool=pool, outcome=LoginOutcome.CANCELLED)
    results = api_client.get(URL).json()["results"]
    assert [(e["ip"], e["region"]) for e in results] == [
        (None, {}), ("127.0.0.1", {"local": True}), ("113.116.0.1", {"country": "中国", "province": "广东", "city": "深圳"})]
