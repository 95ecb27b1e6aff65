"""Tenant isolation: pool A's token gets 404 for every route addressed with pool B's ids."""
import pytest

from accounts.models import EndUser, Identity
from connections.models import Connection, ConnectionApplication
from console.api_urls import urlpatterns
from tenants.models import Application

from .helpers import assert_error

# (method, route name, path template) for every object route of the API.
ROUTES = [
    ("get", "api-connection", "/api/v1/connections/{identifier}"),
    ("patch", "api-connection", "/api/v1/connections/{identifier}"),
    ("delete", "api-connection", "/api/v1/connections/{identifier}"),
    ("get", "api-connection-applications", "/api/v1/connections/{identifier}/applications"),
    ("post", "api-connection-check-credentials", "/api/v1/connections/{identifier}/check-credentials"),
    ("get", "api-application", "/api/v1/applications/{client_id}"),
    ("patch", "api-application", "/api/v1/applications/{client_id}"),
    ("delete", "api-application", "/api/v1/applications/{client_id}"),
    ("post", "api-application-rotate-secret", "/api/v1/applications/{client_id}/rotate-secret"),
    ("get", "api-application-connections", "/api/v1/applications/{client_id}/connections"),
    ("get", "api-application-connection", "/api/v1/applications/{client_id}/connections/{identifier}"),
    ("put", "api-application-connection", "/api/v1/applications/{client_id}/connections/{identifier}"),
    ("delete", "api-application-connection", "/api/v1/applications/{client_id}/connections/{identifier}"),
    ("get", "api-user", "/api/v1/users/{sub}"),
    ("post", "api-user-block", "/api/v1/users/{sub}/block"),
    ("post", "api-user-unblock", "/api/v1/users/{sub}/unblock"),
    ("post", "api-user-merge", "/api/v1/users/{sub}/merge"),
    ("delete", "api-user-identity", "/api/v1/users/{sub}/identities/{identity_id}"),
]
LIST_ROUTES = {"api-connections", "api-applications", "api-users", "api-login-events", "api-schema", "api-docs",
               "api-pool"}  # the token's own pool: nothing of another pool to name


def test_the_table_covers_every_route():
    named = {p.name for p in urlpatterns if p.name}
    assert named == {name for _m, name, _p in ROUTES} | LIST_ROUTES


@pytest.mark.parametrize("method, name, template", ROUTES, ids=[f"{m} {t}" for m, _n, t in ROUTES])
def test_other_pools_object_is_404(api_client, other_pool_ids, method, name, template):
    body = {"display_name": "Taken over"} if method == "patch" else None
    response = getattr(api_client, method)(template.format(**other_pool_ids), body, format="json")
    assert_error(response, 404, "not_found")


def test_nothing_of_the_other_pool_changed_or_leaked(api_client, other_pool, other_pool_ids):
    for method, _name, template in ROUTES:
        getattr(api_client, method)(template.format(**other_pool_ids), {"display_name": "x", "name": "x"}, format="json")
    assert Connection.objects.get(pool=other_pool, identifier="globex-scan").display_name == "Globex WeChat"
    assert Application.objects.filter(pool=other_pool, client_id=other_pool_ids["client_id"]).exists()
    assert ConnectionApplication.objects.filter(connection__pool=other_pool).count() == 1
    assert not EndUser.objects.get(sub=other_pool_ids["sub"]).blocked
    assert Identity.objects.filter(pk=other_pool_ids["identity_id"]).exists()
    lists = ["/api/v1/connections", "/api/v1/applications", "/api/v1/users", "/api/v1/login-events"]
    for url in lists:
        text = api_client.get(url).content.decode()
        assert other_pool_ids["client_id"] not in text and "globex" not in text and other_pool_ids["sub"] not in text


def test_other_pools_application_cannot_be_paired_with_own_connection(api_client, connection, other_pool_ids):
    url = f"/api/v1/applications/{other_pool_ids['client_id']}/connections/{connection.identifier}"
    assert_error(api_client.put(url), 404, "not_found")
    assert not ConnectionApplication.objects.filter(connection=connection).exists()


def test_login_events_filter_cannot_reach_other_pool(api_client, other_pool, other_pool_ids):
    from accounts.models import LoginEvent

    LoginEvent.objects.create(pool=other_pool, outcome="logged_in", user=EndUser.objects.get(sub=other_pool_ids["sub"]))
    response = api_client.get("/api/v1/login-events", {"user": other_pool_ids["sub"]})
    assert response.status_code == 200 and response.json()["results"] == []
