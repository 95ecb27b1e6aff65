"""accounts 0003 adds LoginEvent.region and fills it in for the events already written."""
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import LoginEvent


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_events_written_before_the_field_get_the_region_of_their_ip():
    apps = migrate([("accounts", "0002_pool_models_in_tenants")])
    pool = apps.get_model("tenants", "UserPool").objects.create(slug="acme", name="Acme")
    old = apps.get_model("accounts", "LoginEvent").objects
    for ip in ("113.116.0.1", "192.168.1.20", None):
        old.create(pool=pool, outcome="created", ip=ip)
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert [e.region for e in LoginEvent.objects.order_by("id")] == [
        {"country": "中国", "province": "广东", "city": "深圳"}, {"local": True}, {}]
