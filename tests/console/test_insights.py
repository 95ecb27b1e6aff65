"""The pool dashboard (the console's landing page): counters written by the flow, exact figures
counted by the database in a bounded number of queries, only the current pool's, and a bad
period that falls back to the default."""
import random
from datetime import datetime, time, timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone

from accounts.models import LoginEvent, LoginOutcome
from connections.selectors import wechat_quota_for_pool
from connections.services import connection_create
from connections.wechat.quota import quota_spend
from console.charts import Row, Series, bar_rows, day_bars, nice_scale
from console.insights import SUCCESS, period_from, pool_dashboard
from hostedlogin.counters import stage_reached
from hostedlogin.models import TicketStageDay, TicketStatus, WeChatFailureDay
from tenants.services import application_create
from wechatsim.testing import sim_fault

pytestmark = pytest.mark.django_db


def funnel_counts(pool) -> dict:
    rows = TicketStageDay.objects.filter(pool=pool).values("stage").annotate(n=Sum("count"))
    return {r["stage"]: r["n"] for r in rows}


# -- what the login flow records ------------------------------------------------------------------

def test_a_login_counts_each_funnel_stage_once(browser, phone, wx_user):
    ticket = browser.new_ticket()
    browser.new_ticket()  # shown, never scanned
    assert phone.scan_and_confirm(ticket, wx_user).status_code == 200
    assert browser.exchange(ticket.key).status_code == 200
    assert browser.exchange(ticket.key).status_code == 409  # a second exchange is no second login
    assert funnel_counts(browser.pool) == {"pending": 2, "scanned": 1, "confirmed": 1, "consumed": 1}


def test_a_lost_race_counts_nothing(browser, phone, wx_user):
    ticket = browser.new_ticket()
    assert phone.scan(ticket, wx_user).status_code == 200
    assert phone.scan(ticket, wx_user).status_code == 409
    assert funnel_counts(browser.pool) == {"pending": 1, "scanned": 1}


def test_a_wechat_failure_is_counted_by_call_and_errcode(browser, phone, wx_user, wechat_sim):
    for _ in range(2):
        ticket = browser.new_ticket()
        code = phone.login_code(wx_user)
        sim_fault(wechat_sim, "jscode2session", errcode=40029)
        assert phone.post("scan", {"scene": ticket.scene, "code": code}).status_code == 400
    row = WeChatFailureDay.objects.get()
    assert (row.pool_id, row.connection, row.api, row.errcode, row.count) == (browser.pool.pk, "wechat-pc", "jscode2session", 40029, 2)
    assert row.day == timezone.localdate()
    # The login event of each failure is still written, as before.
    assert LoginEvent.objects.filter(outcome=LoginOutcome.FAILED).count() == 2


def test_counters_are_sharded_rows_of_one_day(pool):
    for _ in range(50):
        stage_reached(pool_id=pool.pk, stage=TicketStatus.SCANNED)
    stage_reached(pool_id=pool.pk, stage=TicketStatus.EXPIRED)  # not a funnel stage: not counted
    rows = TicketStageDay.objects.filter(pool=pool)
    assert sum(r.count for r in rows) == 50 and {r.stage for r in rows} == {"scanned"}
    assert 1 < rows.count() <= 8


# -- the figures ------------------------------------------------------------------------------------

