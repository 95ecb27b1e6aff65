"""The code the PC page shows decodes back to the scene (or link), with and without a logo."""
import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from connections import qrcode as login_qr
from connections.qrcode import render_login_code
from connections.wechat.errors import WeChatInvalidRequest
from wechatsim.testing import sim_get

from .qr_decode import decode_cv2, decode_zbar

SCENE = "9f86d081884c7d659a2feaa0c55ad015"


def busy_logo(mode="RGB", size=(300, 240)) -> bytes:
    """A colourful, non-square logo with dark strokes: the hard case for a decoder."""
    image = Image.new(mode, size, (20, 160, 80, 255) if mode == "RGBA" else (20, 160, 80))
    draw = ImageDraw.Draw(image)
    for i in range(0, size[0], 18):
        draw.line((i, 0, size[0] - i, size[1]), fill=(0, 0, 0), width=5)
    draw.ellipse((60, 40, 240, 200), fill=(230, 60, 40))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def logo_connection(connection, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    connection.logo.save("logo.png", ContentFile(busy_logo()), save=True)
    return connection


def assert_decodes(png: bytes, expected: str):
    assert png.startswith(b"\x89PNG")
    assert decode_cv2(png) == expected
    assert decode_zbar(png) == expected


def test_wxacode_without_logo_decodes(wechat_sim, connection):
    png = render_login_code(connection=connection, scene=SCENE)
    assert_decodes(png, SCENE)
    drawn = sim_get(wechat_sim, "/sim/wxacodes")[0]
    assert drawn["scene"] == SCENE and drawn["page"] == "pages/login/login" and drawn["width"] == 430


def test_wxacode_with_logo_decodes_and_shows_the_logo(wechat_sim, logo_connection):
    png = render_login_code(connection=logo_connection, scene=SCENE)
    assert_decodes(png, SCENE)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    centre = image.getpixel((image.width // 2, image.height // 2))
    assert centre[0] > 150 and centre[1] < 120  # the logo's red disc sits in the centre
    logo_connection.logo = None
    plain = Image.open(io.BytesIO(render_login_code(connection=logo_connection, scene=SCENE))).convert("RGB")
    assert plain.getpixel((plain.width // 2, plain.height // 2)) != centre


def test_transparent_logo_decodes(wechat_sim, connection, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    connection.logo.save("logo.png", ContentFile(busy_logo("RGBA", (200, 200))), save=True)
    assert_decodes(render_login_code(connection=connection, scene=SCENE), SCENE)


@pytest.mark.parametrize("with_logo", [False, True])
def test_link_qr_decodes_to_the_prefix_plus_scene(settings, connection, tmp_path, with_logo):
    settings.WECHAT_LINK_QR_PREFIX = "https://scan.example.com/mp/"
    settings.WECHAT_API_BASE = "http://127.0.0.1:9"  # no WeChat call happens in link mode
    if with_logo:
        settings.MEDIA_ROOT = str(tmp_path)
        connection.logo.save("logo.png", ContentFile(busy_logo()), save=True)
    assert_decodes(render_login_code(connection=connection, scene=SCENE), "https://scan.example.com/mp/" + SCENE)


def test_private_deployment_draws_with_its_own_app(wechat_sim, connection):
    wechat_sim.state.register_app("wx1234567890abcdef", "P" * 32)
    connection.private_deployment, connection.app_id, connection.app_secret = True, "wx1234567890abcdef", "P" * 32
    assert_decodes(render_login_code(connection=connection, scene="abc"), "abc")
    assert sim_get(wechat_sim, "/sim/wxacodes")[0]["appid"] == "wx1234567890abcdef"


def test_invalid_scene_is_refused_before_any_call(connection, settings):
    settings.WECHAT_LINK_QR_PREFIX = "https://scan.example.com/mp/"
    with pytest.raises(WeChatInvalidRequest):
        render_login_code(connection=connection, scene="has space")


def test_logo_size_keeps_a_white_ring(wechat_sim, connection):
    code = Image.new("RGB", (430, 430), (0, 0, 0))
    logo = Image.new("RGBA", (100, 100), (255, 0, 0, 255))
    out = login_qr.with_logo(code, logo)
    ring_x = 215 - round(430 * login_qr.LOGO_RATIO) // 2 - 4
    assert out.getpixel((ring_x, 215)) == (255, 255, 255)       # the ring
    assert out.getpixel((215, 215)) == (255, 0, 0)               # the logo
    assert out.getpixel((215 - 70, 215)) == (0, 0, 0)            # the code beyond the ring


@pytest.mark.parametrize("content", [None, b"not an image"])
def test_unusable_logo_falls_back_to_the_plain_code(wechat_sim, connection, settings, tmp_path, caplog, content):
    settings.MEDIA_ROOT = str(tmp_path)
    connection.logo.save("logo.png", ContentFile(content or busy_logo()), save=True)
    if content is None:
        (tmp_path / connection.logo.name).unlink()
    assert_decodes(render_login_code(connection=connection, scene=SCENE), SCENE)
    assert "without it" in caplog.text
