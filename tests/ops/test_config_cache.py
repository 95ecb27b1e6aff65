"""Configuration rows kept per process (scanlogin/config_cache.py): read once, forgotten on any change
here at once and on a change in another process within CONFIG_CACHE_SECONDS, never kept while Redis
is down or from inside a transaction."""
import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from connections.services import connection_disable_for, connection_enable_for
from connections.selectors import enabled_connections
from hostedlogin.selectors import connection_for_login
from scanlogin.config_cache import config_cache
from scanlogin.errors import NotFound
from tenants.models import UserPool
from tenants.selectors import application_get, pool_get
from tests.fixtures.outage import HttpBrowser, database_url_for, server_env

pytestmark = pytest.mark.django_db(transaction=True)


def queries(call):
    with CaptureQueriesContext(connection) as ctx:
        result = call()
    return result, len(ctx.captured_queries)


def test_a_configuration_row_is_read_from_the_database_once(pool, login_app, connection):
    assert queries(lambda: pool_get(slug="acme"))[1] == 1
    for _ in range(3):
        found, n = queries(lambda: pool_get(slug="acme"))
        assert (found.pk, n) == (pool.pk, 0)
    assert queries(lambda: application_get(pool=pool, client_id=login_app.client_id))[1] == 1
    assert queries(lambda: application_get(pool=pool, client_id=login_app.client_id))[1] == 0
    assert queries(lambda: connection.is_enabled_for(login_app)) == (True, 1)
    assert queries(lambda: connection.is_enabled_for(login_app)) == (True, 0)


def test_a_change_in_this_process_is_seen_at_once(pool, login_app, connection):
    assert pool_get(slug="acme").name == "Acme"
    assert connection_for_login(application=login_app, identifier="wechat-pc").pk == connection.pk
    assert connection.is_enabled_for(login_app)

    pool.name = "Acme Corp"
    pool.save()
    assert pool_get(slug="acme").name == "Acme Corp"

    connection_disable_for(connection=connection, application=login_app)  # a delete: the link's signal
    assert not connection.is_enabled_for(login_app)
    with pytest.raises(NotFound):
        connection_for_login(application=login_app, identifier="wechat-pc")
    assert enabled_connections(login_app) == []


def test_callers_get_their_own_copy(pool):
    first = pool_get(slug="acme")
    first.name = "changed by a caller, never saved"
    assert pool_get(slug="acme").name == "Acme"
    assert pool_get(slug="acme") is not pool_get(slug="acme")


def test_a_kept_row_is_copied_as_copy_copy_copies_a_model(pool, login_app):
    import copy

    from scanlogin.config_cache import model_copy

    kept = application_get(pool=pool, client_id=login_app.client_id)
    kept.pool  # a related row in the fields cache
    mine, django_copy = model_copy(kept), copy.copy(kept)
    assert type(mine) is type(kept) and mine is not kept and mine == kept
    fields = lambda row: {k: v for k, v in vars(row).items() if k not in ("_state", "_django_version")}  # noqa: E731
    assert fields(mine) == fields(django_copy)  # (copy.copy also leaves the pickle protocol's version mark)
    assert (mine._state.db, mine._state.adding) == (django_copy._state.db, django_copy._state.adding) == ("default", False)
    assert mine._state is not kept._state and mine._state.fields_cache is not kept._state.fields_cache
    assert mine.pool is kept.pool  # related rows are shared, as copy.copy shares them
    mine.name = "changed by a caller"
    mine._state.fields_cache.clear()
    assert kept.name == login_app.name and kept._state.fields_cache  # the kept one is untouched
    assert mine.pool.pk == pool.pk  # (read again for the copy alone)


def test_unknown_keys_are_not_kept(pool):
    with pytest.raises(NotFound):
        pool_get(slug="nope")
    UserPool.objects.create(slug="nope", name="Created since")
    assert pool_get(slug="nope").name == "Created since"


