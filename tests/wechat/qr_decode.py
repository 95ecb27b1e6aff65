"""Decode QR images in tests with two real decoders (OpenCV and zbar)."""
import io

import cv2
import numpy as np
from PIL import Image
from pyzbar.pyzbar import decode as zbar_decode


def decode_cv2(png: bytes) -> str:
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    text, _points, _ = cv2.QRCodeDetector().detectAndDecode(image)
    return text


def decode_zbar(png: bytes) -> str:
    found = zbar_decode(Image.open(io.BytesIO(png)).convert("L"))
    return found[0].data.decode() if found else ""
