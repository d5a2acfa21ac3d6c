"""Warning-style signs (GB 15562.1, yellow triangle) and the true square prompt layout."""

from __future__ import annotations

import csv
from dataclasses import replace
from itertools import combinations
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.signs import unit_signs
from generator.signs.layout import Path as PathShape
from generator.signs.layout import Text
from generator.signs.pdf import write_pdf
from generator.signs.variants import WARNING_HEIGHT, YELLOW

from .conftest import BASE_URL, decode, rasterise
from .factories import LONG_NAME, make_site, make_unit
from .test_text import pdf_text

FIXTURES = Path(__file__).parents[1] / "fixtures" / "content"
UNIT = "91450126MA5L3K2R5Q001P"


def _boxes(sign):
    """Rough ink box of every text line (x0, y0, x1, y1) in mm."""
    for t in (s for s in sign.shapes if isinstance(s, Text)):
        x0 = {"start": t.x, "middle": t.x - t.width / 2, "end": t.x - t.width}[t.anchor]
        yield t.text, (x0, t.y - 0.8 * t.size, x0 + t.width, t.y + 0.12 * t.size)


def _check_fits(sign):
    boxes = list(_boxes(sign))
    for text, (x0, y0, x1, y1) in boxes:
        assert 0 <= x0 and x1 <= sign.width + 1e-6 and 0 <= y0 and y1 <= sign.height, text
    for (a, p), (b, q) in combinations(boxes, 2):
        apart = p[2] <= q[0] or q[2] <= p[0] or p[3] <= q[1] or q[3] <= p[1]
        assert apart, (a, b)


def _variant_signs(opts, name=None):
    unit = make_unit(name=name) if name else make_unit()
    return make_site(unit), unit_signs(make_site(unit), unit, opts)[1:]


@pytest.mark.parametrize("name", [None, LONG_NAME])
@pytest.mark.parametrize(
    "change",
    [
        {"outlet_mm": (420.0, 420.0)},
        {"style": "warning", "warning_mm": 420.0},
        {"style": "warning", "warning_mm": 560.0},
        {},
    ],
)
def test_text_stays_on_the_board_and_never_overlaps(opts, change, name):
    _, signs = _variant_signs(replace(opts, **change), name)
    assert signs
    for sign in signs:
        _check_fits(sign)


def test_square_board_has_its_own_layout(opts):
    _, squares = _variant_signs(replace(opts, outlet_mm=(420.0, 420.0)))
    for sign in squares:
        assert (sign.width, sign.height) == (420.0, 420.0)
        # The landscape layout squeezed into a square gave min(0.56 h, 0.36 w) = 151 mm.
        assert sign.qr.side >= 0.42 * 420
        lowest = max(box[3] for _, box in _boxes(sign))
        assert lowest > 0.9 * 420  # the face is used down to the bottom


@pytest.mark.parametrize("side", [420.0, 560.0])
def test_warning_sign_is_a_yellow_triangle_of_the_standard_size(opts, side, tmp_path):
    site, signs = _variant_signs(replace(opts, style="warning", warning_mm=side))
    for sign in signs:
        assert sign.kind == "warning"
        assert (sign.width, sign.height) == (side, WARNING_HEIGHT * side)
        triangle = next(s for s in sign.shapes if isinstance(s, PathShape) and s.fill == YELLOW)
        xs = [c[1] for c in triangle.commands if c[0] in "ML"]
        assert max(xs) - min(xs) == pytest.approx(0.84 * side)
        pdf = tmp_path / f"{sign.name}.pdf"
        write_pdf([sign], pdf, "warning")
        assert decode(rasterise(pdf)) == [sign.url]
        text = pdf_text(pdf)
        for needed in ("警告", sign.lookup_code, sign.unit_code, "12369", sign.sign_id):
            assert needed in text


def test_square_sign_decodes_and_carries_the_fallback(opts, tmp_path):
    _, signs = _variant_signs(replace(opts, outlet_mm=(420.0, 420.0)))
    for sign in signs:
        pdf = tmp_path / f"{sign.name}.pdf"
        write_pdf([sign], pdf, "square")
        assert decode(rasterise(pdf)) == [sign.url]
        assert f"搜索 {sign.lookup_code}" in pdf_text(pdf)


def test_command_writes_warning_signs(tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "signs",
            "--content",
            str(FIXTURES),
            "--base-url",
            BASE_URL,
            "--date",
            "2026-03-17",
            "--unit",
            UNIT,
            "--style",
            "warning",
            "--warning-size",
            "560",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((tmp_path / "manifest.csv").read_text("utf-8-sig").splitlines()))
    outlets = [r for r in rows if r["outlet"]]
    assert outlets and {r["kind"] for r in outlets} == {"污染物排放口警告标志牌"}
    assert {r["size_mm"] for r in outlets} == {f"560x{560 * WARNING_HEIGHT:g}"}
