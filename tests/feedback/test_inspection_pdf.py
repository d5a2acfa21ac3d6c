"""The printed inspection record (现场检查笔录): it parses, holds the Chinese facts, embeds its font."""

from __future__ import annotations

import re

import pymupdf
import pytest

from generator import clock
from tests.feedback.conftest import BINYANG
from tests.feedback.inspection_helpers import NOON, started, valid_post


@pytest.fixture(autouse=True)
def _noon():
    with clock.travel(NOON):
        yield


def _submitted(client, officer, **overrides) -> int:
    officer.login("binyang")
    number = started(client, BINYANG)
    response = client.post(f"/officer/inspection/{number}", data=valid_post(**overrides))
    assert response.status_code == 303, response.get_data(as_text=True)
    return number


def _pdf(client, number: int) -> pymupdf.Document:
    response = client.get(f"/officer/inspection/{number}/record.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    return pymupdf.open(stream=response.data, filetype="pdf")


def _text(doc: pymupdf.Document) -> str:
    return "".join("".join(page.get_text().split()) for page in doc)


def test_the_record_holds_facts_basis_reasoning_items_and_signature_lines(client, officer):
    post = valid_post(facts="检查发现：雨水排放口有<白色>泡沫 & 异味，\n取样编号 S-0610。")
    doc = _pdf(client, _submitted(client, officer, facts=post["facts"]))
    text = _text(doc)
    for expected in (
        "现场检查笔录",
        "宏达",  # the unit's name, from the directory at start
        "检查发现：雨水排放口有<白色>泡沫&异味，取样编号S-0610。",
        "《排污许可管理条例》第十八条",
        "软管绕过在线监测设施排水",
        "排放口规范化建设",
        "信息公开内容",
        "私设排水软管通向厂外沟渠。",
        "限期整改，期限2026-06-25",
        "拆除软管，封堵暗口，提交整改报告。",
        "执法人员（王执法）签名",
        "执法人员（李执法）签名",
        "被检查单位在场人员（赵厂长（环保负责人））签名",
        "2026-06-1009:00至2026-06-1011:30",
    ):
        assert expected in text, expected


def test_the_chinese_font_is_embedded(client, officer):
    doc = _pdf(client, _submitted(client, officer))
    fonts = {f[0]: f for page in doc for f in page.get_fonts(full=True)}
    assert fonts
    for xref, font in fonts.items():
        name, ext, _kind, content = doc.extract_font(xref)
        assert ext != "n/a" and len(content) > 1000, font  # the font program is in the file
        assert re.match(r"^[A-Z]{6}\+WenQuanYiZenHei", name), name  # a subset of the font


def test_a_record_without_problems_says_so(client, officer):
    number = _submitted(
        client, officer, basis="", reasoning="", **{"destination-answer": "compliant"}
    )
    assert "本次检查未发现问题。" in _text(_pdf(client, number))


def test_a_missing_font_is_a_clear_503(app, client, officer, tmp_path):
    number = _submitted(client, officer)
    app.config["INSPECTION_PDF_FONT"] = str(tmp_path / "no-font.ttf")
    response = client.get(f"/officer/inspection/{number}/record.pdf")
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    assert "no-font.ttf 不可用" in text and "INSPECTION_PDF_FONT" in text
