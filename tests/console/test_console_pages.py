"""Console pages as an admin and an operator use them: connections, secrets, switches, roles."""
import re

import pytest

from connections.models import Connection, ConnectionApplication
from tenants.models import Application, Membership, Role
from tests.fixtures.console import APP_ID, APP_SECRET, image_bytes

CONN = "/console/connections/connection/"
APP = "/console/tenants/application/"
ADD_FORM = {
    "identifier": "scan", "display_name": "Scan with WeChat", "callback_url": "https://shop.example.com/done",
    "enabled": "on",
}


def test_add_url_leads_through_the_wizard(admin_console):
    assert admin_console.get(f"{CONN}add/")["Location"] == f"{CONN}create/"
    sources = admin_console.get(f"{CONN}create/").content.decode()
    assert f"{CONN}create/wechat/" in sources
    modes = admin_console.get(f"{CONN}create/wechat/").content.decode()
    assert "PC mini-program scan" in modes and f"{CONN}add/?mode=wechat_miniprogram_pc" in modes
    for unavailable in ["Website QR (Open Platform)", "Official account", "Mini-program in-app", "Mobile app"]:
        assert unavailable in modes
    assert modes.count("Not yet available") == 4
    form = admin_console.get(f"{CONN}add/?mode=wechat_miniprogram_pc").content.decode()
    assert 'name="identifier"' in form and 'name="app_secret"' in form and "Lowercase letters, digits and hyphens" in form
    assert "唯一标识" not in form  # the English console shows English help only


def test_admin_creates_a_connection_in_the_current_pool(admin_console, pool):
    response = admin_console.post(f"{CONN}add/?mode=wechat_miniprogram_pc", ADD_FORM)
    assert response.status_code == 302
    conn = Connection.objects.get(identifier="scan")
    assert conn.pool == pool and conn.display_name == "Scan with WeChat"


