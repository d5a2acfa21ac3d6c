"""Print files: true size, boxes, embedded fonts, crop marks, city PDFs, manifests, SVG units."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET

import pymupdf
import pytest

from generator.signs import write_signs
from generator.signs.layout import SLUG_MM
from generator.signs.pdf import cmyk

PT = 72 / 25.4


def _mm(rect) -> tuple[float, float, float, float]:
    return tuple(round(v / PT, 2) for v in (rect.x0, rect.y0, rect.x1, rect.y1))


@pytest.mark.parametrize(("name", "trim"), [("gate", (600, 400)), ("DW001", (480, 300))])
def test_pdf_page_is_trim_plus_bleed_plus_slug(written, name, trim):
    unit = written.site.units[0]
    margin = 3 + SLUG_MM
    with pymupdf.open(written.pdf(unit.code, name)) as doc:
        page = doc[0]
        assert _mm(page.rect) == (0, 0, trim[0] + 2 * margin, trim[1] + 2 * margin)
        assert _mm(page.trimbox) == (margin, margin, margin + trim[0], margin + trim[1])
        assert _mm(page.bleedbox) == (SLUG_MM, SLUG_MM, trim[0] + margin + 3, trim[1] + margin + 3)


def test_only_the_sign_font_is_used_and_it_is_embedded(written):
    for path in written.out.rglob("*.pdf"):
        with pymupdf.open(path) as doc:
            for page in doc:
                fonts = page.get_fonts()
                assert fonts, path
                for _xref, ext, kind, name, *_ in fonts:
                    assert ext == "ttf" and kind == "TrueType" and "WenQuanYiZenHei" in name, path


def test_crop_marks_sit_outside_the_bleed(written):
    unit = written.site.units[0]
    with pymupdf.open(written.pdf(unit.code, "DW001")) as doc:
        page = doc[0]
        inner = page.bleedbox + (0.1, 0.1, -0.1, -0.1)
        lines = [item for d in page.get_drawings() for item in d["items"] if item[0] == "l"]
        marks = [(a, b) for _, a, b in lines if not inner.contains(a) and not inner.contains(b)]
        assert len(marks) == 8
        assert all(page.rect.contains(a) and page.rect.contains(b) for a, b in marks)


def test_city_pdf_has_every_sign_of_the_city(written):
    for city in {u.city_code for u in written.site.units}:
        units = [u for u in written.site.units if u.city_code == city]
        with pymupdf.open(written.out / city / f"signs-{city}.pdf") as doc:
            assert len(doc) == sum(1 + len(u.outlets) for u in units)
            text = "".join(page.get_text() for page in doc)
        for unit in units:
            assert unit.code in text


def test_manifest_lists_every_sign(written):
    raw = (written.out / "manifest.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert len(rows) == len(written.signs)
    assert [r["city"] for r in rows] == sorted(r["city"] for r in rows)
    for row in rows:
        sign = written.signs[(row["unit"], row["outlet"] or "gate")]
        assert row["url"] == sign.url
        assert row["size_mm"] == f"{sign.width:g}x{sign.height:g}"
        assert row["qr_error"] == "H" and float(row["module_mm"]) >= 1.5
        assert (written.out / row["pdf"]).is_file() and (written.out / row["svg"]).is_file()
        assert row["unit_name"] == written.site.unit(row["unit"]).name
    city = rows[0]["city"]
    city_rows = list(
        csv.DictReader(
            (written.out / city / f"manifest-{city}.csv")
            .read_text(encoding="utf-8-sig")
            .splitlines()
        )
    )
    assert city_rows == [r for r in rows if r["city"] == city]


def test_svg_is_sized_in_millimetres(written):
    unit = written.site.units[0]
    root = ET.parse(written.pdf(unit.code, "DW001").with_suffix(".svg")).getroot()
    assert root.get("width") == "506mm" and root.get("height") == "326mm"
    assert root.get("viewBox") == "-13 -13 506 326"
    texts = list(root.iter("{http://www.w3.org/2000/svg}text"))
    assert texts and all(float(t.get("textLength")) > 0 for t in texts)
    assert "WenQuanYi Zen Hei" in root.get("font-family")


def test_output_is_byte_for_byte_repeatable(site, opts, written, tmp_path):
    write_signs(site, list(site.units), opts, tmp_path)
    for path in written.out.rglob("*.*"):
        if path.suffix in {".pdf", ".svg"}:
            assert (tmp_path / path.relative_to(written.out)).read_bytes() == path.read_bytes(), (
                path
            )


def test_print_colours_are_cmyk():
    assert cmyk("#000000").cmyk() == (0, 0, 0, 1)  # QR modules and marks: black plate only
    assert cmyk("#00843D").cmyk() == (1.0, 0.0, 0.85, 0.24)
    assert cmyk("#FF0000").cmyk() == (0, 1, 1, 0)