@pytest.fixture
def history(pool, other_pool, connection, application, other_connection, other_application):
    """A pool's login events spread over 40 days (and the other pool's), with the expected counts."""
    shop2, _secret = application_create(pool=pool, name="Acme app", redirect_uris=["https://app.example.com/cb"])
    second = connection_create(pool=pool, identifier="wechat-2", display_name="WeChat 2", callback_url="https://shop.example.com/cb")
    rng = random.Random(15)
    today = timezone.localdate()
    outcomes = [o for o, _label in LoginOutcome.choices]
    events, expected = [], {"by_outcome": {}, "by_connection": {}, "by_application": {}, "refusals": {}, "old": 0}
    for i in range(3000):
        age = rng.randrange(40)
        day = today - timedelta(days=age)
        at = timezone.make_aware(datetime.combine(day, time(rng.randrange(24), rng.randrange(60))))
        if at > timezone.now():
            at = timezone.now() - timedelta(seconds=1)
        outcome = rng.choice(outcomes)
        conn = rng.choice([connection, second, None])
        app = rng.choice([application, shop2])
        reason = rng.choice(["login_only", "user_blocked"]) if outcome == LoginOutcome.REFUSED else ""
        events.append(LoginEvent(pool=pool, outcome=outcome, connection=conn, application=app, reason=reason, created_at=at))
        if age >= 30:
            expected["old"] += 1
            continue
        key = (day, outcome)
        expected["by_outcome"][key] = expected["by_outcome"].get(key, 0) + 1
        if outcome in SUCCESS:
            for name, obj in (("by_connection", conn), ("by_application", app)):
                k = (day, getattr(obj, "pk", None))
                expected[name][k] = expected[name].get(k, 0) + 1
        if reason:
            expected["refusals"][reason] = expected["refusals"].get(reason, 0) + 1
    events += [LoginEvent(pool=other_pool, outcome=LoginOutcome.LOGGED_IN, connection=other_connection,
                          application=other_application, created_at=timezone.now()) for _ in range(500)]
    LoginEvent.objects.bulk_create(events, batch_size=1000)
    TicketStageDay.objects.bulk_create([
        TicketStageDay(pool=pool, day=today, stage="pending", shard=0, count=40),
        TicketStageDay(pool=pool, day=today, stage="pending", shard=3, count=60),
        TicketStageDay(pool=pool, day=today - timedelta(days=3), stage="scanned", shard=1, count=70),
        TicketStageDay(pool=pool, day=today - timedelta(days=45), stage="consumed", shard=1, count=999),
        TicketStageDay(pool=other_pool, day=today, stage="pending", shard=0, count=5000),
    ])
    WeChatFailureDay.objects.bulk_create([
        WeChatFailureDay(pool=pool, day=today, connection="wechat-pc", api="phone", errcode=-1, count=4),
        WeChatFailureDay(pool=pool, day=today - timedelta(days=1), connection="wechat-pc", api="phone", errcode=-1, count=3),
        WeChatFailureDay(pool=pool, day=today, connection="wechat-2", api="wxacode", errcode=40125, count=2),
        WeChatFailureDay(pool=other_pool, day=today, connection="wechat-pc", api="phone", errcode=40013, count=77),
    ])
    return expected


def test_the_figures_are_exact_and_counted_in_a_bounded_number_of_queries(pool, history, django_assert_max_num_queries):
    from accounts.selectors import login_counts_by_day, refusal_counts

    with django_assert_max_num_queries(7):
        board = pool_dashboard(pool=pool, days=30)
    since = timezone.make_aware(datetime.combine(board.first_day, time.min))
    rows = login_counts_by_day(pool=pool, since=since)
    assert len(rows) == len({(r["day"], r["outcome"], r["connection_id"], r["application_id"]) for r in rows})  # grouped
    for by, column in (("outcome", "outcome"), ("connection", "connection_id"), ("application", "application_id")):
        got = {}
        for r in rows:
            if by == "outcome" or r["outcome"] in SUCCESS:
                got[(r["day"], r[column])] = got.get((r["day"], r[column]), 0) + r["n"]
        assert got == history[f"by_{by}"]
    assert {r["reason"]: r["n"] for r in refusal_counts(pool=pool, since=since)} == history["refusals"]
    total = sum(history["by_outcome"].values())
    assert board.totals["events"] == total
    assert board.totals["logins"] == sum(n for (d, o), n in history["by_outcome"].items() if o in SUCCESS)
    assert board.totals["refused"] == sum(history["refusals"].values())
    assert board.totals["tickets"] == 100 and board.totals["wechat_failures"] == 9
    assert board.totals["conversion"] == 0  # nothing consumed in the last 30 days (the 999 are older)


def test_seven_days_count_only_the_last_seven(pool, history):
    board = pool_dashboard(pool=pool, days=7)
    assert board.first_day == timezone.localdate() - timedelta(days=6)
    assert board.totals["events"] == sum(n for (d, o), n in history["by_outcome"].items() if d >= board.first_day)
    assert board.totals["wechat_failures"] == 9


