"""`manage.py create_management_token` prints a working token once."""
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from tenants.models import ManagementToken


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("create_management_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_command_prints_a_token_that_authenticates(pool, connection):
    plaintext, notice = run("--pool", pool.slug, "--role", "operator", "--name", "ci", "--expires-in-days", "7")
    token = ManagementToken.objects.get()
    assert (token.name, token.role, token.pool) == ("ci", "operator", pool)
    assert token.expires_at is not None and plaintext not in (token.token_hash, token.prefix)
    assert plaintext not in notice and "shown only once" in notice
    response = APIClient().get("/api/v1/connections", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert response.status_code == 200 and response.json()["results"][0]["identifier"] == "wechat-pc"


def test_admin_token_without_expiry(pool):
    plaintext, _ = run("--pool", pool.slug, "--role", "admin")
    token = ManagementToken.objects.get()
    assert plaintext.startswith("slm_") and token.role == "admin" and token.expires_at is None


@pytest.mark.parametrize("args", [["--pool", "nope", "--role", "admin"], ["--pool", "acme", "--role", "admin", "--expires-in-days", "0"]])
def test_bad_arguments_are_command_errors(pool, args):
    with pytest.raises(CommandError):
        run(*args)
    assert not ManagementToken.objects.exists()
