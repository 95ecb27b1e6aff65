"""The browser SDK is served by ScanLogin itself, on its own host and on pool domains, and ships in the image."""
import secrets
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient, Client

from tenants.services import application_create
from tests.fixtures.scanflow import off_loop

ROOT = Path(__file__).resolve().parents[2]
SDK = ROOT / "sdk" / "js" / "scanlogin.js"


@pytest.mark.django_db
def test_the_sdk_is_served_as_is(settings, pool):
    answer = Client().get("/sdk/scanlogin.js")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/javascript; charset=utf-8"
    assert b"".join(answer.streaming_content) == SDK.read_bytes()
    assert "max-age" in answer["Cache-Control"]
    settings.HOSTED_LOGIN_DOMAIN = "login.example.com"
    settings.ALLOWED_HOSTS = [".login.example.com"]
    assert Client(HTTP_HOST="acme.login.example.com").get("/sdk/scanlogin.js").status_code == 200


def test_the_image_carries_the_sdk():
    """The image copies the whole project minus .dockerignore, which must not leave the SDK out."""
    assert "\nCOPY . .\n" in (ROOT / "Dockerfile").read_text()
    ignored = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if line.strip() and not line.startswith("#")]
    assert not [p for p in ignored if p.strip("/*") in ("sdk", "sdk/js", "sdk/js/scanlogin.js", "*.js")]


@pytest.mark.django_db(transaction=True)
def test_cors_decisions_work_under_asgi_too(pool, connection, wechat_sim):
    """Under ASGI the CORS rule (which reads the database) runs off the event loop."""
    from connections.services import connection_enable_for

    app, _ = application_create(pool=pool, name="Shop", redirect_uris=["https://shop.example.com/cb"], web_origins=["https://shop.example.com"])
    connection_enable_for(connection=connection, application=app)
    secret = secrets.token_urlsafe(32)
    headers = {"Origin": "https://shop.example.com", "X-ScanLogin-Binding": secret}

    async def calls():
        client = AsyncClient()
        created = await client.post("/u/acme/api/qr-tickets", {"app_id": app.client_id, "connection": "wechat-pc",
                                                               "redirect_uri": "https://shop.example.com/cb"},
                                    content_type="application/json", headers=headers)
        status = await client.get(f"/u/acme/api/qr-tickets/{created.json()['ticket']}", {"wait": 0}, headers=headers)
        evil = await client.get(f"/u/acme/api/qr-tickets/{created.json()['ticket']}", {"wait": 0},
                                headers={**headers, "Origin": "https://evil.example.com"})
        return created, status, evil

    created, status, evil = off_loop(async_to_sync(calls))  # (a thread of its own once Playwright's loop runs here)
    assert created.status_code == 201 and created["Access-Control-Allow-Origin"] == "https://shop.example.com"
    assert "sl_browser" not in created.cookies  # bound by the header
    assert status.status_code == 200 and status["Access-Control-Allow-Origin"] == "https://shop.example.com"
    assert evil.status_code == 200 and "Access-Control-Allow-Origin" not in evil
