"""The plain-SQL reads of the login path (scanlogin/queries.py) give what the ORM gives."""
from datetime import timedelta

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import connection as db
from django.db.models import Sum
from django.utils import timezone

from accounts.models import EndUser, Identity
from accounts.services import end_user_create, identity_link
from hostedlogin.models import LoginTicket, TicketStageDay
from hostedlogin.tickets import ticket_create
from scanlogin.queries import set_sql, unique_row_where, update_where, where_sql

pytestmark = pytest.mark.django_db


def fields_of(instance):
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


@pytest.fixture
def ticket(pool, application, connection):
    return ticket_create(pool=pool, application=application, connection=connection, browser_hash="b" * 64,
                         widget_request={"redirect_uri": "https://shop.example.com/cb", "scope": ["openid"]})


@pytest.fixture
def user(pool):
    return end_user_create(pool=pool, phone="+8613800138000", phone_verified=True, nickname="Li Lei")


def test_a_row_and_its_relations_match_the_orm_and_need_no_further_query(ticket, user, connection, django_assert_num_queries):
    identity = identity_link(user=user, connection=connection, app_id="wx00000000000000d0", openid="o-1", profile={"city": "Hangzhou"})
    LoginTicket.objects.filter(pk=ticket.pk).update(user=user, identity=identity)
    by_orm = LoginTicket.objects.select_related("user", "identity").get(pk=ticket.pk)
    with django_assert_num_queries(1):
        found = unique_row_where(LoginTicket, '"key" = %s', [ticket.key], related=("user", "identity"))
        assert fields_of(found) == fields_of(by_orm)
        assert found.widget_request == {"redirect_uri": "https://shop.example.com/cb", "scope": ["openid"]}  # JSON converted
        assert fields_of(found.user) == fields_of(by_orm.user)  # (the UUID `sub` too)
        assert fields_of(found.identity) == fields_of(by_orm.identity) and found.identity.profile == {"city": "Hangzhou"}
    assert not found._state.adding and found._state.db == "default"


def test_an_empty_foreign_key_is_none_without_a_query(ticket, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = unique_row_where(LoginTicket, '"key" = %s', [ticket.key], related=("user",))
        assert found.pk == ticket.pk and found.user is None


def test_no_row_is_none(ticket):
    assert unique_row_where(LoginTicket, '"key" = %s', ["nope"], related=("user",)) is None
    assert unique_row_where(LoginTicket, '"key" = %s', ["nope"]) is None


def test_order_picks_the_first_of_several_rows(pool, connection):
    older, newer = (end_user_create(pool=pool, nickname=name) for name in ("older", "newer"))
    for user, openid, age in ((newer, "o-new", 1), (older, "o-old", 5)):
        identity = identity_link(user=user, connection=connection, app_id="wx00000000000000d0", openid=openid, unionid="u-1")
        Identity.objects.filter(pk=identity.pk).update(first_seen_at=timezone.now() - timedelta(days=age))
    first = unique_row_where(Identity, '"pool_id" = %s AND "unionid" = %s', [pool.pk, "u-1"], order='"first_seen_at", "id"', related=("user",))
    assert (first.openid, first.user.nickname) == ("o-old", "older")


def test_columns_are_named_by_field_and_a_typo_is_refused(user):
    where, params = where_sql(EndUser, {"pool": user.pool, "phone": "+8613800138000", "merged_into__isnull": True}, connection=db)
    assert where == '"pool_id" = %s AND "phone" = %s AND "merged_into_id" IS NULL'
    assert params == [user.pool_id, "+8613800138000"]
    assert where_sql(EndUser, {"merged_into": None}, connection=db) == ('"merged_into_id" IS NULL', [])  # as filter() reads None
    assert set_sql(EndUser, {"merged_into": None}, connection=db) == ('"merged_into_id" = %s', [None])  # a SET writes it
    now = timezone.now()
    assert where_sql(LoginTicket, {"expires_at__gt": now}, connection=db) == ('"expires_at" > %s', [now])
    with pytest.raises(FieldDoesNotExist):
        where_sql(EndUser, {"phnoe": "x"}, connection=db)
    with pytest.raises(FieldDoesNotExist):
        where_sql(EndUser, {"phone__contains": "138"}, connection=db)  # only the lookups the login path needs


def test_a_new_ticket_is_written_whole_with_its_funnel_count(ticket, pool):
    stored = LoginTicket.objects.get(pk=ticket.pk)
    assert fields_of(stored) == fields_of(ticket)  # defaults (key, scene), JSON, times: as written
    assert TicketStageDay.objects.filter(pool=pool, stage="pending").aggregate(n=Sum("count"))["n"] == 1
    ticket.reason = "checked"
    ticket.save(update_fields=["reason"])  # a saved instance: it updates its row
    assert LoginTicket.objects.get(pk=ticket.pk).reason == "checked"


def test_update_where_changes_the_matching_rows_only(user, pool):
    other = end_user_create(pool=pool, nickname="other")
    now = timezone.now()
    assert update_where(EndUser, {"last_login_at": now}, id=user.pk) == 1
    assert EndUser.objects.get(pk=user.pk).last_login_at == now
    assert EndUser.objects.get(pk=other.pk).last_login_at is None
    assert update_where(EndUser, {"nickname": "nobody"}, id=-1) == 0


def test_insert_row_writes_what_save_would_write(user, connection):
    identity = identity_link(user=user, connection=connection, app_id="wx00000000000000d0", openid="o-9", profile={"city": "Xi'an"})
    assert fields_of(EndUser.objects.get(pk=user.pk)) == fields_of(user)  # the UUID `sub`, auto_now, the unusable password
    assert fields_of(Identity.objects.get(pk=identity.pk)) == fields_of(identity)
    assert user.pk and identity.pk and not identity._state.adding
    identity.unionid = "u-9"
    identity.save(update_fields=["unionid"])  # a saved instance: it updates its row
    assert Identity.objects.get(pk=identity.pk).unionid == "u-9"