def test_admin_form_errors_render_on_the_fields_not_a_500(admin_console):
    data = {**ADD_FORM, "identifier": "Bad_ID", "private_deployment": "on", "app_id": "nope"}
    response = admin_console.post(f"{CONN}add/?mode=wechat_miniprogram_pc", data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert {"identifier", "app_id", "app_secret"} <= set(errors)
    assert not Connection.objects.exists()


def test_crafted_admin_post_cannot_change_the_identifier(admin_console, connection):
    data = {**ADD_FORM, "identifier": "hijacked"}
    response = admin_console.post(f"{CONN}{connection.pk}/change/", data)
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.identifier == "wechat-pc" and connection.display_name == "Scan with WeChat"


def test_change_form_shows_identifier_read_only(admin_console, connection):
    html = admin_console.get(f"{CONN}{connection.pk}/change/").content.decode()
    assert re.search(r'<input[^>]*name="identifier"[^>]*disabled', html)


def rendered_pages(client, conn):
    urls = [CONN, f"{CONN}{conn.pk}/change/", f"{CONN}{conn.pk}/history/", f"{CONN}{conn.pk}/delete/", "/console/",
            f"{CONN}?q=own"]
    return {url: client.get(url) for url in urls}


def test_secret_is_in_no_rendered_console_page(admin_console, private_connection):
    admin_console.post(f"{CONN}{private_connection.pk}/change/", {
        **ADD_FORM, "display_name": "Renamed", "private_deployment": "on", "app_id": APP_ID, "app_secret": ""})
    for url, response in rendered_pages(admin_console, private_connection).items():
        assert response.status_code == 200, url
        assert APP_SECRET not in response.content.decode(), url
    private_connection.refresh_from_db()
    assert private_connection.app_secret == APP_SECRET and private_connection.display_name == "Renamed"


def test_admin_sees_only_last_four_of_the_secret(admin_console, private_connection):
    html = admin_console.get(f"{CONN}{private_connection.pk}/change/").content.decode()
    assert f"last 4: {APP_SECRET[-4:]}" in html and APP_SECRET not in html


def test_rejected_edit_does_not_echo_a_typed_secret(admin_console, private_connection):
    typed = "Z" * 32
    response = admin_console.post(f"{CONN}{private_connection.pk}/change/", {
        **ADD_FORM, "private_deployment": "on", "app_id": "broken", "app_secret": typed})
    assert response.status_code == 200 and typed not in response.content.decode()
    private_connection.refresh_from_db()
    assert private_connection.app_secret == APP_SECRET


def test_operator_never_sees_the_secret_at_all(operator_console, private_connection):
    for url, response in rendered_pages(operator_console, private_connection).items():
        html = response.content.decode()
        assert APP_SECRET not in html and f"last 4: {APP_SECRET[-4:]}" not in html, url
    html = operator_console.get(f"{CONN}{private_connection.pk}/change/").content.decode()
    assert 'name="app_secret"' not in html and "field-app_secret" not in html


@pytest.mark.parametrize(
    "method,path,data",
    [
        ("get", "add/?mode=wechat_miniprogram_pc", None),
        ("post", "add/?mode=wechat_miniprogram_pc", ADD_FORM),
        ("get", "create/", None),
        ("post", "{pk}/change/", {**ADD_FORM, "display_name": "changed"}),
        ("get", "{pk}/delete/", None),
        ("post", "{pk}/delete/", {"post": "yes"}),
    ],
)
def test_operator_cannot_add_edit_or_delete_a_connection(operator_console, connection, method, path, data):
    response = getattr(operator_console, method)(CONN + path.format(pk=connection.pk), data or {})
    assert response.status_code == 403  # their own pool's connection: there, but not theirs to change
    connection.refresh_from_db()
    assert connection.display_name == "WeChat" and Connection.objects.count() == 1


def test_operator_sees_connections_and_applications_read_only(operator_console, connection, application):
    html = operator_console.get(CONN).content.decode()
    assert "wechat-pc" in html and "Create identity source" not in html
    html = operator_console.get(f"{CONN}{connection.pk}/change/").content.decode()
    assert 'name="_save"' not in html and application.name in html
    assert operator_console.get(APP).status_code == 200


def test_operator_enables_and_disables_a_connection_for_an_application(operator_console, connection, application):
    url = f"{CONN}{connection.pk}/applications/{application.client_id}/"
    assert operator_console.post(url, {"enabled": "1"}).status_code == 302
    assert ConnectionApplication.objects.filter(connection=connection, application=application).exists()
    assert operator_console.post(url, {"enabled": "0"}).status_code == 302
    assert not ConnectionApplication.objects.filter(connection=connection, application=application).exists()


def test_enable_switch_needs_post_and_csrf(admin, connection, application):
    from django.test import Client
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    url = f"{CONN}{connection.pk}/applications/{application.client_id}/"
    assert client.get(url).status_code == 405
    assert client.post(url, {"enabled": "1"}).status_code == 403
    assert not ConnectionApplication.objects.exists()


def test_switch_returns_to_the_application_page(admin_console, connection, application):
    back = f"{APP}{application.pk}/change/"
    url = f"{CONN}{connection.pk}/applications/{application.client_id}/"
    assert admin_console.post(url, {"enabled": "1", "next": back})["Location"] == back
    assert admin_console.post(url, {"enabled": "1", "next": "https://evil.example.com/"})["Location"].startswith(CONN)


def test_connection_page_lists_every_application_with_its_switch(admin_console, connection, application):
    ConnectionApplication.objects.create(connection=connection, application=application)
    html = admin_console.get(f"{CONN}{connection.pk}/change/").content.decode()
    assert application.name in html and 'aria-checked="true"' in html


def test_connection_can_be_disabled_without_deleting(admin_console, connection):
    admin_console.post(f"{CONN}{connection.pk}/change/", {**ADD_FORM, "display_name": "WeChat"})
    connection.refresh_from_db()
    assert connection.enabled is False or connection.enabled is True  # field is present
    data = {k: v for k, v in ADD_FORM.items() if k != "enabled"}
    admin_console.post(f"{CONN}{connection.pk}/change/", data)
    connection.refresh_from_db()
    assert connection.enabled is False and Connection.objects.filter(pk=connection.pk).exists()


def test_logo_upload_through_the_admin_is_checked(admin_console):
    from django.core.files.uploadedfile import SimpleUploadedFile
    bad = SimpleUploadedFile("logo.png", b"not an image at all", content_type="image/png")
    response = admin_console.post(f"{CONN}add/?mode=wechat_miniprogram_pc", {**ADD_FORM, "logo": bad})
    assert response.status_code == 200 and "logo" in response.context["adminform"].form.errors
    good = SimpleUploadedFile("logo.webp", image_bytes("WEBP"), content_type="image/webp")
    assert admin_console.post(f"{CONN}add/?mode=wechat_miniprogram_pc", {**ADD_FORM, "logo": good}).status_code == 302
    conn = Connection.objects.get(identifier="scan")
    assert conn.logo.name.endswith(".png")
    assert conn.logo.url in admin_console.get(CONN).content.decode()


# --- applications ---------------------------------------------------------------------------

def test_admin_creates_an_application_and_sees_the_secret_once(admin_console, pool):
    response = admin_console.post(f"{APP}add/", {
        "name": "Portal", "description": "d", "redirect_uris": "https://portal.example.com/cb\nhttp://localhost:3000/cb"})
    assert response.status_code == 200
    app = Application.objects.get(name="Portal")
    secret = response.context["secret"]
    assert app.pool == pool and app.check_client_secret(secret) and secret not in app.client_secret_hash
    assert app.redirect_uris == ["https://portal.example.com/cb", "http://localhost:3000/cb"]
    assert secret in response.content.decode() and "no-store" in response["Cache-Control"]
    for url in [APP, f"{APP}{app.pk}/change/", f"{APP}{app.pk}/history/"]:
        assert secret not in admin_console.get(url).content.decode()


def test_bad_redirect_uri_is_a_field_error(admin_console):
    response = admin_console.post(f"{APP}add/", {"name": "Portal", "redirect_uris": "https://ok.example.com/\nnot a url"})
    assert response.status_code == 200
    assert "redirect_uris" in response.context["adminform"].form.errors
    assert not Application.objects.filter(name="Portal").exists()


def test_rotating_the_secret_shows_a_new_one_once(admin_console, application):
    response = admin_console.post(f"{APP}{application.pk}/rotate-secret/")
    secret = response.context["secret"]
    application.refresh_from_db()
    assert application.check_client_secret(secret)


def test_operator_cannot_rotate_or_edit_applications(operator_console, application):
    assert operator_console.post(f"{APP}{application.pk}/rotate-secret/").status_code == 403
    assert operator_console.post(f"{APP}add/", {"name": "X"}).status_code == 403
    assert not Application.objects.filter(name="X").exists()


def test_application_page_has_try_login_and_connection_switches(operator_console, application, connection, pool):
    html = operator_console.get(f"{APP}{application.pk}/change/").content.decode()
    assert f'href="{APP}{application.pk}/try-login/"' in html  # a fresh one-time grant per press
    pressed = operator_console.get(f"{APP}{application.pk}/try-login/")
    assert pressed.status_code == 302 and pressed["Location"].startswith(f"/u/{pool.slug}/login?app_id={application.client_id}&try=")
    assert "data-popup" in html and connection.display_name in html
    assert f"{CONN}{connection.pk}/applications/{application.client_id}/" in html


def test_application_logo_is_checked_and_reencoded(admin_console):
    from django.core.files.uploadedfile import SimpleUploadedFile
    bad = SimpleUploadedFile("l.png", b"text", content_type="image/png")
    response = admin_console.post(f"{APP}add/", {"name": "Logo app", "logo": bad})
    assert "logo" in response.context["adminform"].form.errors
    good = SimpleUploadedFile("l.jpg", image_bytes("JPEG"), content_type="image/jpeg")
    admin_console.post(f"{APP}add/", {"name": "Logo app", "logo": good})
    assert Application.objects.get(name="Logo app").logo.name.endswith(".png")


# --- tokens and memberships -----------------------------------------------------------------

def test_admin_creates_a_token_shown_once_and_revokes_it(admin_console, pool):
    from tenants.models import ManagementToken
    from tenants.tokens import token_authenticate
    response = admin_console.post("/console/tenants/managementtoken/add/", {"name": "CI", "role": "admin"})
    plaintext = response.context["secret"]
    token = ManagementToken.objects.get(name="CI")
    assert token.pool == pool and token_authenticate(plaintext) == token
    assert plaintext not in admin_console.get("/console/tenants/managementtoken/").content.decode()
    admin_console.post("/console/tenants/managementtoken/", {"action": "revoke_tokens", "_selected_action": [token.pk]})
    assert token_authenticate(plaintext) is None


@pytest.mark.parametrize("url", ["/console/tenants/managementtoken/", "/console/tenants/managementtoken/add/",
                                 "/console/tenants/membership/", "/console/tenants/membership/add/"])
def test_operator_cannot_reach_tokens_or_memberships(operator_console, url):
    assert operator_console.get(url).status_code == 403


def test_admin_adds_a_member_by_username(admin_console, pool, other_pool):
    from tests.fixtures.core import make_staff
    newbie = make_staff("nina")
    response = admin_console.post("/console/tenants/membership/add/", {"username": "nina", "role": "operator"})
    assert response.status_code == 302
    assert Membership.objects.get(user=newbie).pool == pool
    response = admin_console.post("/console/tenants/membership/add/", {"username": "nina", "role": "admin"})
    assert "username" in response.context["adminform"].form.errors
    response = admin_console.post("/console/tenants/membership/add/", {"username": "ghost", "role": "admin"})
    assert "username" in response.context["adminform"].form.errors


def test_member_role_decides_permissions_without_django_perms(pool, operator, connection):
    from tests.fixtures.console import logged_in
    Membership.objects.filter(user=operator).update(role=Role.ADMIN)
    client = logged_in(operator)
    assert operator.user_permissions.count() == 0
    assert client.get(f"{CONN}create/").status_code == 200


# --- language -------------------------------------------------------------------------------

def test_console_speaks_chinese_from_accept_language(admin_console, connection):
    html = admin_console.get(CONN, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert "创建身份源" in html and "用户池" in html


def test_language_switch_in_the_header(admin_console):
    html = admin_console.get("/console/").content.decode()
    assert 'action="/i18n/setlang/"' in html
    admin_console.post("/i18n/setlang/", {"language": "zh-hans", "next": "/console/"})
    assert "用户池" in admin_console.get("/console/").content.decode()


def test_new_secret_is_not_in_history_or_error_reports(admin, private_connection, monkeypatch):
    """A crash while saving must not put the typed AppSecret in the 500 page or the error report."""
    import sys

    from django.test import Client
    from django.views.debug import ExceptionReporter

    from console.admin.connections import ConnectionAdmin
    typed = "K" * 31 + "q"
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    data = {**ADD_FORM, "private_deployment": "on", "app_id": APP_ID, "app_secret": typed}
    assert client.post(f"{CONN}{private_connection.pk}/change/", data).status_code == 302
    assert typed not in client.get(f"{CONN}{private_connection.pk}/history/").content.decode()

    reports = []

    def explode(self, request, *args, **kwargs):
        try:
            raise RuntimeError("storage is down")
        except RuntimeError:
            reports.append(ExceptionReporter(request, *sys.exc_info()).get_traceback_text())
            raise
    monkeypatch.setattr(ConnectionAdmin, "save_model", explode)
    other = typed[::-1]
    response = client.post(f"{CONN}{private_connection.pk}/change/", {**data, "app_secret": other})
    assert response.status_code == 500 and other not in response.content.decode()
    assert "storage is down" in reports[0] and "app_secret" in reports[0]
    assert other not in reports[0] and typed not in reports[0]


def test_superuser_creates_a_pool_in_the_console(superuser):
    from tenants.models import UserPool
    from tests.fixtures.console import logged_in
    client = logged_in(superuser)
    assert client.post("/console/tenants/userpool/add/", {"name": "Initech", "slug": "initech"}).status_code == 302
    assert UserPool.objects.filter(slug="initech").exists()
    response = client.post("/console/tenants/userpool/add/", {"name": "Bad", "slug": "Bad Slug"})
    assert response.status_code == 200 and "slug" in response.context["adminform"].form.errors


@pytest.mark.parametrize("url", ["/console/tenants/userpool/", "/console/auth/user/", "/console/auth/user/add/"])
def test_pool_admin_cannot_manage_pools_or_users(admin_console, url):
    assert admin_console.get(url).status_code == 403
