"""The OpenAPI document and the interactive docs page."""
import pytest
from rest_framework.test import APIClient

ERROR_STATUSES = {"400", "401", "403", "404", "409", "413", "415", "429", "503"}


@pytest.fixture
def schema(db):
    response = APIClient().get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def test_schema_documents_security_errors_and_write_only_secret(schema):
    assert schema["openapi"].startswith("3.")
    scheme = schema["components"]["securitySchemes"]["managementToken"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"error", "message"} and "fields" in error["properties"]
    conn_in = schema["components"]["schemas"]["ConnectionInputRequest"]["properties"]
    assert conn_in["app_secret"]["writeOnly"] is True
    conn_out = schema["components"]["schemas"]["ConnectionOutput"]["properties"]
    assert "app_secret" not in conn_out and {"app_secret_set", "app_secret_last4"} <= set(conn_out)
    documented = set()
    for path, ops in schema["paths"].items():
        assert path.startswith("/api/v1/")
        for method, op in ops.items():
            assert op["security"] == [{"managementToken": []}], (path, method)
            assert op["summary"], (path, method)
            assert {"401", "429"} <= set(op["responses"]), (path, method)
            for code, resp in op["responses"].items():
                if code in ERROR_STATUSES:
                    assert resp["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
                    documented.add(code)
    assert documented == ERROR_STATUSES


def test_schema_lists_every_resource(schema):
    paths = set(schema["paths"])
    assert {
        "/api/v1/connections", "/api/v1/connections/{identifier}", "/api/v1/connections/{identifier}/applications",
        "/api/v1/connections/{identifier}/check-credentials",
        "/api/v1/applications", "/api/v1/applications/{client_id}", "/api/v1/applications/{client_id}/rotate-secret",
        "/api/v1/applications/{client_id}/connections", "/api/v1/applications/{client_id}/connections/{identifier}",
        "/api/v1/users", "/api/v1/users/{sub}", "/api/v1/users/{sub}/block", "/api/v1/users/{sub}/unblock",
        "/api/v1/users/{sub}/identities/{identity_id}", "/api/v1/login-events", "/api/v1/pool",
    } == paths
    create = schema["paths"]["/api/v1/connections"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(create)


def test_schema_documents_the_credential_check(schema):
    check = schema["paths"]["/api/v1/connections/{identifier}/check-credentials"]["post"]
    assert check["operationId"] == "connections_check_credentials" and "40164" in check["description"]
    assert {"200", "404", "429", "503"} <= set(check["responses"])
    answer = schema["components"]["schemas"]["CredentialCheck"]
    assert {"ok", "app_id", "private_deployment", "errcode", "reason", "egress_ip"} == set(answer["properties"])
    assert answer["properties"]["errcode"]["nullable"] is True
    saved = schema["paths"]["/api/v1/connections"]["post"]["responses"]["201"]["content"]["application/json"]["schema"]
    assert saved == {"$ref": "#/components/schemas/ConnectionSaved"}
    assert "credentials" in schema["components"]["schemas"]["ConnectionSaved"]["properties"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_docs_page_renders_offline(live_server, page, screenshot):
    requested = []
    page.on("request", lambda req: requested.append(req.url))
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".opblock-tag-section", timeout=15000)
    page.wait_for_selector("text=ScanLogin management API")
    assert page.locator(".opblock").count() >= 22
    page.locator(".opblock-summary-path", has_text="/api/v1/connections").first.click()
    page.wait_for_selector("text=Error")
    path = screenshot(page, "api-docs")
    assert path.stat().st_size > 10_000
    assert all(url.startswith(live_server.url) for url in requested), [u for u in requested if not u.startswith(live_server.url)]
