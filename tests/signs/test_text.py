"""The text drawn on each sign matches the unit's record, and nothing leaves its place."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pymupdf
import pytest

from generator.signs.fonts import fit, text_width

from .factories import ISSUER, LONG_NAME

SVG = "{http://www.w3.org/2000/svg}"


def pdf_text(path) -> str:
    """All text on the first page, line breaks removed (wrapped names join up again)."""
    with pymupdf.open(path) as doc:
        return doc[0].get_text().replace("\n", "")


def svg_text(path) -> str:
    """All text elements of an SVG, in order."""
    root = ET.parse(path).getroot()
    return "".join(t.text or "" for t in root.iter(f"{SVG}text"))


def test_gate_sign_shows_the_unit_record(written):
    unit = written.site.units[0]
    path = written.pdf(unit.code, "gate")
    for text in (pdf_text(path), svg_text(path.with_suffix(".svg"))):
        assert unit.name in text
        assert f"固定污染源编码：{unit.code}" in text
        assert f"管理类别：{unit.category.label}" in text
        assert f"{unit.permit.valid_from:%Y-%m-%d} 至 {unit.permit.valid_to:%Y-%m-%d}" in text
        assert "扫码查看" in text and "扫码举报" in text
        assert "环保举报热线：12369" in text
        assert ISSUER in text


@pytest.mark.parametrize(("code", "title"), [("DW001", "废水排放口"), ("DA001", "废气排放口")])
def test_outlet_sign_shows_the_outlet_record(written, code, title):
    unit = written.site.units[0]
    outlet = unit.outlet(code)
    path = written.pdf(unit.code, code)
    for text in (pdf_text(path), svg_text(path.with_suffix(".svg"))):
        assert title in text
        assert f"单位名称：{unit.name}" in text
        assert f"排放口编号：{outlet.code}" in text
        assert "污染物种类：" + "、".join(p.name for p in outlet.pollutants) in text
        assert ISSUER in text


def test_registration_unit_shows_registration_instead_of_validity(written):
    unit = next(u for u in written.site.units if u.permit is None)
    text = pdf_text(written.pdf(unit.code, "gate"))
    assert "管理类别：登记管理" in text
    assert "排污登记" in text
    assert "有效期" not in text


def _spans(path):
    with pymupdf.open(path) as doc:
        page = doc[0]
        spans = [
            s
            for b in page.get_text("dict")["blocks"]
            for line in b.get("lines", [])
            for s in line["spans"]
        ]
        return spans, page.trimbox


@pytest.mark.parametrize("name", ["gate", "DW001", "DA001"])
def test_long_name_stays_inside_the_trim_and_off_the_code(written, name):
    unit = next(u for u in written.site.units if u.name == LONG_NAME)
    sign = written.signs[(unit.code, name)]
    spans, trim = _spans(written.pdf(unit.code, name))
    assert LONG_NAME in pdf_text(written.pdf(unit.code, name))
    mm = 72 / 25.4
    qr = sign.qr
    code_box = pymupdf.Rect(
        (sign.margin + qr.x) * mm,
        (sign.margin + qr.y) * mm,
        (sign.margin + qr.x + qr.side) * mm,
        (sign.margin + qr.y + qr.side) * mm,
    )
    for span in spans:
        box = pymupdf.Rect(span["bbox"])
        assert trim.contains(box), span["text"]
        assert not box.intersects(code_box), span["text"]


def test_fit_wraps_then_shrinks_but_never_overflows():
    short = fit("广西宾阳宏达糖业有限公司", 28, 330, 70)
    assert short.lines == ("广西宾阳宏达糖业有限公司",)  # one line, slightly shrunk
    assert short.size == pytest.approx(330 / 12)
    long = fit(LONG_NAME, 28, 330, 70, max_lines=2)
    assert len(long.lines) == 2 and "".join(long.lines) == LONG_NAME
    assert all(text_width(line, long.size) <= 330 for line in long.lines)
    assert long.size + long.leading <= 70
    one = fit(LONG_NAME * 3, 20, 100, 30, max_lines=1)
    assert text_width(one.lines[0], one.size) <= 100


def test_lines_never_start_with_a_comma():
    fitted = fit(
        "化学需氧量、氨氮、总磷、总氮、悬浮物、五日生化需氧量、石油类、动植物油", 15, 180, 40
    )
    assert not any(line.startswith("、") for line in fitted.lines)


def test_latin_runs_are_not_split():
    text = "化学需氧量、氨氮、pH值、总磷、总氮、SO2、NOx、石油类"
    for width in range(40, 200, 7):
        lines = fit(text, 15, width, 200, max_lines=9).lines
        assert "".join(lines) == text
        for line in lines:
            assert not line.endswith(("p", "S", "SO", "N", "NO")), lines


def test_a_box_without_room_is_an_error():
    with pytest.raises(ValueError, match="标识牌尺寸太小"):
        fit("废水排放口", 20, -5, 30)
