"""The pool dashboard in Chromium on a 1280x800 laptop screen, in English and Chinese."""
import random
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from accounts.models import LoginEvent, LoginOutcome
from connections.services import connection_create
from hostedlogin.models import TicketStageDay, WeChatFailureDay
from tenants.services import application_create
from tests.fixtures.core import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WEIGHTS = {LoginOutcome.LOGGED_IN: 50, LoginOutcome.CREATED: 12, LoginOutcome.MATCHED: 3, LoginOutcome.BOUND: 2,
           LoginOutcome.REFUSED: 4, LoginOutcome.CANCELLED: 3, LoginOutcome.EXPIRED: 5, LoginOutcome.FAILED: 2}


def seed(pool, connection, application):
    """A month of a small shop's logins: two connections, two applications, a few refusals and WeChat errors."""
    app2, _secret = application_create(pool=pool, name="Acme 会员中心", redirect_uris=["https://vip.example.com/cb"])
    conn2 = connection_create(pool=pool, identifier="own-mp", display_name="Acme mini-program", callback_url="https://shop.example.com/cb")
    rng = random.Random(7)
    today = timezone.localdate()
    events = []
    for age in range(30):
        day = today - timedelta(days=age)
        for _ in range(rng.randrange(20, 60) if age else 25):
            outcome = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
            at = timezone.make_aware(datetime.combine(day, time(rng.randrange(8, 23), rng.randrange(60))))
            events.append(LoginEvent(
                pool=pool, outcome=outcome, connection=rng.choice([connection, connection, conn2]),
                application=rng.choice([application, app2]), created_at=min(at, timezone.now()),
                reason=rng.choice(["login_only", "login_only", "user_blocked", "phone_in_use"]) if outcome == LoginOutcome.REFUSED else ""))
    LoginEvent.objects.bulk_create(events)
    TicketStageDay.objects.bulk_create([
        TicketStageDay(pool=pool, day=today - timedelta(days=age), stage=stage, shard=0, count=n + age % 5)
        for age in range(30) for stage, n in (("pending", 70), ("scanned", 48), ("confirmed", 42), ("consumed", 40))])
    WeChatFailureDay.objects.bulk_create([
        WeChatFailureDay(pool=pool, day=today, connection="own-mp", api="token", errcode=40125, count=6),
        WeChatFailureDay(pool=pool, day=today - timedelta(days=2), connection="wechat-pc", api="phone", errcode=-1, count=3),
        WeChatFailureDay(pool=pool, day=today - timedelta(days=9), connection="wechat-pc", api="jscode2session", errcode=40029, count=2),
    ])


def open_console(chromium, live_server, user, lang, path):
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale=lang)
    page = context.new_page()
    errors = []  # script errors, CSP violations, and any asset of the page that failed (not the browser's favicon)
    page.on("console", lambda msg: msg.type == "error" and "Failed to load resource" not in msg.text and errors.append(msg.text))
    page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico") and errors.append(f"{r.status} {r.url}"))
    page.goto(f"{live_server.url}/console/login/?next={path}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_selector("#content")
    return context, page, errors


@pytest.mark.parametrize("lang, title, period7", [("en", "Logins per day by outcome", "Last 7 days"),
                                                   ("zh-hans", "每日登录（按结果）", "近 7 天")])
def test_the_dashboard_reads_on_a_laptop_screen(live_server, chromium, operator, pool, connection, application,
                                                 screenshot, lang, title, period7):
    seed(pool, connection, application)
    context, page, errors = open_console(chromium, live_server, operator, lang, "/console/%3Fdays%3D30")
    try:
        page.wait_for_selector(".sl-dash")
        full = screenshot(page, f"console-dashboard-{lang}")
        page.screenshot(path=str(full.with_name(f"console-dashboard-{lang}-first-screen.png")))  # what a laptop shows
        assert page.locator(".sl-tile h3").first.inner_text() == title
        # Thirty days of bars, each with its tooltip; nothing wider than the screen.
        bars = page.locator(".sl-tile").first.locator("svg.sl-chart rect")
        assert bars.count() >= 30 and "·" in bars.first.locator("title").text_content()
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        # The headline chart and the funnel are seen without scrolling.
        box = page.locator("svg.sl-chart").first.bounding_box()
        assert box["y"] + box["height"] <= 800 and box["width"] > 400
        assert page.locator(".sl-kpi").count() == 4
        page.click(f"text={period7}")
        page.wait_for_selector(".sl-period a.is-current")
        assert page.url.endswith("?days=7#insights")
        assert page.locator(".sl-period a.is-current").inner_text() == period7
        assert page.locator(".sl-tile").first.locator("svg.sl-chart text.sl-chart__x").count() == 7
        assert errors == []  # no Content-Security-Policy violation, no script error
    finally:
        context.close()


@pytest.mark.parametrize("lang, text", [("en", "No logins yet in this period"), ("zh-hans", "这段时间还没有登录")])
def test_an_empty_pool_says_what_will_appear(live_server, chromium, admin, pool, screenshot, lang, text):
    context, page, errors = open_console(chromium, live_server, admin, lang, "/console/")
    try:
        assert page.locator(".sl-empty h3").inner_text() == text
        assert page.locator("#content-main a[href='/console/accounts/loginevent/']").count() >= 1
        screenshot(page, f"console-dashboard-empty-{lang}")
        assert errors == []
    finally:
        context.close()