def test_the_landing_page_shows_the_pool_dashboard(admin_console, pool, history, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        page = admin_console.get("/console/?days=30")
    assert page.status_code == 200
    board = page.context["insights"]
    assert board.days == 30 and board.totals["events"] == sum(history["by_outcome"].values())
    html = page.content.decode()
    for text in ("Logins per day by outcome", "Scan funnel", "Refusals by reason", "WeChat failures by errcode",
                 "WeChat quota used", "Successful logins by connection", "Successful logins by application",
                 "WeChat 2", "Acme app", "Wrong AppSecret", "<svg", "<title>"):
        assert text in html
    # The console's sections are still reached from the landing page.
    for link in ("/console/connections/connection/", "/console/tenants/application/", "/console/accounts/loginevent/"):
        assert f'href="{link}"' in html


def test_another_pools_staff_never_see_this_pools_figures(outsider_console, outsider, pool, other_pool, history):
    page = outsider_console.get("/console/?days=30")
    board = page.context["insights"]
    assert board.totals["events"] == 500 and board.totals["tickets"] == 5000 and board.totals["wechat_failures"] == 77
    html = page.content.decode()
    assert "Acme" not in html and "WeChat 2" not in html and "Wrong AppSecret" not in html
    # Nor by asking for the pool: switching to it is 404, and the page stays on their own pool.
    assert outsider_console.post("/console/switch-pool/", {"pool": pool.slug}).status_code == 404
    assert outsider_console.get("/console/").context["insights"].totals["events"] == 500


@pytest.mark.parametrize("value, days", [("7", 7), ("30", 30), ("", 7), ("abc", 7), ("31", 7), ("-7", 7), ("1e9", 7),
                                         ("30.0", 7), ("9" * 400, 7), (None, 7)])
def test_a_bad_period_falls_back_to_seven_days(admin_console, pool, value, days):
    assert period_from(value) == days
    page = admin_console.get("/console/", {} if value is None else {"days": value})
    assert page.status_code == 200 and page.context["insights"].days == days


def test_an_empty_pool_explains_what_will_appear(admin_console, pool):
    page = admin_console.get("/console/")
    assert page.context["insights"].empty
    html = page.content.decode()
    assert "No logins yet in this period" in html and "Try login" in html
    assert "Logins per day by outcome" not in html


def test_the_dashboard_speaks_chinese(admin_console, pool, history):
    admin_console.cookies["django_language"] = "zh-hans"
    html = admin_console.get("/console/?days=30").content.decode()
    for text in ("数据概览", "每日登录（按结果）", "扫码漏斗", "拒绝原因", "微信调用失败（按错误码）", "近 30 天", "AppSecret 错误"):
        assert text in html
    assert "Logins per day by outcome" not in html


def test_staff_without_a_pool_get_no_dashboard(superuser):
    from tests.fixtures.console import logged_in

    page = logged_in(superuser).get("/console/")
    assert page.status_code == 200 and "insights" not in page.context


# -- the WeChat budget ----------------------------------------------------------------------------

def test_the_quota_is_read_from_the_budgets_own_counters(pool, connection, settings):
    settings.WECHAT_QUOTA = {**settings.WECHAT_QUOTA, "token": "10/day", "wxacode": "100/minute"}
    for _ in range(3):
        quota_spend(app_id=settings.WECHAT_DEFAULT_APP_ID, api="token")
    rows = {r["api"]: r for r in wechat_quota_for_pool(pool=pool)}
    assert (rows["token"]["used"], rows["token"]["limit"], rows["token"]["window"]) == (3, 10, 86400)
    assert rows["token"]["shared"] and rows["token"]["connections"] == ["wechat-pc"]
    assert (rows["wxacode"]["used"], rows["wxacode"]["limit"]) == (0, 100)
    again = {r["api"]: r for r in wechat_quota_for_pool(pool=pool)}
    assert again["token"]["used"] == 3  # reading counts nothing


def test_a_private_mini_programs_budget_is_its_own(pool, private_connection, settings):
    settings.WECHAT_QUOTA = {**settings.WECHAT_QUOTA, "token": "10/day"}
    quota_spend(app_id=private_connection.app_id, api="token")
    rows = [r for r in wechat_quota_for_pool(pool=pool) if r["api"] == "token"]
    assert [(r["app_id"], r["shared"], r["used"]) for r in rows] == [(private_connection.app_id, False, 1)]


# -- the charts ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("top, expected", [(0, (1, 1)), (1, (1, 1)), (4, (4, 1)), (7, (8, 2)), (23, (25, 5)),
                                           (101, (150, 50)), (999, (1000, 200)), (123456, (150000, 50000))])
def test_axis_scales_are_round(top, expected):
    assert nice_scale(top) == expected


def test_charts_escape_labels_and_carry_tooltips():
    svg = str(day_bars(days=["11/29", "11/30"], day_titles=["Nov 29", "Nov 30"],
                       series=[Series("<script>x</script>", [3, 0], "sl-c-1"), Series("B", [1, 2], "sl-c-2")], label="L"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "<title>Nov 29 · B: 1</title>" in svg and svg.count("<rect") == 3  # no bar for a zero
    rows = str(bar_rows([Row("a&b", 5), Row("c", 10, of=20)]))
    assert "a&amp;b" in rows and 'width="50.00"' in rows
