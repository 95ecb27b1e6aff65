"""PostgreSQL goes away under load: every request answers a clear 503 (JSON, or a page for a browser
navigating) while it is away, never a 500, and the service recovers without a restart. The database
is cut for real: ScanLogin (uvicorn, another process) reaches it through a TCP proxy that resets
every connection and refuses new ones, then opens again. Also: without Celery, tickets expire on read."""
import threading
import time

import pytest
import requests

from hostedlogin.models import LoginTicket
from tests.fixtures.outage import HttpBrowser, database_url_for, server_env

pytestmark = pytest.mark.django_db(transaction=True)


class Load:
    """Browsers hammering the server from threads: ticket creation (JSON), status reads (async
    long-poll view) and login page navigations (HTML). Records (phase, kind, status, response)."""

    def __init__(self, server, app):
        self.server, self.app = server, app
        self.phase = "before"
        self.results: list[tuple] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(kind,), daemon=True)
                         for kind in ("create", "create", "status", "page")]

    def _browser(self):
        browser = HttpBrowser(self.server.url)
        while not self._stop.is_set():
            page = browser.request("GET", f"/u/acme/login?app_id={self.app.client_id}", headers={"Accept": "text/html"})
            if page.status_code == 200:
                return browser
            time.sleep(0.1)
        return browser

    def _run(self, kind):
        browser = self._browser()
        ticket = None
        while not self._stop.is_set():
            phase = self.phase
            try:
                if kind == "create":
                    r = browser.request("POST", "/u/acme/api/qr-tickets", json={"app_id": self.app.client_id, "connection": "wechat-pc"})
                elif kind == "status":
                    if ticket is None:
                        made = browser.request("POST", "/u/acme/api/qr-tickets", json={"app_id": self.app.client_id, "connection": "wechat-pc"})
                        ticket = made.json().get("ticket") if made.status_code == 201 else None
                        continue
                    r = browser.request("GET", f"/u/acme/api/qr-tickets/{ticket}?since=&wait=0")
                else:
                    r = browser.request("GET", f"/u/acme/login?app_id={self.app.client_id}", headers={"Accept": "text/html"})
            except requests.RequestException as exc:
                self.results.append((phase, kind, "connection error", exc))
                continue
            self.results.append((phase, kind, r.status_code, r))

    def start(self):
        for t in self._threads:
            t.start()
        return self

    def stop(self):
        self._stop.set()
        for t in self._threads:
            t.join(20)

    def seen(self, phase, kind, status) -> int:
        return sum(1 for p, k, s, _ in self.results if p == phase and k == kind and s == status)

    def wait_for(self, condition, timeout=30.0):
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, f"not reached: {self.summary()}"
            time.sleep(0.05)

    def summary(self):
        counts = {}
        for p, k, s, _ in self.results:
            counts[(p, k, s)] = counts.get((p, k, s), 0) + 1
        return counts


def test_a_database_restart_under_load_is_a_clear_503_and_recovers_by_itself(db_proxy, scanlogin_server,
                                                                            login_app, wechat_sim):
    server = scanlogin_server(**server_env(database_url=database_url_for(port=db_proxy.port), redis_url="",
                                           wechat_api_base=wechat_sim.base_url, RATE_LIMITS_ENABLED="false",
                                           DB_POOL_TIMEOUT="2"))  # a request waits this long for a connection
    load = Load(server, login_app).start()
    try:
        load.wait_for(lambda: all(load.seen("before", k, s) >= 3 for k, s in (("create", 201), ("status", 200), ("page", 200))))
        load.phase = "away"
        db_proxy.cut()
        load.wait_for(lambda: all(load.seen("away", k, 503) >= 3 for k in ("create", "status", "page")), timeout=90)
        load.phase = "back"
        db_proxy.restore()
        load.wait_for(lambda: all(load.seen("back", k, s) >= 5 for k, s in (("create", 201), ("status", 200), ("page", 200))),
                      timeout=90)
    finally:
        load.stop()

    statuses = {s for _, _, s, _ in load.results}
    assert statuses <= {200, 201, 503}, load.summary()  # never a 500, never a dropped connection
    for phase, kind, status, response in load.results:
        if status != 503:
            continue
        assert int(response.headers["Retry-After"]) >= 1
        if kind == "page":
            assert response.headers["Content-Type"].startswith("text/html")
            assert "cannot reach its database" in response.text
        else:
            assert response.json()["error"] == "service_unavailable" and response.json()["message"]
    # Every ticket the server said it created exists; none was half-written.
    created = [r.json()["ticket"] for _, kind, s, r in load.results if kind == "create" and s == 201]
    assert LoginTicket.objects.filter(key__in=created).count() == len(created)
    # Once back, it stays back: the last answers of every kind are successes.
    for kind in ("create", "status", "page"):
        last = [s for p, k, s, _ in load.results if k == kind and p == "back"][-3:]
        assert set(last) <= {200, 201}, load.summary()


@pytest.mark.browser
def test_the_unavailable_page_is_translated(db_proxy, scanlogin_server, login_app, wechat_sim, chromium, screenshot,
                                           collected_static):
    server = scanlogin_server(**server_env(database_url=database_url_for(port=db_proxy.port), redis_url="",
                                           wechat_api_base=wechat_sim.base_url, STATIC_ROOT=collected_static,
                                           DB_POOL_TIMEOUT="2"))
    db_proxy.cut()
    for locale, text in (("en-US", "cannot reach its database"), ("zh-CN", "暂时无法连接数据库")):
        context = chromium.new_context(locale=locale, viewport={"width": 1000, "height": 700})
        page = context.new_page()
        answer = page.goto(f"{server.url}/u/acme/login?app_id={login_app.client_id}")
        assert answer.status == 503 and text in page.inner_text("body")
        assert page.evaluate("getComputedStyle(document.querySelector('.card')).borderRadius") != "0px"  # styled
        screenshot(page, f"security-database-unavailable-{locale}")
        context.close()
    db_proxy.restore()


def test_without_celery_tickets_still_expire_on_read(scanlogin_server, login_app, wechat_sim, settings):
    server = scanlogin_server(**server_env(database_url=database_url_for(), redis_url=settings.REDIS_URL,
                                           wechat_api_base=wechat_sim.base_url, QR_TICKET_TTL="1"))
    browser = HttpBrowser(server.url)
    browser.request("GET", f"/u/acme/login?app_id={login_app.client_id}")
    ticket = browser.request("POST", "/u/acme/api/qr-tickets", json={"app_id": login_app.client_id, "connection": "wechat-pc"}).json()
    time.sleep(1.5)  # past the ticket's life; no worker or beat runs anywhere
    status = browser.request("GET", f"/u/acme/api/qr-tickets/{ticket['ticket']}?since=pending&wait=0").json()
    assert status["status"] == "expired" and status["expires_in"] == 0
    assert LoginTicket.objects.get(key=ticket["ticket"]).status == "expired"
