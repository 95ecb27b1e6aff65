"""SQL statements per endpoint of a complete scan login, pinned so they cannot silently grow.

The README's table "Queries per endpoint" lists the same numbers; a change that adds a query to
one of these paths updates both and says why. Transaction control (savepoints here, BEGIN and
COMMIT in production) is not counted. The WeChat calls go to the simulator over HTTP.

The tests commit (transaction=True) as production does: configuration rows (pool, application,
connection, its links) are kept per process only outside a transaction (scanlogin/config_cache.py).
"""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hostedlogin.models import LoginTicket
from scanlogin.config_cache import config_cache
from tests.fixtures.scanflow import Browser, off_loop, sim_user

pytestmark = pytest.mark.django_db(transaction=True)

# "the transition": the ticket's conditional UPDATE, its audit row and its funnel count, one statement
# on PostgreSQL (hostedlogin/tickets.py: _moved)
# endpoint: statements of a first login of a new WeChat user (signed up at confirm), in a process
# that already served a login (its configuration rows kept: the steady state)
PINNED = {
    "page": 0,       # pool, application and its enabled connections are kept in memory
    "ticket": 1,     # INSERT ticket with its funnel count, one statement (pool, application, connection: kept)
    "code": 1,       # the ticket (its connection: kept; the drawing is cached in Redis)
    "status": 1,     # the ticket (0 for a re-poll the subscription kept current: test_longpoll_http)
    "scan": 3,       # ticket, known identity?, the transition (still enabled?: kept)
    "confirm": 8,    # ticket, lock, identity by openid, by unionid, INSERT user, INSERT identity, the transition, INSERT event
    "exchange": 4,   # ticket with its user and identity, the transition, INSERT session, UPDATE last login
}
# the same login as the first of a process (nothing kept yet): each configuration row read once
PINNED_COLD = {**PINNED, "page": 3, "code": 2, "scan": 6}  # page: pool, application, connections; code: + connection; scan: + application, pool, links


def statements(call):
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    control = ("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "COMMIT", "ROLLBACK")
    sql = [q["sql"] for q in ctx.captured_queries if not q["sql"].upper().startswith(control)]
    return response, sql


def login_counted(browser, phone, wx_user, pool, login_app):
    """Run a complete login, endpoint by endpoint; {endpoint: (status code, [sql])}."""
    out = {}

    def step(name, call):
        # Counted in the thread that runs the request: after the browser tests (transactional tests
        # run last) this thread has Playwright's loop running, and the async status view runs elsewhere.
        response, sql = off_loop(lambda: statements(call))
        out[name] = (response.status_code, sql)
        return response

    step("page", lambda: browser.client.get(f"/u/{pool.slug}/login", {"app_id": login_app.client_id}))
    key = step("ticket", browser.create).json()["ticket"]
    scene = LoginTicket.objects.get(key=key).scene
    step("code", lambda: browser.client.get(browser.url(f"/{key}/qrcode.png")))
    step("status", lambda: browser.status(key, since="", wait=0))
    code = phone.login_code(wx_user)
    token = step("scan", lambda: phone.post("scan", {"scene": scene, "code": code})).json()["scan_token"]
    phone_code = phone.phone_code(wx_user)
    step("confirm", lambda: phone.post("confirm", {"scan_token": token, "phone_code": phone_code}))
    step("exchange", lambda: browser.exchange(key))
    return out


def assert_pinned(counted, pinned):
    assert {name: status for name, (status, _sql) in counted.items()} == {
        "page": 200, "ticket": 201, "code": 200, "status": 200, "scan": 200, "confirm": 200, "exchange": 200}
    found = {name: len(sql) for name, (_status, sql) in counted.items()}
    detail = {name: sql for name, (_status, sql) in counted.items() if len(sql) != pinned[name]}
    assert found == pinned, detail


def test_each_endpoint_of_a_login_runs_its_pinned_number_of_queries(browser, phone, wx_user, pool, login_app, wechat_sim):
    first = sim_user(wechat_sim, "13800138001", nickname="Wang Fang")
    login_counted(Browser(pool, login_app), phone, first, pool, login_app)  # the process's first login keeps the configuration rows
    assert_pinned(login_counted(browser, phone, wx_user, pool, login_app), PINNED)


def test_the_first_login_of_a_process_reads_each_configuration_row_once(browser, phone, wx_user, pool, login_app):
    config_cache.clear()
    assert_pinned(login_counted(browser, phone, wx_user, pool, login_app), PINNED_COLD)


def test_a_login_repeats_no_query(browser, phone, wx_user, pool, login_app):
    config_cache.clear()
    for name, (_status, sql) in login_counted(browser, phone, wx_user, pool, login_app).items():
        repeated = {q for q in sql if sql.count(q) > 1}
        assert not repeated, (name, repeated)
