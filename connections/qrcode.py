"""The code the PC login page shows: WeChat's mini-program code (or a link QR) with the logo.

The logo covers the centre of the code. At about 21% of the width inside a white ring it hides
well under the 30% that error-correction level H (and WeChat's own code) can lose, so the code
still scans; tests decode the rendered PNGs with a real QR decoder to keep it that way.
"""
import functools
import io
import logging

from django.conf import settings
from PIL import Image, ImageDraw, ImageOps

from scanlogin.qrdraw import qr_image

from .wechat.client import client_for_connection
from .wechat.scene import validate_scene

CODE_WIDTH = 430
LOGO_RATIO = 0.21      # logo diameter / code width
RING_RATIO = 0.022     # white ring width / code width
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SUPERSAMPLE = 4        # draw the round mask larger, then shrink: smooth edges

logger = logging.getLogger("scanlogin.qrcode")


def render_login_code(*, connection, scene: str) -> bytes:
    """PNG bytes of the code for `scene`, with the connection's logo (if any) in the centre."""
    validate_scene(scene)
    logo = open_logo(connection)
    if settings.WECHAT_LINK_QR_PREFIX:
        code = link_qr(settings.WECHAT_LINK_QR_PREFIX + scene)
    else:
        raw = client_for_connection(connection).wxacode(
            scene=scene, page=settings.WECHAT_MINIPROGRAM_PAGE, width=CODE_WIDTH,
            env_version=settings.WECHAT_MINIPROGRAM_ENV)
        if logo is None and raw.startswith(PNG_MAGIC):
            return raw  # WeChat's PNG as it came: nothing to draw, no decode and re-encode on a login
        code = Image.open(io.BytesIO(raw))
    code = code.convert("RGB")
    if logo is not None:
        code = with_logo(code, logo)
    return to_png(code)


def link_qr(url: str, width: int = CODE_WIDTH) -> Image.Image:
    """A plain QR of `url` ("scan a normal link QR to open the mini-program"), error correction H."""
    return qr_image(url, width)


def open_logo(connection) -> Image.Image | None:
    """The connection's logo, or None. A missing or unreadable file must not cost the login code."""
    if not connection.logo:
        return None
    try:
        with connection.logo.open("rb") as fh:
            image = Image.open(fh)
            image.load()
        return ImageOps.exif_transpose(image).convert("RGBA")
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        logger.warning("Logo of connection %s unusable (%s); drawing the code without it",
                       connection.pk, type(exc).__name__)
        return None


@functools.lru_cache(maxsize=16)
def round_mask(size: int) -> Image.Image:
    """An anti-aliased disc mask (cached: a few sizes serve every render; callers never modify it)."""
    big = Image.new("L", (size * SUPERSAMPLE, size * SUPERSAMPLE), 0)
    ImageDraw.Draw(big).ellipse((0, 0, big.width - 1, big.height - 1), fill=255)
    return big.resize((size, size), resample=Image.Resampling.LANCZOS)


def with_logo(code: Image.Image, logo: Image.Image) -> Image.Image:
    """Paste `logo` round-masked inside a white ring in the centre of `code`."""
    width = min(code.size)
    logo_size = max(8, round(width * LOGO_RATIO))
    ring = max(2, round(width * RING_RATIO))
    outer = logo_size + 2 * ring
    disc = Image.new("RGBA", (outer, outer), (255, 255, 255, 255))
    fitted = ImageOps.fit(logo, (logo_size, logo_size), method=Image.Resampling.LANCZOS)
    flat = Image.new("RGBA", fitted.size, (255, 255, 255, 255))
    flat.alpha_composite(fitted)  # a transparent logo sits on white, not on the code's modules
    disc.paste(flat, (ring, ring), round_mask(logo_size))
    out = code.copy()
    left, top = (code.width - outer) // 2, (code.height - outer) // 2
    out.paste(disc, (left, top), round_mask(outer))
    return out


def to_png(image: Image.Image) -> bytes:
    # The fastest zlib level: half the CPU of the default for a code a quarter larger (~14 KB).
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=1)
    return out.getvalue()
