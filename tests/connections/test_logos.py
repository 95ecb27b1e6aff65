"""Logo uploads: only real PNG/JPEG/WebP within the caps; bombs refused; stored re-encoded as PNG."""
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from connections.forms import ConnectionForm
from connections.logos import LOGO_MAX_SIDE, process_logo
from tests.fixtures.console import image_bytes, png_declaring


def upload(data: bytes, name="logo.png", content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_png_jpeg_and_webp_are_accepted_and_reencoded_as_png(fmt):
    stored = process_logo(upload(image_bytes(fmt, (900, 600)), name=f"logo.{fmt.lower()}"))
    image = Image.open(io.BytesIO(stored.read()))
    assert image.format == "PNG" and image.mode == "RGBA"
    assert max(image.size) == LOGO_MAX_SIDE and stored.name.endswith(".png")


def test_gif_is_refused_whatever_its_name():
    with pytest.raises(ValidationError) as exc:
        process_logo(upload(image_bytes("GIF"), name="logo.png"))
    assert exc.value.code == "logo_invalid"


def test_renamed_text_file_is_refused():
    with pytest.raises(ValidationError) as exc:
        process_logo(upload(b"just some text, not an image\n" * 20, name="logo.png"))
    assert exc.value.code == "logo_invalid"


def test_truncated_png_is_refused():
    with pytest.raises(ValidationError) as exc:
        process_logo(upload(image_bytes("PNG", (200, 200))[:120]))
    assert exc.value.code == "logo_invalid"


def test_file_over_the_byte_cap_is_refused(settings):
    settings.LOGO_MAX_BYTES = 2048
    with pytest.raises(ValidationError) as exc:
        process_logo(upload(b"\x89PNG" + b"\0" * 4096))
    assert exc.value.code == "logo_too_large"


def test_image_over_the_pixel_cap_is_refused_before_decoding(settings):
    settings.LOGO_MAX_PIXELS = 100 * 100
    with pytest.raises(ValidationError) as exc:
        process_logo(upload(png_declaring(101, 100)))
    assert exc.value.code == "logo_too_many_pixels"


def test_decompression_bomb_is_refused():
    # 60000 x 60000 is beyond Pillow's own bomb limit: Image.open itself raises.
    with pytest.raises(ValidationError) as exc:
        process_logo(upload(png_declaring(60000, 60000)))
    assert exc.value.code == "logo_too_many_pixels"


def test_bomb_warning_size_is_refused(settings):
    settings.LOGO_MAX_PIXELS = 10**10  # let Pillow's warning threshold, not ours, decide
    with pytest.raises(ValidationError) as exc:
        process_logo(upload(png_declaring(10000, 10000)))
    assert exc.value.code == "logo_too_many_pixels"


FORM_DATA = {"identifier": "wx-scan", "display_name": "WeChat", "callback_url": "https://a.example.com/cb", "enabled": "on"}


@pytest.mark.parametrize(
    "data,name",
    [
        (b"%PDF-1.4 not an image", "logo.pdf"),
        (b"hello, I am text", "logo.png"),
        (b"\x89PNG" + b"\0" * (1024 * 1024 + 10), "big.png"),
        (png_declaring(60000, 60000), "bomb.png"),
    ],
    ids=["non-image", "renamed-text", "oversized", "decompression-bomb"],
)
def test_bad_logo_gives_a_form_error(pool, data, name):
    form = ConnectionForm(data=FORM_DATA, files={"logo": upload(data, name=name)}, pool=pool)
    assert not form.is_valid()
    assert "logo" in form.errors and set(form.errors) == {"logo"}


def test_good_logo_is_saved_reencoded(pool):
    form = ConnectionForm(data=FORM_DATA, files={"logo": upload(image_bytes("JPEG"), name="x.jpg")}, pool=pool)
    assert form.is_valid(), form.errors
    conn = form.save()
    assert conn.logo.name.startswith("connection-logos/") and conn.logo.name.endswith(".png")
    assert Image.open(conn.logo.open("rb")).format == "PNG"


def test_replaced_and_deleted_logos_are_swept_and_the_current_ones_kept(connection, application):
    from django.core.files.storage import default_storage

    from connections.logo_cleanup import logo_files_purge_orphans
    from connections.services import connection_update
    from tenants.services import application_delete

    connection_update(connection=connection, logo=process_logo(upload(image_bytes())))
    first = connection.logo.name
    connection_update(connection=connection, logo=process_logo(upload(image_bytes(color=(1, 2, 3)))))
    application.logo = process_logo(upload(image_bytes()))
    application.save()
    app_logo = application.logo.name
    application_delete(application=application)
    assert logo_files_purge_orphans() == 0  # too recent: maybe an upload whose row is not committed yet
    assert logo_files_purge_orphans(min_age_seconds=0) == 2
    assert not default_storage.exists(first) and not default_storage.exists(app_logo)
    assert default_storage.exists(connection.logo.name)
