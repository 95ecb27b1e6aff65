"""What every request pays for, kept small: Redis connections a process holds, the messages
storage only where it is used, the Content-Security-Policy built once while settings stand."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from csp.decorators import csp_update
from csp.utils import build_policy
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpResponse, JsonResponse
from django.test import RequestFactory, override_settings

from scanlogin import middleware
from scanlogin.secret_keys import generate
from tests.private_redis import private_redis  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[2]

# 24 threads at once use the cache, the rate limiter's storage and the ticket notifications, as
# request threads of one busy process do (all starting together: the first command of the process
# is raced for); then Redis is asked who is connected.
BUSY_PROCESS = """
import json, threading, django
django.setup()
from django.core.cache import caches
from hostedlogin import notify
from scanlogin.fallback import redis_breaker
from scanlogin.ratelimit import rate_check

start = threading.Barrier(24)
errors = []

def work(i):
    start.wait()
    try:
        for n in range(40):
            caches["default"].set(f"k{i}", "x" * 200, 30)
            assert caches["default"].get(f"k{i}") == "x" * 200
            rate_check("tickets_per_ip", f"10.0.0.{i}")
            notify.publish_many([{"ticket": f"ticket{i}-{n}", "status": "pending"}])
    except Exception as exc:
        errors.append(repr(exc))

threads = [threading.Thread(target=work, args=(i,)) for i in range(24)]
for t in threads: t.start()
for t in threads: t.join()
client = caches["default"].redis_client()
print(json.dumps({"errors": errors, "redis_failed": redis_breaker._down, "same_client": client is caches["default"].redis_client(),
                  "clients": client.client_list()}))
"""


def run_busy_process(redis_url: str, **extra) -> dict:
    # What is counted is connections, not waiting: on a loaded 2-core machine one of 24 threads can
    # wait longer than the default second for a pooled connection (then Redis counts as unavailable).
    env = {**os.environ, "DEBUG": "false", **generate(), "WECHAT_SIMULATOR_ENABLED": "false", "REDIS_URL": redis_url,
           "DJANGO_SETTINGS_MODULE": "scanlogin.settings", "REDIS_POOL_TIMEOUT": "10", **extra}
    out = subprocess.run([sys.executable, "-c", BUSY_PROCESS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_busy_process_shares_one_redis_connection_for_its_commands(private_redis):  # noqa: F811
    result = run_busy_process(private_redis.url)
    assert result["errors"] == [] and result["redis_failed"] is False  # nothing fell back to process memory
    assert result["same_client"]  # one redis-py client per pool, not one per command
    # every command of the 24 threads, and this CLIENT LIST, went through one connection (the
    # long-poll's subscriber, not started here, is the process's only other one)
    assert len(result["clients"]) == 1, [c["cmd"] for c in result["clients"]]


def test_the_command_connections_are_a_setting(private_redis):  # noqa: F811
    result = run_busy_process(private_redis.url, REDIS_POOL_MAX_SIZE="3")
    assert result["errors"] == [] and result["redis_failed"] is False
    assert 1 <= len(result["clients"]) <= 3


def _with_session(request):
    DjangoSessionMiddleware(lambda r: None).process_request(request)
    return request


def test_the_messages_storage_is_built_only_when_a_view_uses_it(monkeypatch):
    built = []
    monkeypatch.setattr(middleware, "default_storage", lambda request: built.append(request) or FallbackStorage(request))
    factory = RequestFactory()

    json_view = middleware.MessageMiddleware(lambda request: JsonResponse({"status": "pending"}))
    response = json_view(_with_session(factory.get("/u/demo/api/qr-tickets/x")))
    assert response.status_code == 200 and built == [] and "messages" not in response.cookies

    def view_with_message(request):
        messages.success(request, "Connection saved.")
        return HttpResponse("ok")

    response = middleware.MessageMiddleware(view_with_message)(_with_session(factory.post("/console/x")))
    assert len(built) == 1
    # stored for the next page, which shows it, as before
    shown = []
    follow = factory.get("/console/")
    follow.COOKIES["messages"] = response.cookies["messages"].value
    middleware.MessageMiddleware(lambda request: shown.extend(str(m) for m in messages.get_messages(request)) or HttpResponse())(
        _with_session(follow))
    assert shown == ["Connection saved."]


def test_the_content_security_policy_follows_the_settings_and_per_view_overrides(rf):
    def plain(request):
        return HttpResponse("<p>page</p>")

    @csp_update({"img-src": ["https://cdn.example.com"]})
    def extended(request):
        return HttpResponse("<p>page</p>")

    run = lambda view: middleware.CSPMiddleware(view)(rf.get("/u/demo/login"))  # noqa: E731
    first, again = run(plain), run(plain)
    assert first["Content-Security-Policy"] == again["Content-Security-Policy"] == build_policy()
    assert "'nonce-" not in first["Content-Security-Policy"]
    assert "https://cdn.example.com" in run(extended)["Content-Security-Policy"]
    assert "https://cdn.example.com" not in run(plain)["Content-Security-Policy"]

    def with_nonce(request):
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    response = run(with_nonce)
    nonce = response.content.decode().split("'")[1]
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]

    changed = {"DIRECTIVES": {"default-src": ["'self'"], "frame-ancestors": ["https://shop.example.com"]}}
    with override_settings(CONTENT_SECURITY_POLICY=changed):
        header = run(plain)["Content-Security-Policy"]
        assert sorted(part.strip() for part in header.split(";")) == ["default-src 'self'", "frame-ancestors https://shop.example.com"]
    assert run(plain)["Content-Security-Policy"] == first["Content-Security-Policy"]


@pytest.mark.parametrize("prefix_excluded", [True, False])
def test_excluded_prefixes_still_get_no_policy(rf, settings, prefix_excluded):
    settings.CONTENT_SECURITY_POLICY = {**settings.CONTENT_SECURITY_POLICY,
                                        "EXCLUDE_URL_PREFIXES": ["/static/"] if prefix_excluded else []}
    response = middleware.CSPMiddleware(lambda request: HttpResponse("x"))(rf.get("/static/app.js"))
    assert ("Content-Security-Policy" in response) is not prefix_excluded


@pytest.mark.django_db
def test_a_new_session_is_one_insert_and_a_taken_key_is_drawn_again(monkeypatch):
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from scanlogin import sessions

    first = sessions.SessionStore()
    first["_auth_user_id"] = "1"
    with CaptureQueriesContext(connection) as ctx:
        first.save()
    statements = [q["sql"].split()[0].upper() for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"].upper()]
    assert statements == ["INSERT"]  # no SELECT asking whether the new key is taken

    keys = iter([first.session_key, "k" * 32])  # the first key drawn is taken: the INSERT refuses it
    monkeypatch.setattr(sessions.SessionStore, "_get_new_session_key", lambda self: next(keys))
    second = sessions.SessionStore()
    second["_auth_user_id"] = "2"
    second.save()
    assert second.session_key == "k" * 32
    assert sessions.SessionStore(first.session_key)["_auth_user_id"] == "1"  # the taken one is untouched
    assert Session.objects.count() == 2


def test_new_session_keys_are_32_random_characters_that_django_accepts():
    from django.contrib.sessions.backends.base import VALID_KEY_CHARS

    from scanlogin import sessions

    store = sessions.SessionStore()
    keys = {store._get_new_session_key() for _ in range(200)}
    assert len(keys) == 200
    for key in keys:
        assert len(key) == 32 and set(key) <= set(VALID_KEY_CHARS)
        assert store._validate_session_key(key)
    assert len(set("".join(keys))) == 32  # base32's whole alphabet shows up: a-z and 2-7
