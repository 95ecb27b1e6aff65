"""accounts: the migration to one account per verified phone keeps the number verified on the most
recently used account, unverifies it on the others with an audit row each, then adds the index."""
from datetime import datetime, timezone

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from accounts.models import AccountAudit, AccountChange, EndUser

BEFORE = ("accounts", "0005_account_audit_merged_into")


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def at(day):
    return datetime(2026, 11, day, tzinfo=timezone.utc)


@pytest.mark.django_db(transaction=True)
def test_duplicates_are_resolved_to_the_most_recently_used_account_and_recorded():
    apps = migrate([BEFORE])
    pools = apps.get_model("tenants", "UserPool").objects
    acme, other = pools.create(slug="acme", name="Acme"), pools.create(slug="other", name="Other")
    users = apps.get_model("accounts", "EndUser").objects
    phone = "+8613912345678"
    old = users.create(pool=acme, phone=phone, phone_verified=True, created_at=at(1), last_login_at=at(10))
    recent = users.create(pool=acme, phone=phone, phone_verified=True, created_at=at(2), last_login_at=at(20))
    never = users.create(pool=acme, phone=phone, phone_verified=True, created_at=at(3), last_login_at=None)
    typed = users.create(pool=acme, phone=phone, phone_verified=False, created_at=at(4))
    elsewhere = users.create(pool=other, phone=phone, phone_verified=True, created_at=at(5))
    single = users.create(pool=acme, phone="+8613900000000", phone_verified=True, created_at=at(6))

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    verified = {u.pk: u.phone_verified for u in EndUser.objects.all()}
    assert verified == {old.pk: False, recent.pk: True, never.pk: False, typed.pk: False, elsewhere.pk: True,
                        single.pk: True}
    assert set(EndUser.objects.values_list("phone", flat=True)) == {phone, "+8613900000000"}  # no number lost
    audits = AccountAudit.objects.order_by("user_id")
    assert [(a.user_id, a.change, a.actor) for a in audits] == [
        (old.pk, AccountChange.PHONE_UNVERIFIED, "migration"), (never.pk, AccountChange.PHONE_UNVERIFIED, "migration")]
    assert all(a.detail == {"phone": phone, "kept_on": str(recent.sub)} for a in audits)
    with pytest.raises(IntegrityError), transaction.atomic():  # and now the index holds
        EndUser.objects.filter(pk=old.pk).update(phone_verified=True)


@pytest.mark.django_db(transaction=True)
def test_connections_matching_on_email_or_username_keep_only_the_phone():
    apps = migrate([("connections", "0002_pool_models_in_tenants")])
    pool = apps.get_model("tenants", "UserPool").objects.create(slug="acme", name="Acme")
    conns = apps.get_model("connections", "Connection").objects
    base = {"pool": pool, "display_name": "WeChat", "callback_url": "https://a.example/cb"}
    rows = {
        "phone-email": conns.create(identifier="a", linking_enabled=True, link_match_fields=["phone", "email"], **base),
        "email-only": conns.create(identifier="b", linking_enabled=True, link_match_fields=["email"], **base),
        "username-bind": conns.create(identifier="c", linking_enabled=True, link_match_fields=["username"],
                                      link_ask_bind=True, **base),
        "nothing": conns.create(identifier="d", linking_enabled=True, link_match_fields=[], **base),
        "off": conns.create(identifier="e", linking_enabled=False, link_match_fields=["email"], **base),
    }
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    from connections.models import Connection

    got = {k: Connection.objects.values_list("linking_enabled", "link_match_fields", "link_ask_bind").get(pk=c.pk)
           for k, c in rows.items()}
    assert got == {
        "phone-email": (True, ["phone"], False),
        "email-only": (False, [], False),  # it never linked anything: now it says so
        "username-bind": (True, [], True),
        "nothing": (False, [], False),
        "off": (False, [], False),
    }
    for conn in Connection.objects.all():
        conn.full_clean()  # every row passes the model's rules afterwards
