"""Several processes, one scrape: two uvicorn workers and a separate process calling WeChat write to
one PROMETHEUS_MULTIPROC_DIR; a single GET /metrics over real HTTP sums them all."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.fixtures.outage import database_url_for, server_env

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "multiprocess-metrics-token-0123456789"

WECHAT_CALLS = """
import django
django.setup()
from connections.wechat.client import WeChatClient
from connections.wechat.errors import WeChatCredentialsInvalid
for _ in range(3):
    try:
        WeChatClient("wx" + "ef" * 8, "s" * 32).access_token()
    except WeChatCredentialsInvalid:
        pass
"""


def samples(text: str, name: str) -> dict[tuple, float]:
    return {tuple(sorted(s.labels.items())): s.value
            for family in text_string_to_metric_families(text) for s in family.samples if s.name == name}


@pytest.mark.django_db(transaction=True)
def test_two_workers_and_another_process_are_summed_in_one_scrape(scanlogin_server, tmp_path, wechat_sim, collected_static):
    directory = tmp_path / "prometheus"
    directory.mkdir()
    env = server_env(database_url=database_url_for(), redis_url=os.environ.get("REDIS_URL", ""),
                     wechat_api_base=wechat_sim.base_url, STATIC_ROOT=collected_static,
                     PROMETHEUS_MULTIPROC_DIR=str(directory), METRICS_TOKEN=TOKEN)
    server = scanlogin_server(args=("--workers", "2"), ready_path="/healthz", **env)

    # Another process (as a Celery worker would be) calls WeChat three times and exits.
    subprocess.run([sys.executable, "-c", WECHAT_CALLS], cwd=ROOT, check=True, timeout=60,
                   env={**env, "DJANGO_SETTINGS_MODULE": "scanlogin.settings", "PATH": os.environ.get("PATH", "")})

    for _ in range(40):  # a new connection each time: the two workers share the listening socket
        assert requests.get(server.url + "/healthz", timeout=10, headers={"Connection": "close"}).status_code == 200

    response = requests.get(server.url + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert response.status_code == 200
    text = response.text
    wechat = samples(text, "scanlogin_wechat_requests_total")
    assert wechat[(("api", "token"), ("result", "40013"))] == 3  # written by a process that has exited
    healthz = samples(text, "scanlogin_http_requests_total")[(("method", "GET"), ("status", "200"), ("view", "healthz"))]
    assert healthz >= 40  # every worker's requests (plus the start-up probes)
    assert samples(text, "scanlogin_longpoll_waiters")[()] == 0

    pids = {f.stem.rsplit("_", 1)[-1] for f in directory.glob("counter_*.db")}
    assert len(pids) >= 2  # the figures really came from more than one process
    # The waiter gauge counts live processes only: the exited one's file went at the scrape, the two workers' stay.
    live = {f.stem.rsplit("_", 1)[-1] for f in directory.glob("gauge_livesum_*.db")}
    assert len(live) == 2
    assert requests.get(server.url + "/metrics", timeout=10).status_code == 403
