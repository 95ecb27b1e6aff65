"""/metrics: who may read it, and the figures recorded where things happen (login events, WeChat
calls, ticket notifications, waiting browsers, every request)."""
import asyncio
import json
import re
from pathlib import Path

import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from accounts.models import LoginOutcome
from connections.wechat.client import WeChatClient
from connections.wechat.errors import WeChatCredentialsInvalid, WeChatUnavailable
from hostedlogin import longpoll
from hostedlogin.models import TicketStatus
from hostedlogin.tickets import tickets_expire_overdue, transition
from tests.private_redis import free_port, private_redis, redis_notify, run_loop  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "metrics-test-token-0123456789abcdef"


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def metrics_token(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_NETWORKS = []
    return TOKEN


def scrape(client, **extra) -> str:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    return response.content.decode()


# --- who may read it -------------------------------------------------------------------------
def test_metrics_are_off_until_configured(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_NETWORKS = "", []
    response = client.get("/metrics")
    assert response.status_code == 404 and response.json()["error"] == "metrics_disabled"


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer "])
def test_metrics_refuse_without_the_token(client, metrics_token, header):
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = client.get("/metrics", **extra)
    assert response.status_code == 403
    assert response.json()["error"] == "metrics_forbidden" and TOKEN not in response.content.decode()


def test_metrics_with_the_token(client, metrics_token):
    text = scrape(client)
    assert "# TYPE scanlogin_logins_total counter" in text


def test_metrics_from_a_configured_network_by_the_one_client_ip_rule(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_NETWORKS, settings.TRUSTED_PROXIES = "", ["10.0.0.0/8", "fd00::/8"], []
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="fd00::5").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    # a client cannot claim an inside address; a trusted proxy can vouch for one
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.1.2.3").status_code == 403
    settings.TRUSTED_PROXIES = ["203.0.113.0/24"]
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 403


# --- the figures ---------------------------------------------------------------------------
def test_requests_are_counted_by_method_status_and_view(client, metrics_token, pool):
    before = value("scanlogin_http_requests_total", method="GET", status="200", view="healthz")
    before_404 = value("scanlogin_http_requests_total", method="GET", status="404", view="unresolved")
    timed = value("scanlogin_http_request_seconds_count", method="GET", view="healthz")
    client.get("/healthz")
    client.get("/no-such-page")
    assert value("scanlogin_http_requests_total", method="GET", status="200", view="healthz") == before + 1
    assert value("scanlogin_http_requests_total", method="GET", status="404", view="unresolved") == before_404 + 1
    assert value("scanlogin_http_request_seconds_count", method="GET", view="healthz") == timed + 1
    client.generic("BREW", "/healthz")
    assert value("scanlogin_http_requests_total", method="other", status="405", view="healthz") >= 1
    text = scrape(client)
    assert 'scanlogin_http_requests_total{method="GET",status="200",view="healthz"}' in text


def test_a_scan_login_counts_its_outcome_once_committed(browser, phone, wx_user, pool, connection,
                                                       django_capture_on_commit_callbacks):
    labels = {"pool": pool.slug, "connection": connection.identifier, "outcome": LoginOutcome.CREATED}
    before = value("scanlogin_logins_total", **labels)
    ticket = browser.new_ticket()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert phone.scan_and_confirm(ticket, wx_user).status_code == 200
        assert value("scanlogin_logins_total", **labels) == before  # not before the commit
    for callback in callbacks:
        callback()
    assert value("scanlogin_logins_total", **labels) == before + 1


def test_expired_scanned_tickets_count_as_expired_logins(browser, pool, connection, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from hostedlogin.models import LoginTicket

    labels = {"pool": pool.slug, "connection": connection.identifier, "outcome": LoginOutcome.EXPIRED}
    before = value("scanlogin_logins_total", **labels)
    scanned, untouched = browser.new_ticket(), browser.new_ticket()
    assert transition(scanned, old=TicketStatus.PENDING, new=TicketStatus.SCANNED, actor="phone", openid="o-1")
    LoginTicket.objects.filter(pk__in=[scanned.pk, untouched.pk]).update(expires_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert tickets_expire_overdue() == 2
    assert value("scanlogin_logins_total", **labels) == before + 1  # only the scanned one is a login outcome


def test_wechat_calls_are_counted_by_result_and_timed(wechat_sim, settings):
    ok = value("scanlogin_wechat_requests_total", api="token", result="ok")
    refused = value("scanlogin_wechat_requests_total", api="token", result="40013")
    timed = value("scanlogin_wechat_request_seconds_count", api="token")
    WeChatClient(settings.WECHAT_DEFAULT_APP_ID, settings.WECHAT_DEFAULT_APP_SECRET).access_token()
    with pytest.raises(WeChatCredentialsInvalid):
        WeChatClient("wx" + "ab" * 8, "s" * 32).access_token()
    assert value("scanlogin_wechat_requests_total", api="token", result="ok") == ok + 1
    assert value("scanlogin_wechat_requests_total", api="token", result="40013") == refused + 1
    assert value("scanlogin_wechat_request_seconds_count", api="token") == timed + 2

    drawn = value("scanlogin_wechat_requests_total", api="wxacode", result="ok")
    WeChatClient(settings.WECHAT_DEFAULT_APP_ID, settings.WECHAT_DEFAULT_APP_SECRET).wxacode(scene="abc")
    assert value("scanlogin_wechat_requests_total", api="wxacode", result="ok") == drawn + 1


def test_an_unreachable_wechat_counts_each_attempt(settings, db):
    before = value("scanlogin_wechat_requests_total", api="jscode2session", result="unreachable")
    client = WeChatClient("wx" + "cd" * 8, "s" * 32, base_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(WeChatUnavailable):
        client.code2session("some-code")
    assert value("scanlogin_wechat_requests_total", api="jscode2session", result="unreachable") == before + 1


@pytest.mark.django_db(transaction=True)
def test_waiters_and_notify_delay_are_measured(redis_notify, pool, login_app, connection):
    from django.db import connections

    from hostedlogin.tickets import ticket_create

    ticket = ticket_create(pool=pool, application=login_app, connection=connection, browser_hash="b" * 64)
    notified = value("scanlogin_ticket_notify_seconds_count")
    waiting = value("scanlogin_longpoll_waiters")

    def scan():
        try:
            return transition(ticket, old=TicketStatus.PENDING, new=TicketStatus.SCANNED, actor="phone", openid="o-1")
        finally:
            connections.close_all()

    async def scenario():
        hub = longpoll.hub()
        with longpoll.watch(ticket.key) as w:
            assert value("scanlogin_longpoll_waiters") == waiting + 1
            state = await w.load(pool.slug, "b" * 64, lambda key: longpoll.ticket_states([key])[key], ticket.key)
            deadline = asyncio.get_running_loop().time() + 20
            while not hub.covered(w):
                assert asyncio.get_running_loop().time() < deadline
                await asyncio.sleep(0.02)
            waiting_for = asyncio.create_task(w.wait_for_change(state, "pending", 20, lambda: None))
            assert await asyncio.to_thread(scan)
            assert (await waiting_for)["status"] == "scanned" and w.via == "push"
        assert value("scanlogin_longpoll_waiters") == waiting
        for task in hub._tasks:
            task.cancel()
        await asyncio.gather(*hub._tasks, return_exceptions=True)

    run_loop(scenario())
    assert value("scanlogin_ticket_notify_seconds_count") == notified + 1
    assert value("scanlogin_ticket_notify_seconds_sum") >= 0


# --- the Grafana dashboard queries what /metrics has -----------------------------------------
def test_every_metric_the_dashboard_queries_is_exposed(client, metrics_token, pool):
    dashboard = json.loads((ROOT / "deploy" / "grafana" / "scanlogin.json").read_text())
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel.get("targets", [])]
    queried = {m for expr in exprs for m in re.findall(r"\b(scanlogin_[a-z_]+)", expr)}
    assert len(exprs) >= 6 and len(queried) >= 7
    client.get("/healthz")
    exposed = set()
    for family in text_string_to_metric_families(scrape(client)):
        exposed |= {family.name, f"{family.name}_total", f"{family.name}_bucket", f"{family.name}_count", f"{family.name}_sum"}
    assert queried - exposed == set()
    required = {"scanlogin_logins_total", "scanlogin_wechat_requests_total", "scanlogin_wechat_request_seconds_bucket",
                "scanlogin_ticket_notify_seconds_bucket", "scanlogin_longpoll_waiters", "scanlogin_http_requests_total",
                "scanlogin_http_request_seconds_bucket"}
    assert required <= queried


def test_prometheus_config_scrapes_metrics_with_the_token():
    import yaml

    config = yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text())
    job, = [j for j in config["scrape_configs"] if j["job_name"] == "scanlogin"]
    assert job["metrics_path"] == "/metrics"
    assert job["authorization"]["type"] == "Bearer" and "credentials_file" in job["authorization"]
