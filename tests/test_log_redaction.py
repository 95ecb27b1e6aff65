"""ID tokens in end-session URLs never reach an access log (uvicorn, runserver) or Django's logs.

The servers run for real in subprocesses against the test database; their whole output is read.
"""
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings

from scanlogin.logredact import REDACTED, RedactQueryParams, redact

ROOT = Path(__file__).resolve().parents[1]
# An ID token's shape with a phone number in its payload ({"phone_number": "+8613800138000"}).
HINT = "eyJhbGciOiJSUzI1NiJ9.eyJwaG9uZV9udW1iZXIiOiIrODYxMzgwMDEzODAwMCJ9.c2lnbmF0dXJl"


@pytest.mark.parametrize("line, expected", [
    (f"GET /u/a/oidc/end-session?id_token_hint={HINT}&state=x HTTP/1.1", f"GET /u/a/oidc/end-session?id_token_hint={REDACTED}&state=x HTTP/1.1"),
    (f"/x?state=1&id_token_hint={HINT}", f"/x?state=1&id_token_hint={REDACTED}"),
    (f"/x?id%5Ftoken%5Fhint={HINT}", f"/x?id%5Ftoken%5Fhint={REDACTED}"),
    ("/x?login_hint=%2B8613800138000&prompt=login", f"/x?login_hint={REDACTED}&prompt=login"),
    ("/u/a/oidc/authorize?client_id=c&state=s&nonce=n", "/u/a/oidc/authorize?client_id=c&state=s&nonce=n"),
])
def test_sensitive_parameters_are_redacted_and_others_kept(line, expected):
    assert redact(line) == expected


def test_the_filter_rewrites_messages_and_arguments_of_a_record():
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5", "GET", f"/x?id_token_hint={HINT}", "1.1", 200), None)
    assert RedactQueryParams().filter(record) is True
    assert HINT not in record.getMessage() and REDACTED in record.getMessage()
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(r)s", ({"r": f"GET /x?id_token_hint={HINT}"},), None)
    RedactQueryParams().filter(record)
    assert HINT not in record.getMessage()


def test_the_loggers_with_their_own_handlers_carry_the_filter():
    for name in ("uvicorn.access", "gunicorn.access", "django.server", "django.request"):
        assert any(isinstance(f, RedactQueryParams) for f in logging.getLogger(name).filters), name


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve_one_request(command: list[str], port: int) -> str:
    db = settings.DATABASES["default"]
    env = {**os.environ, "DEBUG": "true", "PYTHONUNBUFFERED": "1",
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = f"http://127.0.0.1:{port}/u/no-such-pool/oidc/end-session"
        for _ in range(100):
            try:
                response = requests.get(url, params={"id_token_hint": HINT, "state": "x"}, timeout=5)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        else:
            pytest.fail("the server did not start")
        assert response.status_code == 404
        requests.post(url, data={"id_token_hint": HINT}, timeout=5)  # the recommended way: nothing to redact
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=20)
    return output


@pytest.mark.django_db
@pytest.mark.parametrize("server", ["uvicorn", "runserver"])
def test_the_access_log_of_a_real_server_drops_the_hint(server):
    port = _free_port()
    command = {
        "uvicorn": [sys.executable, "-m", "uvicorn", "scanlogin.asgi:application", "--host", "127.0.0.1", "--port", str(port)],
        "runserver": [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"],
    }[server]
    output = _serve_one_request(command, port)
    assert "/u/no-such-pool/oidc/end-session" in output, output  # the request was logged…
    assert f"id_token_hint={REDACTED}" in output, output
    assert HINT not in output and "eyJwaG9uZV9udW1iZXIi" not in output  # …without the token
