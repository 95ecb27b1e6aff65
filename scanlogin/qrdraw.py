"""A QR code drawn as an image, cheaply: what the simulator's mini-program codes and the link-QR
mode's codes are made of.

The qrcode library scores all eight mask patterns of every code and draws each module as a
rectangle; both were most of the CPU of drawing one (several milliseconds per login on a small
machine). Here the mask is fixed (any of the eight is valid; the choice only tunes readability)
and the module matrix is scaled up as one image.
"""
import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_H

MASK_PATTERN = 0


def qr_image(data: str, width: int, *, border: int = 2) -> Image.Image:
    """A grayscale QR image of `data`, `width` pixels square, error correction H (a code with a
    logo in its centre still reads), `border` modules of white around it."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_H, border=border, mask_pattern=MASK_PATTERN)
    qr.add_data(data)
    qr.make(fit=True)
    matrix = qr.get_matrix()  # the border included; True = dark
    size = len(matrix)
    modules = Image.frombytes("L", (size, size), bytes(0 if dark else 255 for row in matrix for dark in row))
    return modules.resize((width, width), resample=Image.Resampling.NEAREST)  # nearest: crisp modules
