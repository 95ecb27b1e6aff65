"""Validate and re-encode an uploaded mini-program logo.

Uploads are untrusted: we check the byte size before decoding, the real format from the
content (not the name or content type), the pixel count from the header before decoding the
pixels (decompression bombs), then decode and re-encode to a clean PNG, which drops metadata and
anything smuggled after the image data.
"""
import io
import uuid
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"PNG", "JPEG", "WEBP"}


def _invalid(message: str) -> ValidationError:
    return ValidationError(message, code="invalid_logo")


def validate_and_reencode_logo(uploaded_file) -> ContentFile:
    """Return the logo re-encoded as PNG, or raise ValidationError(code="invalid_logo")."""
    if uploaded_file.size is not None and uploaded_file.size > settings.LOGO_MAX_BYTES:
        raise _invalid(_("The logo is larger than %(n)d KB. Logo 不能超过 %(n)d KB。") % {"n": settings.LOGO_MAX_BYTES // 1024})
    uploaded_file.seek(0)
    data = uploaded_file.read(settings.LOGO_MAX_BYTES + 1)
    if len(data) > settings.LOGO_MAX_BYTES:
        raise _invalid(_("The logo is larger than %(n)d KB. Logo 不能超过 %(n)d KB。") % {"n": settings.LOGO_MAX_BYTES // 1024})
    try:
        png = _reencode(_decode(data))
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError, ValueError,
            SyntaxError, EOFError, TypeError):
        raise _invalid(_("Upload a valid PNG, JPEG or WebP image. 请上传有效的 PNG、JPEG 或 WebP 图片。")) from None
    return ContentFile(png, name=f"{uuid.uuid4().hex}.png")


def _decode(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        probe = Image.open(io.BytesIO(data))
        if probe.format not in ALLOWED_FORMATS:
            raise _invalid(_("Upload a PNG, JPEG or WebP image. 请上传 PNG、JPEG 或 WebP 图片。"))
        width, height = probe.size
        if width * height > settings.LOGO_MAX_PIXELS or width < 1 or height < 1:
            raise _invalid(_("The logo has too many pixels. Logo 像素过多。"))
        probe.verify()  # structural check; the object is unusable afterwards
        image = Image.open(io.BytesIO(data))
        image.load()
    return image


def _reencode(image: Image.Image) -> bytes:
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
