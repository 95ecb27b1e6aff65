"""Access to the management API: bearer tokens, one error shape, throttling, JSON 404s."""
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tenants.tokens import token_create, token_revoke

from .helpers import assert_error

URL = "/api/v1/connections"




def test_missing_token_is_401_not_authenticated(db):
    response = APIClient().get(URL)
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer slm_abc_def", "Bearer a b", "Bearer ☃"])
def test_wrong_token_is_401_invalid_token(db, header):
    response = APIClient().get(URL, HTTP_AUTHORIZATION=header)
    assert_error(response, 401, "invalid_token")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_expired_and_revoked_tokens_are_401(pool):
    _t, expired = token_create(pool=pool, name="old", role="admin", expires_at=timezone.now() - timedelta(seconds=1))
    token, revoked = token_create(pool=pool, name="gone", role="admin")
    token_revoke(token=token)
    for plaintext in (expired, revoked):
        assert_error(APIClient().get(URL, HTTP_AUTHORIZATION=f"Bearer {plaintext}"), 401, "invalid_token")


def test_valid_token_reads_its_pool(api_client, connection):
    response = api_client.get(URL)
    assert response.status_code == 200
    assert [c["identifier"] for c in response.json()["results"]] == ["wechat-pc"]


def test_throttle_answers_429_with_retry_after(api_client, settings):
    settings.MANAGEMENT_API_RATE = "3/min"
    statuses = [api_client.get(URL).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api_client.get(URL)
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


def test_throttle_counts_per_token(api_client, operator_client, settings):
    settings.MANAGEMENT_API_RATE = "1/min"
    assert api_client.get(URL).status_code == 200
    assert api_client.get(URL).status_code == 429
    assert operator_client.get(URL).status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/nothing", "/api/v1/connections/UPPER", "/api/v1/users/not-a-uuid",
                                  "/api/v1/applications/0%0A%0D"])
def test_unknown_api_paths_are_json_404(api_client, path):
    assert_error(api_client.get(path), 404, "not_found")


def test_wrong_method_is_405(api_client):
    assert_error(api_client.put(URL, {}, format="json"), 405, "method_not_allowed")


def test_malformed_json_is_400(api_client):
    response = api_client.post("/api/v1/applications", data="{not json", content_type="application/json")
    assert_error(response, 400, "parse_error")


def test_unsupported_media_type_is_415(api_client):
    response = api_client.post("/api/v1/applications", data="<x/>", content_type="application/xml")
    assert_error(response, 415, "unsupported_media_type")


def test_token_is_never_echoed(api_client):
    for response in (api_client.get(URL), api_client.get("/api/v1/nothing")):
        assert api_client.token not in response.content.decode()


def test_oversized_body_is_413_json(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api_client.post("/api/v1/applications", {"name": "x" * 5000}, format="json")
    assert_error(response, 413, "request_too_large")


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "image/png;q=1, */*;q=0", "nonsense"])
def test_the_api_answers_json_whatever_accept_asks_for(api_client, accept, pool):
    response = api_client.get("/api/v1/connections", HTTP_ACCEPT=accept)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    missing = api_client.delete("/api/v1/users/00000000-0000-0000-0000-000000000000/identities/1", HTTP_ACCEPT=accept)
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
