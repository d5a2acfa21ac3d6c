"""Printed codes get a mask that every decoder we test with reads, not only the best-scoring one.

segno scores the eight data masks with the standard's penalty rule (ISO/IEC 18004 7.8.3).
The rule does not see how real decoders behave: about one code in fifty with the best score
fails OpenCV's detector or the WeChat engine at some scale, while another mask of the same
data reads everywhere. A printed code must read on every phone, so for signs the masks are
tried in the order of their score and the first that zxing-cpp, OpenCV's ``QRCodeDetector``
and OpenCV's WeChat engine (traditional detector: its CNN model files are not shipped in the
wheel) all read, clean, at 3 to 6 pixels a module, is kept. Each mask gives a valid QR code.
Every decoder must give back exactly the printed text, segment by segment joined.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

import cv2
import numpy as np
import segno
import zxingcpp

from generator.qr.encode import ERROR_LEVELS
from generator.qr.mask import MAX_VERSION, apply_mask, mask_ranking, qr_version
from generator.qr.segments import make_compact

#: Pixels per module at which a clean printed code must read with every decoder.
CHECK_SCALES = (3, 4, 5, 6)
QUIET_ZONE = 4

Decoder = Callable[[np.ndarray], list[str]]
QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)


def read_zxing(image: np.ndarray) -> list[str]:
    """Texts of the QR codes zxing-cpp finds in a greyscale ``image``."""
    found = zxingcpp.read_barcodes(image, formats=QR_ONLY)
    return [r.text for r in found]


def read_opencv(image: np.ndarray) -> list[str]:
    """The text OpenCV's ``QRCodeDetector`` reads in ``image`` (empty list if none)."""
    text, _, _ = _opencv().detectAndDecode(image)
    return [text] if text else []


def read_wechat(image: np.ndarray) -> list[str]:
    """Texts OpenCV's WeChat engine reads in ``image`` (traditional detector, no CNN model)."""
    texts, _ = _wechat().detectAndDecode(image)
    return list(texts)


DECODERS: dict[str, Decoder] = {
    "zxing-cpp": read_zxing,
    "opencv": read_opencv,
    "wechat": read_wechat,
}


@lru_cache(maxsize=1)
def _opencv() -> cv2.QRCodeDetector:
    return cv2.QRCodeDetector()


@lru_cache(maxsize=1)
def _wechat() -> cv2.wechat_qrcode.WeChatQRCode:
    return cv2.wechat_qrcode.WeChatQRCode()


def code_image(code: segno.QRCode, scale: int, border: int = QUIET_ZONE) -> np.ndarray:
    """``code`` as a greyscale array, black modules on white, ``scale`` pixels a module."""
    n = len(code.matrix)
    dark = np.frombuffer(b"".join(code.matrix), dtype=np.uint8).reshape(n, n)
    light = np.pad(dark == 0, border, constant_values=True).astype(np.uint8) * 255
    return np.ascontiguousarray(light.repeat(scale, axis=0).repeat(scale, axis=1))


def failures(
    code: segno.QRCode,
    text: str,
    scales: Sequence[int] = CHECK_SCALES,
    decoders: dict[str, Decoder] | None = None,
) -> list[tuple[str, int]]:
    """(decoder, scale) pairs at which clean ``code`` does not read back exactly ``text``."""
    decoders = DECODERS if decoders is None else decoders
    missed = []
    for scale in scales:
        image = code_image(code, scale)
        missed += [(name, scale) for name, read in decoders.items() if read(image) != [text]]
    return missed


@lru_cache(maxsize=4096)
def readable(url: str, error: str = "h") -> segno.QRCode:
    """The code for ``url`` with the best-scoring mask that every decoder reads when clean.

    The code is the compact one (``generator.qr.segments``): alphanumeric segments where
    they make the symbol smaller, so a printed ``https://HOST/E/…`` address is mixed-mode.

    If no mask reads everywhere (not seen so far), the one with the fewest misses is kept.
    """
    level = ERROR_LEVELS[error.lower()]
    code = make_compact(url, level, mask=0)
    version = qr_version(code)
    if version > MAX_VERSION:
        raise ValueError(f"二维码内容过长（版本 {version}），标识牌只印短地址：{url}")
    best, fewest = None, None
    for mask in mask_ranking(code):
        candidate = apply_mask(make_compact(url, level, mask=0), mask)
        missed = len(failures(candidate, url))
        if missed == 0:
            return candidate
        if fewest is None or missed < fewest:
            best, fewest = candidate, missed
    if best is None:  # mask_ranking always gives the eight masks
        raise ValueError(f"二维码没有可试的掩码：{url}")
    return best
