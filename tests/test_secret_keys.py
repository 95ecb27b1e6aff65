"""Production refuses placeholder, short, uniform or shared keys; check --deploy reports them;
generate_secrets prints keys that pass. Settings are loaded in fresh interpreters, as servers do."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scanlogin.secret_keys import generate, key_problems

ROOT = Path(__file__).resolve().parents[1]
GOOD = generate()


@pytest.mark.parametrize("secret_key, field_key, ids", [
    ("change-me", "change-me-too", ["scanlogin.E001", "scanlogin.E002"]),  # the old .env.example
    ("", "", ["scanlogin.E001", "scanlogin.E002"]),
    ("scanlogin-insecure-development-key-change-me", "scanlogin-development-field-key", ["scanlogin.E001", "scanlogin.E002"]),
    ("django-insecure-" + "a1b2c3d4e5" * 5, GOOD["FIELD_ENCRYPTION_KEY"], ["scanlogin.E001"]),
    (GOOD["SECRET_KEY"][:49], GOOD["FIELD_ENCRYPTION_KEY"][:31], ["scanlogin.E001", "scanlogin.E002"]),  # too short
    ("x" * 60, "k" * 40, ["scanlogin.E001", "scanlogin.E002"]),  # too uniform
    (GOOD["SECRET_KEY"], GOOD["SECRET_KEY"], ["scanlogin.E003"]),  # one secret used twice
    (GOOD["SECRET_KEY"], GOOD["FIELD_ENCRYPTION_KEY"], []),
])
def test_key_problems(secret_key, field_key, ids):
    assert [check_id for check_id, _ in key_problems(secret_key, field_key)] == ids


def manage(*args, **env):
    # a clean server environment (the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is no deployment's)
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**base, "WECHAT_SIMULATOR_ENABLED": "false", **env})


@pytest.mark.parametrize("keys, says", [
    ({"SECRET_KEY": "change-me", "FIELD_ENCRYPTION_KEY": "change-me-too"}, "placeholder"),
    ({}, "SECRET_KEY is not set"),
    ({"SECRET_KEY": GOOD["SECRET_KEY"], "FIELD_ENCRYPTION_KEY": "short-but-random-q8"}, "shorter than 32"),
    ({"SECRET_KEY": GOOD["SECRET_KEY"], "FIELD_ENCRYPTION_KEY": GOOD["SECRET_KEY"]}, "are the same"),
])
def test_production_refuses_to_start_with_unfit_keys(keys, says):
    result = manage("check", DEBUG="false", **keys)
    assert result.returncode != 0
    assert "Refusing to start with DEBUG off" in result.stderr and says in result.stderr
    assert "python manage.py generate_secrets" in result.stderr
    for value in keys.values():
        if value not in ("change-me", "change-me-too"):
            assert value not in result.stderr  # a real secret is never echoed


def test_generated_keys_start_production_and_pass_the_deploy_check():
    printed = manage("generate_secrets", DEBUG="false")  # runs before any key exists, DEBUG off (a container)
    assert printed.returncode == 0, printed.stderr
    keys = dict(line.split("=", 1) for line in printed.stdout.split())
    assert set(keys) == {"SECRET_KEY", "FIELD_ENCRYPTION_KEY"} and key_problems(keys["SECRET_KEY"], keys["FIELD_ENCRYPTION_KEY"]) == []
    assert keys != dict(line.split("=", 1) for line in manage("generate_secrets").stdout.split())  # fresh every time
    started = manage("check", "--deploy", DEBUG="false", **keys)
    assert "scanlogin.E00" not in started.stdout + started.stderr
    assert started.returncode == 0, started.stderr


def test_check_deploy_reports_placeholders_even_with_debug_on():
    result = manage("check", "--deploy", DEBUG="true", SECRET_KEY="change-me", FIELD_ENCRYPTION_KEY="change-me-too")
    assert result.returncode != 0
    assert "(scanlogin.E001)" in result.stderr and "(scanlogin.E002)" in result.stderr
    same = manage("check", "--deploy", DEBUG="true", SECRET_KEY=GOOD["SECRET_KEY"], FIELD_ENCRYPTION_KEY=GOOD["SECRET_KEY"])
    assert "(scanlogin.E003)" in same.stderr


def test_env_example_ships_no_key_and_says_how_to_make_them():
    lines = (ROOT / ".env.example").read_text().splitlines()
    assert "SECRET_KEY=" in lines and "FIELD_ENCRYPTION_KEY=" in lines
    assert any("python manage.py generate_secrets" in line for line in lines)
