"""SQL statements per endpoint of a complete scan login, pinned so they cannot silently grow.

The README's table "Queries per endpoint" lists the same numbers; a change that adds a query to
one of these paths updates both and says why. Transaction control (savepoints here, BEGIN and
COMMIT in production) is not counted. The WeChat calls go to the simulator over HTTP.
"""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hostedlogin.models import LoginTicket

# endpoint: statements (a first login of a new WeChat user: signed up at confirm)
PINNED = {
    "page": 3,       # pool, application, its enabled connections
    "ticket": 5,     # pool, application, connection, INSERT ticket, funnel counter
    "code": 1,       # the ticket with its connection (the drawing is cached in Redis)
    "status": 1,     # the ticket (0 for a re-poll the subscription kept current: test_longpoll_http)
    "scan": 6,       # ticket+app+pool+connection, still enabled?, known identity?, UPDATE, INSERT transition, funnel counter
    "confirm": 10,   # ticket, lock, identity by openid, by unionid, INSERT user, INSERT identity, UPDATE, INSERT transition, funnel counter, INSERT event
    "exchange": 6,   # ticket with everything it uses, UPDATE, INSERT transition, funnel counter, INSERT session, UPDATE last login
}


def statements(call):
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    sql = [q["sql"] for q in ctx.captured_queries if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    return response, sql


@pytest.fixture
def counted(browser, phone, wx_user, pool, login_app):
    """Run a complete login, endpoint by endpoint; {endpoint: (status code, [sql])}."""
    out = {}

    def step(name, call):
        response, sql = statements(call)
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


def test_each_endpoint_of_a_login_runs_its_pinned_number_of_queries(counted):
    assert {name: status for name, (status, _sql) in counted.items()} == {
        "page": 200, "ticket": 201, "code": 200, "status": 200, "scan": 200, "confirm": 200, "exchange": 200}
    found = {name: len(sql) for name, (_status, sql) in counted.items()}
    detail = {name: sql for name, (_status, sql) in counted.items() if len(sql) != PINNED[name]}
    assert found == PINNED, detail


def test_a_login_repeats_no_query(counted):
    for name, (_status, sql) in counted.items():
        repeated = {q for q in sql if sql.count(q) > 1}
        assert not repeated, (name, repeated)
