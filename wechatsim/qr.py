"""The simulator's mini-program code: a real QR image of the scene, decodable by a test."""
import io

import qrcode
from qrcode.constants import ERROR_CORRECT_H


def draw_scene_png(scene: str, width: int = 430) -> bytes:
    """A PNG `width` pixels wide encoding `scene` (high error correction, like a logo-bearing code)."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_H, border=2, box_size=10)
    qr.add_data(scene)
    qr.make(fit=True)
    image = qr.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    image = image.resize((width, width), resample=0)  # nearest: keep the modules crisp
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