def test_nothing_read_inside_a_transaction_is_kept(pool):
    with transaction.atomic():
        assert queries(lambda: pool_get(slug="acme"))[1] == 1
        assert queries(lambda: pool_get(slug="acme"))[1] == 1  # (the transaction might still roll back)
    assert queries(lambda: pool_get(slug="acme"))[1] == 1
    assert queries(lambda: pool_get(slug="acme"))[1] == 0


def test_a_rolled_back_change_is_not_remembered(pool):
    with pytest.raises(RuntimeError), transaction.atomic():
        pool.name = "never committed"
        pool.save()
        assert pool_get(slug="acme").name == "never committed"
        raise RuntimeError
    assert pool_get(slug="acme").name == "Acme"


def test_a_read_that_a_change_overtook_is_not_kept(pool):
    def load_while_someone_changes_it():
        value = UserPool.objects.get(pk=pool.pk)
        config_cache.clear()  # a change lands between this read and the store
        return value

    config_cache.get(("raced",), load_while_someone_changes_it)
    assert queries(lambda: config_cache.get(("raced",), lambda: UserPool.objects.get(pk=pool.pk)))[1] == 1


def test_whatever_is_kept_is_read_again_after_its_maximum_age(pool, monkeypatch):
    from scanlogin import config_cache as module

    pool_get(slug="acme")
    UserPool.objects.filter(pk=pool.pk).update(name="Renamed by SQL")  # no signal: nothing forgets
    assert pool_get(slug="acme").name == "Acme"
    monkeypatch.setattr(module, "MAX_AGE_SECONDS", 0.05)
    time.sleep(0.1)
    assert pool_get(slug="acme").name == "Renamed by SQL"


def test_it_is_off_with_zero_seconds(pool, settings):
    settings.CONFIG_CACHE_SECONDS = 0
    pool_get(slug="acme")
    assert queries(lambda: pool_get(slug="acme"))[1] == 1


def _ticket_status(base: str, app) -> int:
    """A browser opens the login page and asks for a code of the connection: 201, or 404 once it is off."""
    browser = HttpBrowser(base)
    assert browser.request("GET", f"/u/acme/login?app_id={app.client_id}", headers={"Accept": "text/html"}).status_code == 200
    return browser.request("POST", "/u/acme/api/qr-tickets", json={"app_id": app.client_id, "connection": "wechat-pc"}).status_code


def test_a_change_made_in_another_process_reaches_a_server_within_the_check_interval(scanlogin_server, login_app, connection,
                                                                                  wechat_sim, settings):
    # The server shares this process's Redis: the generation this process writes on commit.
    server = scanlogin_server(**server_env(database_url=database_url_for(), redis_url=settings.REDIS_URL,
                                           wechat_api_base=wechat_sim.base_url, CONFIG_CACHE_SECONDS="0.5"))
    assert _ticket_status(server.url, login_app) == 201  # the server now keeps the pool, app and connection
    connection_disable_for(connection=connection, application=login_app)
    deadline, status = time.monotonic() + 5, 201
    while status == 201 and time.monotonic() < deadline:
        time.sleep(0.1)
        status = _ticket_status(server.url, login_app)
    assert status == 404  # connection_not_found: the server forgot what it kept
    connection_enable_for(connection=connection, application=login_app)
    deadline = time.monotonic() + 5
    while status == 404 and time.monotonic() < deadline:
        time.sleep(0.1)
        status = _ticket_status(server.url, login_app)
    assert status == 201


def test_while_redis_is_down_a_server_keeps_nothing_and_sees_every_change_at_once(private_redis, scanlogin_server, login_app,
                                                                                  connection, wechat_sim):
    # The server's Redis is a private one, killed below; this process writes its generations elsewhere.
    server = scanlogin_server(**server_env(database_url=database_url_for(), redis_url=private_redis.url,
                                           wechat_api_base=wechat_sim.base_url, CONFIG_CACHE_SECONDS="3600"))
    assert _ticket_status(server.url, login_app) == 201
    private_redis.kill()
    assert _ticket_status(server.url, login_app) == 201  # logins go on without Redis
    connection_disable_for(connection=connection, application=login_app)
    assert _ticket_status(server.url, login_app) == 404  # at once: nothing was kept once Redis stopped answering
