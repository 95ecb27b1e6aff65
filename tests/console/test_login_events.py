"""The console's login events say where each login came from ("中国 广东 深圳", "Local network")."""
import re

import pytest

from accounts.models import LoginEvent, LoginOutcome
from accounts.services import login_event_record

EVENTS = "/console/accounts/loginevent/"
SHENZHEN = {"country": "中国", "province": "广东", "city": "深圳"}


@pytest.fixture
def events(pool, connection, application):
    public = login_event_record(pool=pool, outcome=LoginOutcome.CREATED, connection=connection, application=application,
                                ip="113.116.0.1")
    local = login_event_record(pool=pool, outcome=LoginOutcome.REFUSED, connection=connection, application=application,
                               reason="login_only", ip="192.168.1.20")
    unknown = login_event_record(pool=pool, outcome=LoginOutcome.CANCELLED, ip=None)
    return public, local, unknown


def test_the_region_is_stored_when_the_event_is_written(events):
    public, local, unknown = events
    assert [e.region for e in LoginEvent.objects.order_by("id")] == [SHENZHEN, {"local": True}, {}]
    assert (public.region, local.region, unknown.region) == (SHENZHEN, {"local": True}, {})


def test_the_list_shows_the_region_under_the_ip(operator_console, events):
    page = operator_console.get(EVENTS, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'class="sortable column-ip_origin">\s*<div class="text"><a [^>]*>IP and region</a>', page)
    assert re.search(r'113\.116\.0\.1<div class="sl-muted">中国 广东 深圳</div>', page)
    assert re.search(r'192\.168\.1\.20<div class="sl-muted">Local network</div>', page)
    assert re.search(r'field-ip_origin[^>]*>—<div class="sl-muted">—</div>', page)  # no IP, no region


def test_the_list_in_chinese_says_local_network_in_chinese(operator_console, events):
    page = operator_console.get(EVENTS, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert re.search(r'column-ip_origin">\s*<div class="text"><a [^>]*>IP 与地区</a>', page)
    assert "本地网络" in page and "Local network" not in page


def test_the_detail_page_shows_the_region(operator_console, events):
    public, local, _ = events
    page = operator_console.get(f"{EVENTS}{public.pk}/change/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "中国 广东 深圳" in page and "113.116.0.1" in page
    page = operator_console.get(f"{EVENTS}{local.pk}/change/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Local network" in page


def test_another_pools_event_is_404(outsider_console, events):
    public, _, _ = events
    assert outsider_console.get(f"{EVENTS}{public.pk}/change/").status_code == 404


def test_the_end_users_page_lists_its_events_with_their_region(operator_console, pool, connection, end_user):
    login_event_record(pool=pool, outcome=LoginOutcome.LOGGED_IN, user=end_user, connection=connection, ip="113.116.0.1")
    page = operator_console.get(f"/console/accounts/enduser/{end_user.pk}/change/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "中国 广东 深圳" in page
