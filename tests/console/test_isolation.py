"""Tenant isolation: staff of one pool reach nothing of another through any console URL."""
import pytest

from connections.models import Connection, ConnectionApplication
from tenants.models import ManagementToken, Membership
from tenants.tokens import token_create

CONN = "/console/connections/connection/"
APP = "/console/tenants/application/"


def other_pool_urls(conn, app, token, membership):
    """Every console URL that addresses one of pool B's objects."""
    return [
        ("get", f"{CONN}{conn.pk}/change/", None),
        ("get", f"{CONN}{conn.pk}/history/", None),
        ("get", f"{CONN}{conn.pk}/delete/", None),
        ("post", f"{CONN}{conn.pk}/delete/", {"post": "yes"}),
        ("post", f"{CONN}{conn.pk}/change/", {"display_name": "pwned", "callback_url": "https://evil.example.com/"}),
        ("post", f"{CONN}{conn.pk}/applications/{app.client_id}/", {"enabled": "1"}),
        ("get", f"{APP}{app.pk}/change/", None),
        ("get", f"{APP}{app.pk}/history/", None),
        ("get", f"{APP}{app.pk}/delete/", None),
        ("post", f"{APP}{app.pk}/delete/", {"post": "yes"}),
        ("post", f"{APP}{app.pk}/change/", {"name": "pwned"}),
        ("post", f"{APP}{app.pk}/rotate-secret/", {}),
        ("get", f"/console/tenants/managementtoken/{token.pk}/change/", None),
        ("post", f"/console/tenants/managementtoken/{token.pk}/delete/", {"post": "yes"}),
        ("get", f"/console/tenants/membership/{membership.pk}/change/", None),
        ("post", "/console/switch-pool/", {"pool": "globex"}),
    ]


@pytest.fixture
def pool_b(other_pool, other_connection, other_application, outsider):
    token, _ = token_create(pool=other_pool, name="B token")
    return other_connection, other_application, token, Membership.objects.get(user=outsider)


def test_pool_a_admin_gets_404_on_every_pool_b_url(admin_console, pool_b, other_connection, other_application):
    for method, url, data in other_pool_urls(*pool_b):
        response = getattr(admin_console, method)(url, data or {})
        assert response.status_code == 404, (method, url, response.status_code)
    other_connection.refresh_from_db()
    other_application.refresh_from_db()
    assert other_connection.display_name == "WeChat" and other_application.name == "Globex portal"
    assert Connection.objects.filter(pk=other_connection.pk).exists()
    assert not ConnectionApplication.objects.filter(application=other_application).exists()
    assert ManagementToken.objects.get(pk=pool_b[2].pk).revoked_at is None


def test_pool_a_operator_gets_404_on_every_pool_b_url(operator_console, pool_b):
    for method, url, data in other_pool_urls(*pool_b):
        response = getattr(operator_console, method)(url, data or {})
        assert response.status_code == 404, (method, url, response.status_code)


@pytest.mark.parametrize("url", [CONN, APP, "/console/tenants/membership/", "/console/tenants/managementtoken/", "/console/"])
def test_lists_show_only_the_current_pool(admin_console, connection, application, pool_b, url):
    html = admin_console.get(url).content.decode()
    assert "Globex" not in html and "mallory" not in html and "B token" not in html


@pytest.mark.parametrize("query", ["Globex", "WeChat", "wechat-pc", ""])
def test_list_search_and_lookups_stay_in_the_pool(admin_console, connection, pool_b, other_connection, query):
    response = admin_console.get(CONN, {"q": query, "pool__id__exact": other_connection.pool_id})
    html = response.content.decode()
    assert f"/connection/{other_connection.pk}/change/" not in html


def test_autocomplete_never_returns_another_pool(admin_console, application, pool_b):
    response = admin_console.get("/console/autocomplete/", {
        "app_label": "connections", "model_name": "connectionapplication", "field_name": "application", "term": "Globex"})
    assert response.status_code == 200 and response.json()["results"] == []
    response = admin_console.get("/console/autocomplete/", {"term": "Globex"})
    assert "Globex" not in response.content.decode()


def test_switching_to_a_pool_you_are_not_a_member_of_is_404(admin_console, pool_b):
    assert admin_console.post("/console/switch-pool/", {"pool": "globex"}).status_code == 404
    assert "Globex" not in admin_console.get(APP).content.decode()


def test_forged_session_pool_falls_back_to_a_member_pool(admin, pool_b):
    from tests.fixtures.console import logged_in
    client = logged_in(admin)
    session = client.session
    session["console_pool"] = "globex"
    session.save()
    html = client.get(CONN).content.decode()
    assert "Globex" not in html
    assert client.get(f"{CONN}{pool_b[0].pk}/change/").status_code == 404


def test_delete_action_cannot_reach_another_pool(admin_console, connection, pool_b, other_connection):
    response = admin_console.post(CONN, {"action": "delete_selected", "_selected_action": [other_connection.pk], "post": "yes"})
    assert response.status_code == 302  # back to the list: nothing of this pool was selected
    assert Connection.objects.filter(pk=other_connection.pk).exists()


def test_disable_action_cannot_reach_another_pool(admin_console, connection, pool_b, other_connection):
    admin_console.post(CONN, {"action": "disable_connections", "_selected_action": [other_connection.pk, connection.pk]})
    other_connection.refresh_from_db()
    connection.refresh_from_db()
    assert other_connection.enabled and not connection.enabled


def test_enable_switch_refuses_another_pools_application(admin_console, connection, pool_b, other_application):
    url = f"{CONN}{connection.pk}/applications/{other_application.client_id}/"
    assert admin_console.post(url, {"enabled": "1"}).status_code == 404
    assert not ConnectionApplication.objects.filter(application=other_application).exists()


def test_staff_without_membership_sees_no_pool(db, connection):
    from tests.fixtures.console import logged_in
    from tests.fixtures.core import make_staff
    client = logged_in(make_staff("nobody"))
    assert client.get(CONN).status_code == 403
    assert client.get(f"{CONN}{connection.pk}/change/").status_code == 404


def test_superuser_sees_every_pool_and_can_switch(superuser, pool, other_pool, connection, other_connection):
    from tests.fixtures.console import logged_in
    client = logged_in(superuser)
    assert client.post("/console/switch-pool/", {"pool": "globex"}).status_code == 302
    assert client.get(f"{CONN}{other_connection.pk}/change/").status_code == 200
    assert client.get(f"{CONN}{connection.pk}/change/").status_code == 404


def test_csv_export_holds_only_the_current_pool_and_no_secret(admin_console, private_connection, pool_b, other_connection):
    response = admin_console.post(CONN, {"action": "export_csv",
                                         "_selected_action": [private_connection.pk, other_connection.pk]})
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "own-mp" in body and "portal.example.org" not in body
    from tests.fixtures.console import APP_SECRET
    assert APP_SECRET not in body and "app_secret" not in body


def test_operator_can_export_what_they_can_see(operator_console, application, pool_b, other_application):
    response = operator_console.post(APP, {"action": "export_csv",
                                           "_selected_action": [application.pk, other_application.pk]})
    body = response.content.decode()
    assert application.client_id in body and other_application.client_id not in body
