"""Every kind of sign carries a QR code that a real decoder (zxing-cpp) reads at 150 dpi."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw, ImageFilter

from generator import urls
from generator.signs.pieces import MIN_MODULE_MM

from .conftest import BASE_URL, add_noise, decode, qr_box_px, rasterise

KIND_CASES = [("gate", "gate"), ("DW001", "outlet water"), ("DA001", "outlet gas")]


def _unit(written):
    return written.site.units[0]


def _crop(written, name: str):
    """The sign rasterised at 150 dpi, the code's box, a crop around it and the module in px."""
    unit = _unit(written)
    sign = written.signs[(unit.code, name)]
    page = rasterise(written.pdf(unit.code, name))
    box = qr_box_px(sign)
    module = (box[2] - box[0]) / len(sign.qr.matrix)
    pad = round(6 * module)
    crop = page.crop((box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad))
    return sign, crop, pad, box[2] - box[0], module


def _cover_corner(image: Image.Image, pad: int, side: int, share: float, fill: int) -> Image.Image:
    """Cover the bottom-right corner of the symbol: a square ``share`` of its side."""
    covered = image.copy()
    edge = round(side * share)
    ImageDraw.Draw(covered).rectangle(
        (pad + side - edge, pad + side - edge, pad + side, pad + side), fill=fill
    )
    return covered


@pytest.mark.parametrize(("name", "label"), KIND_CASES)
def test_whole_sign_decodes_to_its_page(written, name, label):
    unit = _unit(written)
    expected = urls.printed(
        BASE_URL, urls.unit_path(unit.code) if name == "gate" else urls.outlet_path(unit.code, name)
    )
    assert decode(rasterise(written.pdf(unit.code, name))) == [expected], label


@pytest.mark.parametrize(("name", "label"), KIND_CASES)
def test_svg_code_decodes_too(written, name, label):
    unit = _unit(written)
    svg = written.pdf(unit.code, name).with_suffix(".svg")
    assert decode(rasterise(svg)) == [written.signs[(unit.code, name)].url], label


@pytest.mark.parametrize("name", ["gate", "DW001"])
@pytest.mark.parametrize("damage", ["blur", "noise", "white corner", "dirt corner", "weathered"])
def test_damaged_code_still_decodes(written, name, damage):
    sign, crop, pad, side, module = _crop(written, name)
    if damage == "blur":
        crop = crop.filter(ImageFilter.GaussianBlur(0.5 * module))
    elif damage == "noise":
        crop = add_noise(crop, 80)
    elif damage == "white corner":  # ≈20 % of the symbol, inside H's 30 % recovery
        crop = _cover_corner(crop, pad, side, 0.45, 255)
    elif damage == "dirt corner":
        crop = _cover_corner(crop, pad, side, 0.4, 0)
    else:  # dirt and grain on the sign, then a slightly unsharp photo
        crop = add_noise(_cover_corner(crop, pad, side, 0.3, 255), 60)
        crop = crop.filter(ImageFilter.GaussianBlur(0.4 * module))
    assert decode(crop) == [sign.url]


def test_damage_beyond_error_correction_fails(written):
    """Control: the degradation tests would notice a code that does not decode."""
    sign, crop, pad, side, _ = _crop(written, "DW001")
    assert decode(_cover_corner(crop, pad, side, 0.65, 255)) == []


def test_codes_use_level_h_and_large_modules(written):
    for sign in written.signs.values():
        assert sign.qr.error == "H"
        assert sign.qr.border == 4
        assert sign.qr.module_mm >= MIN_MODULE_MM
    smallest = min(s.qr.module_mm for s in written.signs.values())
    assert smallest == pytest.approx(168 / 49)  # outlet sign: 0.56×300 mm panel, version 6 + 8
