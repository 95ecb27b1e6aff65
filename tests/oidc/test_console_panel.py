"""The console's application page shows what an OIDC client needs; warnings for callback URLs."""
from connections.services import connection_enable_for

APP = "/console/tenants/application/"
CONN = "/console/connections/connection/"


def test_application_page_shows_issuer_discovery_client_id_and_redirect_uris(operator_console, application, pool):
    page = operator_console.get(f"{APP}{application.pk}/change/").content.decode()
    issuer = f"http://testserver/u/{pool.slug}/oidc"
    assert f'<code id="oidc-issuer">{issuer}</code>' in page
    assert f'<code id="oidc-discovery">{issuer}/.well-known/openid-configuration</code>' in page
    assert application.client_id in page and "https://shop.example.com/callback" in page
    assert 'id="callback-gaps"' not in page


def test_application_page_warns_about_an_unregistered_callback_url(admin_console, application, connection):
    connection_enable_for(connection=connection, application=application)
    page = admin_console.get(f"{APP}{application.pk}/change/").content.decode()
    assert 'id="callback-gaps"' in page and connection.callback_url in page


def test_connection_page_warns_about_applications_missing_its_callback_url(admin_console, application, connection):
    connection_enable_for(connection=connection, application=application)
    page = admin_console.get(f"{CONN}{connection.pk}/change/").content.decode()
    assert 'id="callback-gaps"' in page and application.client_id in page
    application.redirect_uris = [*application.redirect_uris, connection.callback_url]
    application.save()
    assert 'id="callback-gaps"' not in admin_console.get(f"{CONN}{connection.pk}/change/").content.decode()


def test_admin_creates_a_public_client(admin_console, pool):
    from tenants.models import Application
    response = admin_console.post(f"{APP}add/", {"name": "SPA", "client_type": "public", "redirect_uris": "https://spa.example.com/cb"})
    assert response.status_code == 200
    assert Application.objects.get(name="SPA").is_public_client


def test_bad_client_type_is_a_field_error(admin_console):
    response = admin_console.post(f"{APP}add/", {"name": "SPA", "client_type": "weird"})
    assert "client_type" in response.context["adminform"].form.errors
