"""/api/v1/connections: fields as in the console form, validation, immutability, write-only secret, roles."""
import pytest

from connections.models import Connection

from .helpers import assert_error, image_bytes, upload

URL = "/api/v1/connections"
SECRET = "0123456789abcdefABCDEF0123456789"
APP_ID = "wx0123456789abcdef"


def create_body(**over):
    body = {"identifier": "wechat-scan", "display_name": "WeChat scan", "callback_url": "https://shop.example.com/cb"}
    return {**body, **over}


def test_create_read_list_with_defaults(api_client, pool):
    response = api_client.post(URL, create_body(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["identifier"] == "wechat-scan" and body["enabled"] is True and body["logo"] is None
    assert body["identity_linking"] == {"enabled": False, "match_fields": [], "ask_bind": False}
    assert body["app_secret_set"] is False and "app_secret" not in body
    assert Connection.objects.get(pool=pool, identifier="wechat-scan").display_name == "WeChat scan"
    assert api_client.get(f"{URL}/wechat-scan").json() == body
    assert [c["identifier"] for c in api_client.get(URL).json()["results"]] == ["wechat-scan"]


def test_private_deployment_and_linking_round_trip(api_client):
    body = create_body(private_deployment=True, app_id=APP_ID, app_secret=SECRET, login_only=True,
                       identity_linking={"enabled": True, "match_fields": ["phone"], "ask_bind": True})
    response = api_client.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    got = response.json()
    assert got["app_secret_set"] is True and got["app_secret_last4"] == SECRET[-4:]
    assert got["identity_linking"] == {"enabled": True, "match_fields": ["phone"], "ask_bind": True}
    conn = Connection.objects.get(identifier="wechat-scan")
    assert conn.wechat_credentials() == (APP_ID, SECRET) and conn.login_only and conn.link_ask_bind


@pytest.mark.parametrize(
    "over, field",
    [
        ({"identifier": "Bad_Id"}, "identifier"),
        ({"identifier": "x" * 32}, "identifier"),
        ({"identifier": ""}, "identifier"),
        ({"display_name": ""}, "display_name"),
        ({"callback_url": "ftp://example.com/x"}, "callback_url"),
        ({"callback_url": "/relative"}, "callback_url"),
        ({"private_deployment": True}, "app_id"),
        ({"private_deployment": True, "app_id": APP_ID}, "app_secret"),
        ({"app_id": "wx123"}, "app_id"),
        ({"app_secret": "short"}, "app_secret"),
        ({"identity_linking": {"match_fields": ["shoe_size"]}}, "identity_linking.match_fields"),
        ({"identity_linking": {"enabled": True, "match_fields": ["email"]}}, "identity_linking.match_fields"),
        ({"identity_linking": {"enabled": True, "match_fields": ["phone", "username"]}}, "identity_linking.match_fields"),
        ({"identity_linking": {"enabled": True, "match_fields": [], "ask_bind": False}}, "linking_enabled"),
        ({"identity_linking": {"enabled": True, "colour": "red"}}, "identity_linking.colour"),
        ({"enabled": "maybe"}, "enabled"),
        ({"app_secret_set": True}, "app_secret_set"),
    ],
)
def test_invalid_fields_are_400_with_field_messages(api_client, over, field):
    body = assert_error(api_client.post(URL, create_body(**over), format="json"), 400, "validation_error")
    assert any(key.startswith(field) for key in body["fields"]), body
    assert not Connection.objects.exists()


def test_missing_required_fields_are_reported(api_client):
    body = assert_error(api_client.post(URL, {}, format="json"), 400, "validation_error")
    assert {"identifier", "display_name", "callback_url"} <= set(body["fields"])


def test_duplicate_identifier_is_409(api_client, connection):
    body = assert_error(api_client.post(URL, create_body(identifier="wechat-pc"), format="json"), 409, "conflict")
    assert "identifier" in body["fields"]


def test_patch_changes_fields_and_keeps_secret(api_client, pool):
    api_client.post(URL, create_body(private_deployment=True, app_id=APP_ID, app_secret=SECRET), format="json")
    response = api_client.patch(f"{URL}/wechat-scan", {"display_name": "Scan me", "app_secret": "", "enabled": False,
                                                       "identity_linking": {"enabled": True, "ask_bind": True}}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["display_name"] == "Scan me" and response.json()["enabled"] is False
    assert response.json()["warnings"] == []
    conn = Connection.objects.get(identifier="wechat-scan")
    assert conn.app_secret == SECRET and conn.linking_enabled and conn.link_match_fields == [] and conn.link_ask_bind


def test_identifier_is_immutable(api_client, connection):
    body = assert_error(api_client.patch(f"{URL}/wechat-pc", {"identifier": "renamed"}, format="json"), 400,
                        "identifier_immutable")
    assert "identifier" in body["fields"]
    assert api_client.patch(f"{URL}/wechat-pc", {"identifier": "wechat-pc"}, format="json").status_code == 200
    assert Connection.objects.get(pk=connection.pk).identifier == "wechat-pc"


def test_patch_validation_error_changes_nothing(api_client, connection):
    assert_error(api_client.patch(f"{URL}/wechat-pc", {"display_name": "New", "callback_url": "nope"}, format="json"),
                 400, "validation_error")
    assert Connection.objects.get(pk=connection.pk).display_name == "WeChat"


def test_delete(api_client, connection):
    assert api_client.delete(f"{URL}/wechat-pc").status_code == 204
    assert not Connection.objects.filter(pk=connection.pk).exists()
    assert_error(api_client.get(f"{URL}/wechat-pc"), 404, "not_found")


def test_secret_is_never_readable(api_client, operator_client, caplog):
    responses = [api_client.post(URL, create_body(private_deployment=True, app_id=APP_ID, app_secret=SECRET), format="json")]
    responses.append(api_client.patch(f"{URL}/wechat-scan", {"app_secret": SECRET[::-1]}, format="json"))
    for client in (api_client, operator_client):
        responses += [client.get(URL), client.get(f"{URL}/wechat-scan"), client.get("/api/v1/schema/")]
    responses.append(api_client.post(URL, create_body(identifier="x", app_secret=SECRET + "!"), format="json"))
    responses.append(api_client.post(URL, create_body(identifier="bad id", app_secret=SECRET), format="json"))
    for response in responses:
        text = response.content.decode()
        assert SECRET not in text and SECRET[::-1] not in text
    assert SECRET not in caplog.text and "Bad Request" in caplog.text


def test_operator_reads_without_last4_and_cannot_write(operator_client, pool):
    from connections.services import connection_create

    connection_create(pool=pool, identifier="own", display_name="Own", callback_url="https://a.example/cb",
                      private_deployment=True, app_id=APP_ID, app_secret=SECRET)
    got = operator_client.get(f"{URL}/own").json()
    assert got["app_secret_set"] is True and got["app_secret_last4"] is None
    assert_error(operator_client.post(URL, create_body(), format="json"), 403, "permission_denied")
    assert_error(operator_client.patch(f"{URL}/own", {"display_name": "x"}, format="json"), 403, "permission_denied")
    assert_error(operator_client.delete(f"{URL}/own"), 403, "permission_denied")
    assert Connection.objects.get(identifier="own").display_name == "Own"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_logo_upload_is_reencoded_and_read_back_as_absolute_url(api_client, media, fmt):
    data = {**create_body(), "logo": upload(f"logo.{fmt.lower()}", image_bytes(fmt))}
    response = api_client.post(URL, data, format="multipart")
    assert response.status_code == 201, response.content
    logo = response.json()["logo"]
    assert logo.startswith("http://testserver/media/connection-logos/") and logo.endswith(".png")
    stored = Connection.objects.get().logo
    assert stored.read()[:8] == b"\x89PNG\r\n\x1a\n"


def test_logo_can_be_replaced_and_removed(api_client, connection, media):
    response = api_client.patch(f"{URL}/wechat-pc", {"logo": upload("a.png", image_bytes())}, format="multipart")
    assert response.status_code == 200 and response.json()["logo"]
    response = api_client.patch(f"{URL}/wechat-pc", {"logo": None}, format="json")
    assert response.status_code == 200 and response.json()["logo"] is None


def _bomb_png(size):
    import struct
    import zlib

    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    width, height = size
    raw = zlib.compress(b"\x00" * (width + 1) * 16, 9)  # a few rows; the header claims many more pixels
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    "name, data",
    [
        ("fake.png", b"not an image at all"),
        ("anim.gif", None),
        ("truncated.png", image_bytes()[:40]),
        ("bomb.png", _bomb_png((30000, 30000))),
    ],
)
def test_bad_logos_are_400(api_client, media, name, data):
    if data is None:
        import io

        from PIL import Image

        out = io.BytesIO()
        Image.new("RGB", (8, 8)).save(out, format="GIF")
        data = out.getvalue()
    body = assert_error(api_client.post(URL, {**create_body(), "logo": upload(name, data)}, format="multipart"), 400,
                        "validation_error")
    assert "logo" in body["fields"]
    assert not Connection.objects.exists()


def test_logo_size_and_pixel_caps(api_client, media, settings):
    settings.LOGO_MAX_PIXELS = 100 * 100
    body = assert_error(api_client.post(URL, {**create_body(), "logo": upload("big.png", image_bytes(size=(101, 100)))},
                                        format="multipart"), 400, "validation_error")
    assert "logo" in body["fields"]
    settings.LOGO_MAX_BYTES = 100
    assert_error(api_client.post(URL, {**create_body(), "logo": upload("small.png", image_bytes(size=(50, 50), fmt="JPEG"))},
                                 format="multipart"), 400, "validation_error")


def test_multipart_create_with_nested_linking_fields(api_client, media):
    data = {**create_body(), "login_only": "true", "identity_linking.enabled": "true",
            "identity_linking.match_fields": "phone", "logo": upload("l.png", image_bytes())}
    response = api_client.post(URL, data, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["login_only"] is True and body["identity_linking"]["enabled"] is True
    assert body["identity_linking"]["match_fields"] == ["phone"]
