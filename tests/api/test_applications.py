"""/api/v1/applications: CRUD, client secret shown only on create/rotate, operators read only."""
import pytest

from tenants.models import Application

from .helpers import assert_error

URL = "/api/v1/applications"


def test_create_returns_secret_once(api_client, pool):
    response = api_client.post(URL, {"name": "Shop", "redirect_uris": ["https://shop.example.com/cb"]}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    app = Application.objects.get(pool=pool, client_id=body["client_id"])
    assert app.check_client_secret(body["client_secret"])
    read = api_client.get(f"{URL}/{app.client_id}")
    assert read.status_code == 200 and "client_secret" not in read.json()
    listed = api_client.get(URL).content.decode()
    assert body["client_secret"] not in listed and body["client_secret"] not in read.content.decode()
    assert read.json() == {k: v for k, v in body.items() if k != "client_secret"}


def test_rotate_secret_replaces_the_old_one(api_client, application):
    response = api_client.post(f"{URL}/{application.client_id}/rotate-secret")
    assert response.status_code == 200
    new = response.json()["client_secret"]
    application.refresh_from_db()
    assert response.json()["client_id"] == application.client_id and application.check_client_secret(new)
    second = api_client.post(f"{URL}/{application.client_id}/rotate-secret").json()["client_secret"]
    application.refresh_from_db()
    assert second != new and not application.check_client_secret(new)


def test_patch_and_delete(api_client, application):
    response = api_client.patch(f"{URL}/{application.client_id}", {"description": "Our shop", "redirect_uris": []},
                                format="json")
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.description == "Our shop" and application.redirect_uris == []
    assert_error(api_client.patch(f"{URL}/{application.client_id}", {"client_id": "mine"}, format="json"), 400,
                 "validation_error")
    assert api_client.delete(f"{URL}/{application.client_id}").status_code == 204
    assert not Application.objects.filter(pk=application.pk).exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "ok", "redirect_uris": ["not a url"]}, "redirect_uris"),
        ({"name": "ok", "redirect_uris": "https://a.example"}, "redirect_uris"),
        ({"name": "ok", "client_secret": "mine"}, "client_secret"),
    ],
)
def test_invalid_application_is_400(api_client, body, field):
    got = assert_error(api_client.post(URL, body, format="json"), 400, "validation_error")
    assert any(key.startswith(field) for key in got["fields"]), got
    assert not Application.objects.exists()


def test_operator_reads_but_cannot_write(operator_client, application):
    assert operator_client.get(URL).status_code == 200
    assert operator_client.get(f"{URL}/{application.client_id}").status_code == 200
    assert_error(operator_client.post(URL, {"name": "x"}, format="json"), 403, "permission_denied")
    assert_error(operator_client.patch(f"{URL}/{application.client_id}", {"name": "x"}, format="json"), 403,
                 "permission_denied")
    assert_error(operator_client.delete(f"{URL}/{application.client_id}"), 403, "permission_denied")
    assert_error(operator_client.post(f"{URL}/{application.client_id}/rotate-secret"), 403, "permission_denied")
    assert Application.objects.get(pk=application.pk).name == "Acme shop"


def test_client_type_defaults_to_confidential_and_can_be_public(api_client, pool):
    default = api_client.post(URL, {"name": "Site"}, format="json").json()
    assert default["client_type"] == "confidential"
    spa = api_client.post(URL, {"name": "SPA", "client_type": "public"}, format="json")
    assert spa.status_code == 201 and spa.json()["client_type"] == "public"
    assert Application.objects.get(client_id=spa.json()["client_id"]).is_public_client
    changed = api_client.patch(f"{URL}/{default['client_id']}", {"client_type": "public"}, format="json")
    assert changed.status_code == 200 and changed.json()["client_type"] == "public"
    bad = api_client.post(URL, {"name": "X", "client_type": "weird"}, format="json")
    assert_error(bad, 400, "validation_error")
    assert "client_type" in bad.json()["fields"]
