"""Enabling a connection for an application: PUT enables, DELETE disables, both idempotent; operators may."""
import pytest

from connections.selectors import is_linked

from .helpers import assert_error


def pair_url(application, connection):
    return f"/api/v1/applications/{application.client_id}/connections/{connection.identifier}"


@pytest.mark.parametrize("client_fixture", ["api_client", "operator_client"])
def test_enable_and_disable_idempotently(request, client_fixture, application, connection):
    client = request.getfixturevalue(client_fixture)
    url = pair_url(application, connection)
    assert client.get(url).json()["enabled"] is False
    for _ in range(2):
        response = client.put(url)
        assert response.status_code == 200
        assert response.json() == {"application": application.client_id, "connection": "wechat-pc", "enabled": True}
    assert is_linked(connection=connection, application=application)
    assert client.get(url).json()["enabled"] is True
    for _ in range(2):
        assert client.delete(url).status_code == 204
    assert not is_linked(connection=connection, application=application)


def test_lists_both_ways(api_client, application, connection, pool):
    from tenants.services import application_create

    unrelated, _secret = application_create(pool=pool, name="Unrelated")
    api_client.put(pair_url(application, connection))
    apps = api_client.get(f"/api/v1/connections/{connection.identifier}/applications").json()["results"]
    assert [a["client_id"] for a in apps] == [application.client_id]
    conns = api_client.get(f"/api/v1/applications/{application.client_id}/connections").json()["results"]
    assert [c["identifier"] for c in conns] == ["wechat-pc"]
    assert api_client.get(f"/api/v1/applications/{unrelated.client_id}/connections").json()["results"] == []


def test_unknown_connection_or_application_is_404(api_client, application, connection):
    assert_error(api_client.put(f"/api/v1/applications/{application.client_id}/connections/nope"), 404, "not_found")
    assert_error(api_client.put(f"/api/v1/applications/ffff/connections/{connection.identifier}"), 404, "not_found")
