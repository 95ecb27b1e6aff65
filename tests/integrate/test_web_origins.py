"""Web origins of an application: exact origins, validated like redirect URIs, in the console and the API."""
import pytest
from django.core.exceptions import ValidationError

from tenants.origins import origin_of, web_origin_problem
from tenants.services import application_create, application_update

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["https://shop.example.com", "http://localhost:8002", "http://127.0.0.1:8000", "https://xn--fiqs8s.example"])
def test_exact_origins_are_accepted(value):
    assert web_origin_problem(value) is None


@pytest.mark.parametrize("value", ["https://shop.example.com/", "https://shop.example.com/path", "https://Shop.example.com",
                                   "https://shop.example.com:443", "https://*.example.com", "*", "ftp://shop.example.com",
                                   "shop.example.com", "https://user@shop.example.com", "https://shop.example.com?x", " https://a.b", "", None, 3])
def test_anything_else_is_refused(value):
    assert web_origin_problem(value) is not None


def test_origin_of_a_redirect_uri():
    assert origin_of("https://Shop.Example.com:443/cb?x=1") == "https://shop.example.com"
    assert origin_of("http://localhost:8002/callback") == "http://localhost:8002"
    assert origin_of("javascript:alert(1)") == ""


def test_services_validate_web_origins(pool):
    app, _ = application_create(pool=pool, name="Shop", web_origins=["https://shop.example.com"])
    assert app.web_origins == ["https://shop.example.com"]
    with pytest.raises(ValidationError):
        application_update(application=app, web_origins=["https://shop.example.com/"])
    with pytest.raises(ValidationError):
        application_create(pool=pool, name="Bad", web_origins=["*"])


def test_the_api_reads_and_writes_web_origins(api_client):
    created = api_client.post("/api/v1/applications", {"name": "SPA", "redirect_uris": ["https://spa.example.com/cb"],
                                                      "web_origins": ["https://spa.example.com"]}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["web_origins"] == ["https://spa.example.com"]
    client_id = created.json()["client_id"]
    bad = api_client.patch(f"/api/v1/applications/{client_id}", {"web_origins": ["https://spa.example.com/", "*"]}, format="json")
    assert bad.status_code == 400 and bad.json()["error"] == "validation_error"
    assert "web_origins" in str(bad.json()["fields"])
    ok = api_client.patch(f"/api/v1/applications/{client_id}", {"web_origins": ["http://localhost:8002"]}, format="json")
    assert ok.status_code == 200 and ok.json()["web_origins"] == ["http://localhost:8002"]
    assert api_client.get(f"/api/v1/applications/{client_id}").json()["web_origins"] == ["http://localhost:8002"]


def test_the_console_form_has_the_web_origins_field_with_help_in_each_language(client, admin, application):
    from tests.fixtures.core import PASSWORD

    client.login(username=admin.username, password=PASSWORD)
    url = f"/console/tenants/application/{application.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="web_origins"' in page.content and b"Only these get CORS" in page.content
    zh = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "只有这些来源可跨域访问".encode() in zh.content and b"Only these get CORS" not in zh.content
    assert "只有这些来源可跨域访问".encode() not in page.content  # each language shows its own help only
    form = {"name": application.name, "description": "", "client_type": "confidential",
            "redirect_uris": "https://shop.example.com/callback", "web_origins": "https://shop.example.com/\n*"}
    refused = client.post(url, form)
    assert refused.status_code == 200 and b"Not an exact web origin" in refused.content
    form["web_origins"] = "https://shop.example.com\nhttp://localhost:8002"
    saved = client.post(url, form)
    assert saved.status_code == 302, saved.content[:2000]
    application.refresh_from_db()
    assert application.web_origins == ["https://shop.example.com", "http://localhost:8002"]
