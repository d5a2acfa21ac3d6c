"""Fixtures for sign tests: a small site, its written signs, and raster/decode helpers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pymupdf
import pytest
import zxingcpp
from PIL import Image

from generator.signs import SignOptions, unit_signs, write_signs
from generator.signs.layout import Sign

from .factories import LONG_NAME, make_registration_unit, make_site, make_unit

BASE_URL = "https://yimatong.sthjt.gxzf.gov.cn"
DPI = 150
#: A fixed print date, so the signs (and their bytes) do not depend on the day of the test.
PRINTED = dt.date(2026, 3, 17)


@dataclass
class Written:
    """A site and the folder its signs were written to."""

    site: object
    out: Path
    signs: dict[tuple[str, str], Sign]

    def pdf(self, unit_code: str, name: str) -> Path:
        """Path of one sign's PDF."""
        unit = self.site.unit(unit_code)
        return self.out / unit.city_code / unit_code / f"{name}.pdf"


@pytest.fixture(scope="session")
def opts() -> SignOptions:
    return SignOptions(base_url=BASE_URL, printed=PRINTED)


@pytest.fixture(scope="session")
def site():
    long_unit = make_unit("450126", "777", name=LONG_NAME)
    return make_site(make_unit(), long_unit, make_registration_unit())


@pytest.fixture(scope="session")
def written(site, opts, tmp_path_factory) -> Written:
    out = tmp_path_factory.mktemp("signs")
    units = sorted(site.units, key=lambda u: (u.city_code, u.code))
    write_signs(site, units, opts, out)
    signs = {(s.unit_code, s.name): s for u in units for s in unit_signs(site, u, opts)}
    return Written(site, out, signs)


def rasterise(path: Path, page: int = 0, dpi: int = DPI) -> Image.Image:
    """One page of a PDF (or SVG) as a greyscale image."""
    with pymupdf.open(path) as doc:
        pix = doc[page].get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
        return Image.frombytes("L", (pix.width, pix.height), pix.samples)


def qr_box_px(sign: Sign, dpi: int = DPI) -> tuple[int, int, int, int]:
    """Pixel box (left, top, right, bottom) of the code's symbol, quiet zone excluded."""
    qr = sign.qr
    quiet = qr.border * qr.module_mm
    left, top = sign.margin + qr.x + quiet, sign.margin + qr.y + quiet
    side = qr.side - 2 * quiet
    px = dpi / 25.4
    return (round(left * px), round(top * px), round((left + side) * px), round((top + side) * px))


def decode(image: Image.Image) -> list[str]:
    """Texts of every QR code zxing-cpp finds in ``image``."""
    return [
        r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode
    ]


def add_noise(image: Image.Image, sigma: float, seed: int = 5) -> Image.Image:
    """Gaussian grey-level noise, seeded so the test is repeatable."""
    rng = np.random.default_rng(seed)
    data = np.asarray(image, dtype=np.float32) + rng.normal(0, sigma, (image.height, image.width))
    return Image.fromarray(np.clip(data, 0, 255).astype(np.uint8))
