"""WeChat benchmark: time to render a 430 px login code with a logo, token fetches under load.

Runs standalone (`make bench` or `python bench/wechat_bench.py`): sets up Django, starts its own
WeChat simulator on a free port, uses Redis when REDIS_URL is set, else the local-memory cache.
Prints figures; exits non-zero if 50 concurrent callers caused more than one token fetch.
"""
import io
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scanlogin.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.test import override_settings  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from connections.models import Connection  # noqa: E402
from connections.qrcode import render_login_code  # noqa: E402
from connections.wechat.client import WeChatClient  # noqa: E402
from wechatsim.server import register_default_app, start_simulator  # noqa: E402

RENDERS = int(os.environ.get("BENCH_RENDERS", "200"))
CALLERS = 50


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def write_logo(media_root: str) -> str:
    image = Image.new("RGB", (512, 512), (7, 193, 96))
    ImageDraw.Draw(image).ellipse((96, 96, 416, 416), fill=(255, 255, 255))
    path = Path(media_root) / "connection-logos" / "bench.png"
    path.parent.mkdir(parents=True)
    image.save(path)
    return "connection-logos/bench.png"


def bench_render(sim) -> None:
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media, WECHAT_API_BASE=sim.base_url):
        connection = Connection(identifier="bench", display_name="Bench", logo=write_logo(media))
        render_login_code(connection=connection, scene="warmup")  # token fetch + first connection
        times = []
        for i in range(RENDERS):
            started = time.perf_counter()
            png = render_login_code(connection=connection, scene=f"{i:032x}")
            times.append((time.perf_counter() - started) * 1000)
        width = Image.open(io.BytesIO(png)).width
    print(f"render {width}px code with logo (wxacode via simulator + logo), {RENDERS} runs: "
          f"median {statistics.median(times):.1f} ms, p99 {percentile(times, 0.99):.1f} ms")


def bench_token_fetches(sim) -> int:
    with override_settings(WECHAT_API_BASE=sim.base_url):
        clients = [WeChatClient(settings.WECHAT_DEFAULT_APP_ID, settings.WECHAT_DEFAULT_APP_SECRET) for _ in range(CALLERS)]
        cache.delete(clients[0]._tokens.key)
        before = sim.state.stats.get("token_fetches", {}).get(settings.WECHAT_DEFAULT_APP_ID, 0)
        barrier, tokens = threading.Barrier(CALLERS), []

        def caller(client):
            barrier.wait()
            tokens.append(client.access_token())

        threads = [threading.Thread(target=caller, args=(c,)) for c in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        cache.delete(clients[0]._tokens.key)
    fetches = sim.state.stats["token_fetches"][settings.WECHAT_DEFAULT_APP_ID] - before
    backend = "Redis" if "redis" in settings.CACHES["default"]["BACKEND"].lower() else "local-memory"
    print(f"token fetches under {CALLERS} concurrent callers ({backend} cache): {fetches} "
          f"({len(set(tokens))} distinct token(s) handed out to {len(tokens)} callers)")
    return fetches


def main() -> int:
    sim = start_simulator(host="127.0.0.1", port=0)
    register_default_app(sim.state)
    try:
        bench_render(sim)
        fetches = bench_token_fetches(sim)
    finally:
        sim.stop()
    return 0 if fetches == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
