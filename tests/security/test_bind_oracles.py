"""The bind page tells nobody which accounts exist: constant work, lockouts per login name and per
address across tickets, each failure and lock a login event, one message whether the account exists."""
import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from accounts.models import LoginEvent
from accounts.services import end_user_authenticate, end_user_create
from connections.services import connection_update
from tests.fixtures.scanflow import BIND_PASSWORD, Browser
from wechatsim.testing import sim_user

pytestmark = pytest.mark.django_db


class CountingHasher(PBKDF2PasswordHasher):
    """Django's default hasher, counting how often it hashes (to check a password or make a hash)."""
    calls = 0
    iterations = 1000  # the count matters here, not the cost

    def encode(self, password, salt, iterations=None):
        type(self).calls += 1
        return super().encode(password, salt, iterations)


@pytest.fixture(autouse=True)
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = ["tests.security.test_bind_oracles.CountingHasher"]
    CountingHasher.calls = 0
    return CountingHasher


@pytest.mark.parametrize("login", ["linwei", "no-such-user", "+8613800138000", "nopass", "twin@example.com"])
def test_exactly_one_hash_is_computed_whoever_the_login_names(pool, counting_hasher, login):
    end_user_create(pool=pool, username="linwei", phone="+8613800138000", password=BIND_PASSWORD)
    end_user_create(pool=pool, username="nopass")  # an account without a password (signed up by scanning)
    end_user_create(pool=pool, username="twin1", email="twin@example.com", password=BIND_PASSWORD)
    end_user_create(pool=pool, username="twin2", email="TWIN@example.com", password=BIND_PASSWORD)
    end_user_authenticate(pool=pool, login="warm-up", password="x")  # the dummy hash is made once per process
    counting_hasher.calls = 0
    assert end_user_authenticate(pool=pool, login=login, password="wrong-password") is None
    assert counting_hasher.calls == 1


def test_the_right_password_still_authenticates(pool, counting_hasher):
    user = end_user_create(pool=pool, username="linwei", password=BIND_PASSWORD)
    assert end_user_authenticate(pool=pool, login="linwei", password=BIND_PASSWORD) == user


@pytest.fixture
def bind_tickets(pool, login_app, connection, phone, existing_user):
    """new_bind() → (browser, url) of a fresh login paused at the bind step, each in its own browser."""
    connection_update(connection=connection, linking_enabled=True, link_ask_bind=True)
    made = []

    def new_bind():
        made.append(1)
        stranger = sim_user(phone.sim, f"139001{len(made):05d}")  # a WeChat identity no account has yet
        browser = Browser(pool, login_app)
        ticket = browser.new_ticket()
        assert phone.scan_and_confirm(ticket, stranger).status_code == 200
        assert browser.exchange(ticket.key).json()["status"] == "bind_required"
        return browser, f"/u/{pool.slug}/bind/{ticket.key}"
    return new_bind


def attempt(bind, login, password="wrong-password", **extra):
    browser, url = bind
    return browser.client.post(url, {"action": "bind", "login": login, "password": password}, **extra)


def outcomes():
    """The login events the bind attempts wrote (not those of the scans that led to the bind page)."""
    return list(LoginEvent.objects.exclude(outcome="bind_required").order_by("id").values_list("outcome", "reason"))


def test_a_login_name_is_locked_across_tickets_and_each_step_is_an_event(bind_tickets, settings, existing_user):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "bind_failures_per_account": "3/15 minutes"}
    for _ in range(3):  # three tickets, one wrong password each: the per-ticket limit (5) never applies
        assert attempt(bind_tickets(), "linwei").status_code == 400
    locked = attempt(bind_tickets(), "linwei", BIND_PASSWORD)  # even the right password, while locked
    assert locked.status_code == 429 and 60 <= int(locked["Retry-After"]) <= 900
    assert "Too many wrong attempts" in locked.content.decode()
    assert not existing_user.identities.exists()
    assert outcomes() == [("failed", "bind_invalid_credentials")] * 3 + [("refused", "bind_account_locked"),
                                                                         ("refused", "bind_locked")]
    # Other login names from elsewhere are not locked by it.
    assert attempt(bind_tickets(), "lin@example.com", BIND_PASSWORD).status_code == 302


def test_an_unknown_login_name_locks_and_answers_exactly_like_a_real_one(bind_tickets, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "bind_failures_per_account": "2/15 minutes"}
    pages = {}
    for login in ("linwei", "nobody-has-this-name"):
        first, second, third = (attempt(bind_tickets(), login) for _ in range(3))
        pages[login] = [(r.status_code, _message(r)) for r in (first, second, third)]
    assert pages["linwei"] == pages["nobody-has-this-name"]
    assert [status for status, _ in pages["linwei"]] == [400, 400, 429]


def _message(response) -> str:
    html = response.content.decode()
    start = html.index('class="alert"')
    return html[start:html.index("</p>", start)]


def test_an_address_is_locked_whatever_names_it_tries(bind_tickets, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "bind_failures_per_ip": "3/15 minutes"}
    for name in ("a", "b", "c"):
        assert attempt(bind_tickets(), name).status_code == 400
    assert attempt(bind_tickets(), "linwei", BIND_PASSWORD).status_code == 429
    assert ("refused", "bind_ip_locked") in outcomes()
    settings.TRUSTED_PROXIES = ["127.0.0.0/8"]  # the same people from another address are not locked
    assert attempt(bind_tickets(), "linwei", BIND_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.4").status_code == 302


def test_a_success_clears_the_login_names_failures(bind_tickets, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "bind_failures_per_account": "3/15 minutes"}
    for _ in range(2):
        attempt(bind_tickets(), "linwei")
    assert attempt(bind_tickets(), "linwei", BIND_PASSWORD).status_code == 302
    for _ in range(2):
        assert attempt(bind_tickets(), "linwei").status_code == 400  # counting starts again


def test_the_locked_message_is_translated(bind_tickets, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "bind_failures_per_account": "1/15 minutes"}
    attempt(bind_tickets(), "linwei")
    page = attempt(bind_tickets(), "linwei", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 429 and "错误次数过多" in page.content.decode()
