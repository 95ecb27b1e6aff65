"""Logo uploads (connections and applications; console and management API): accept only real
PNG, JPEG or WebP images within size and pixel caps, and store them re-encoded.

Uploads are untrusted. The byte size is checked before decoding; the format is what Pillow finds
in the bytes, never the file name or content type; the pixel count is read from the header before
any pixel is decoded, so a small file declaring a huge canvas (a decompression bomb) is refused
without allocating it. What is stored is a fresh PNG (RGBA, at most LOGO_MAX_SIDE pixels a side),
which drops metadata and anything smuggled after the image data.
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
LOGO_MAX_SIDE = 512


def process_logo(upload) -> ContentFile:
    """Validate an uploaded logo and return it re-encoded as PNG; raises ValidationError."""
    data = _read_capped(upload)
    image = _open_checked(data)
    image.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.png")


def _read_capped(upload) -> bytes:
    limit = settings.LOGO_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise _too_large(limit)
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_large(limit)
    return data


def _too_large(limit):
    return ValidationError(
        _("The logo is larger than %(kb)d KB.") % {"kb": limit // 1024},
        code="logo_too_large",
    )


def _open_checked(data: bytes) -> Image.Image:
    invalid = ValidationError(
        _("Upload a PNG, JPEG or WebP image."), code="logo_invalid"
    )
    too_many = ValidationError(
        _("The logo has too many pixels."), code="logo_too_many_pixels"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            if image.format not in ALLOWED_FORMATS:
                raise invalid
            width, height = image.size
            if width * height > settings.LOGO_MAX_PIXELS or width < 1 or height < 1:
                raise too_many
            image.verify()  # structural check (chunk CRCs); the object is unusable afterwards
            image = Image.open(io.BytesIO(data))
            image.load()
            return image.convert("RGBA")
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_many from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, TypeError):
            raise invalid from None
