"""The simulator's mini-program code: a real QR image of the scene, decodable by a test.

Drawn cheaply (scanlogin/qrdraw.py) and saved as a grayscale PNG: a benchmark runs the simulator
on the same two cores as the server it measures.
"""
import io

from scanlogin.qrdraw import qr_image

SCENE_MAX = 32


def draw_scene_png(scene: str, width: int = 430) -> bytes:
    """A PNG `width` pixels wide encoding `scene` (high error correction, like a logo-bearing code)."""
    out = io.BytesIO()
    qr_image(scene, width).save(out, format="PNG", optimize=False)
    return out.getvalue()
