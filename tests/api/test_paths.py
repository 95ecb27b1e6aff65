"""Every management API route answers `<path>/` exactly as `<path>` (DRF-based clients add the
slash): same status, same body, no redirect — over the whole route list, reads and writes."""
import re

import pytest
from django.db import transaction

from console.api_urls import urlpatterns


NEW_CONNECTION = {"identifier": "slash-made", "display_name": "Made", "callback_url": "https://example.com/cb"}
WRITES = {  # (method, first path segment) → body; anything else is sent without one
    ("post", "connections"): NEW_CONNECTION,
    ("post", "applications"): {"name": "Made app", "redirect_uris": ["https://example.com/cb"]},
    ("patch", "connections"): {"display_name": "Renamed"},
    ("patch", "applications"): {"description": "changed"},
}
METHODS = ("post", "put", "patch", "delete")
VOLATILE = {"client_secret", "client_id", "created_at", "updated_at", "last_login_at", "id"}  # made anew by each write


def canonical_routes() -> list[str]:
    return [str(p.pattern) for p in urlpatterns if getattr(p, "name", None)]


@pytest.fixture
def addresses(pool, connection, application, end_user, login_event):
    return {"identifier": connection.identifier, "client_id": application.client_id, "sub": str(end_user.sub),
            "identity_id": str(end_user.identities.first().pk)}


def concrete(route: str, addresses: dict) -> str:
    return "/api/v1/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: addresses[m.group(1)], route)


def toggled(url: str) -> str:
    return url[:-1] if url.endswith("/") else url + "/"


def answer(response, as_path: str = "") -> tuple:
    """Status, type and body; a page that names its own address (the docs' script URL) is read as if at `as_path`."""
    content_type = response.get("Content-Type", "")
    if "json" in content_type and response.content:  # (HEAD: no body)
        body = response.json()
        if isinstance(body, dict):
            body = {k: v for k, v in body.items() if k not in VOLATILE}
        return response.status_code, content_type, body
    body = response.content
    if as_path and "html" in content_type:
        body = body.replace(f'"{response.wsgi_request.path}'.encode(), f'"{as_path}'.encode())
    return response.status_code, content_type, body


def test_every_route_has_its_slash_twin():
    routes = canonical_routes()
    assert len(routes) >= 17
    every = {str(p.pattern) for p in urlpatterns}
    assert all(toggled(route) in every for route in routes)


@pytest.mark.parametrize("route", canonical_routes())
def test_reads_answer_the_same_with_and_without_the_slash(api_client, addresses, route):
    url = concrete(route, addresses)
    for method in ("get", "head", "options"):
        plain, slashed = getattr(api_client, method)(url), getattr(api_client, method)(toggled(url))
        assert slashed.status_code not in (301, 302, 307, 308), (method, url)
        assert answer(slashed, url) == answer(plain, url), (method, url)


@pytest.mark.parametrize("route", canonical_routes())
@pytest.mark.parametrize("method", METHODS)
def test_writes_answer_the_same_with_and_without_the_slash(api_client, addresses, route, method):
    url = concrete(route, addresses)
    answers = []
    for target in (url, toggled(url)):
        with transaction.atomic():
            response = getattr(api_client, method)(target, WRITES.get((method, route.split("/")[0])), format="json")
            answers.append(answer(response))
            transaction.set_rollback(True)  # both see the same starting state
    assert answers[0] == answers[1], (method, url)
    assert answers[0][0] not in (301, 302, 307, 308, 500)


def test_a_client_adding_slashes_creates_a_connection(api_client, pool):
    response = api_client.post("/api/v1/connections/", NEW_CONNECTION, format="json")
    assert response.status_code == 201, response.content
    assert api_client.get("/api/v1/connections/slash-made/").json()["display_name"] == "Made"


def test_unknown_paths_stay_json_404_with_or_without_slash(api_client):
    for url in ("/api/v1/nothing-here", "/api/v1/nothing-here/", "/api/v1/connections/a/b/c/"):
        response = api_client.get(url)
        assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_the_schema_documents_each_path_once(api_client, db):
    paths = set(api_client.get("/api/v1/schema/?format=json").json()["paths"])
    assert paths and not any(p.endswith("/") for p in paths)
