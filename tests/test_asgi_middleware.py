"""Under ASGI every middleware must be async-capable, in the production settings too.

One sync-only middleware makes Django run the rest of the chain in a thread and call the async
long-poll view through async_to_sync: every waiting browser would then hold a thread for up to
30 s. The production settings (DEBUG off) are loaded in a fresh interpreter, as uvicorn would.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

from django.utils.module_loading import import_string

from scanlogin.secret_keys import generate

ROOT = Path(__file__).resolve().parents[1]


def production_middleware() -> list[str]:
    env = {**os.environ, "DEBUG": "false", **generate(), "WECHAT_SIMULATOR_ENABLED": "false",
           "DJANGO_SETTINGS_MODULE": "scanlogin.settings"}
    code = "import json, django; django.setup(); from django.conf import settings; print(json.dumps(settings.MIDDLEWARE))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_every_production_middleware_is_async_capable():
    chain = production_middleware()
    assert any("WhiteNoise" in path for path in chain)  # static files are served in production
    sync_only = [path for path in chain if not getattr(import_string(path), "async_capable", False)]
    assert sync_only == []
