"""/healthz and /readyz: answered before the host check, HTTPS redirect and pool domains; /readyz
names the failing part (a Redis on a closed port, a database cut, a database never migrated)."""
import json
import time

import psycopg
import pytest
import requests
from django.db import connection

from tests.fixtures.outage import database_url_for, server_env
from tests.private_redis import free_port


def test_healthz_answers_without_touching_anything(client):
    response = client.get("/healthz")  # no db fixture: pytest-django would refuse any query
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Content-Type"] == "application/json" and response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/healthz", "/healthz/", "/readyz", "/readyz/"])
def test_probes_ignore_the_host_https_redirect_and_pool_domains(client, db, settings, path):
    settings.SECURE_SSL_REDIRECT = True
    settings.HOSTED_LOGIN_DOMAIN = "login.example.com"
    for host in ("10.1.2.3:8000", "acme.login.example.com", "not-allowed.example.net"):
        response = client.get(path, HTTP_HOST=host)
        assert response.status_code == 200, (host, response.content)
        assert response.json()["status"] == "ok"


def test_probes_are_never_rate_limited(client, db):
    answers = {client.get("/healthz").status_code for _ in range(300)} | {client.get("/readyz").status_code for _ in range(30)}
    assert answers == {200}


def test_probes_refuse_writes_with_json(client):
    response = client.post("/healthz")
    assert response.status_code == 405 and response.json()["error"] == "method_not_allowed"
    assert response["Allow"] == "GET, HEAD"


def test_readyz_names_every_part_when_all_is_well(client, db, settings):
    assert settings.REDIS_URL, "the suite runs against Redis"
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "migrations": "ok", "redis": "ok"}}


def test_readyz_without_redis_configured_does_not_ask_for_it(client, db, settings):
    settings.REDIS_URL = ""
    body = client.get("/readyz").json()
    assert body["status"] == "ok" and body["checks"]["redis"] == "not configured"


def test_readyz_is_503_when_redis_does_not_answer(client, db, settings):
    settings.REDIS_URL = f"redis://:s3cret-pass@127.0.0.1:{free_port()}/0"  # nothing listens there
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body == {"status": "unavailable",
                    "checks": {"database": "ok", "migrations": "ok", "redis": "error: ConnectionError"}}
    assert "s3cret" not in response.content.decode() and "127.0.0.1" not in response.content.decode()


@pytest.fixture
def empty_database(db):
    """A database on the same server that was never migrated (dropped afterwards)."""
    name = f"{connection.settings_dict['NAME']}_readyz"
    admin_url = database_url_for().rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield database_url_for().rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_readyz_lists_missing_migrations_of_an_unmigrated_database(scanlogin_server, empty_database, wechat_sim, collected_static):
    server = scanlogin_server(**server_env(database_url=empty_database, redis_url="", wechat_api_base=wechat_sim.base_url,
                                          STATIC_ROOT=collected_static), ready_path="/healthz")
    response = requests.get(server.url + "/readyz", timeout=20)
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "ok" and checks["redis"] == "not configured"
    assert checks["migrations"].startswith("missing: ") and "more)" in checks["migrations"]
    assert "contenttypes.0001_initial" in checks["migrations"] or "auth.0001_initial" in checks["migrations"]


def test_readyz_follows_a_database_cut_and_its_return(scanlogin_server, db_proxy, private_redis, wechat_sim, collected_static):
    server = scanlogin_server(**server_env(
        database_url=database_url_for(port=db_proxy.port), redis_url=private_redis.url, wechat_api_base=wechat_sim.base_url,
        STATIC_ROOT=collected_static, DB_POOL_TIMEOUT="2"))
    assert requests.get(server.url + "/readyz", timeout=20).json()["status"] == "ok"

    db_proxy.cut()
    response = requests.get(server.url + "/readyz", timeout=30)
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"].startswith("error: ") and checks["migrations"] == "unknown: no database"
    assert checks["redis"] == "ok"
    assert str(db_proxy.port) not in response.text and "postgres" not in response.text.lower()
    assert requests.get(server.url + "/healthz", timeout=10).status_code == 200  # alive, only not ready

    private_redis.kill()
    checks = requests.get(server.url + "/readyz", timeout=30).json()["checks"]
    assert checks["redis"].startswith("error: ")

    db_proxy.restore()
    private_redis.start()
    deadline = time.monotonic() + 30
    while (response := requests.get(server.url + "/readyz", timeout=30)).status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.5)  # the process's pool reconnects by itself: nothing is restarted
    assert response.status_code == 200, json.dumps(response.json())
