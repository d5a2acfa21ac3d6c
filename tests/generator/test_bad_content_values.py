"""Values that must never publish: look-alike codes, impossible places, broken body trees.

Each case edits a copy of the fixture content and asserts the problem names the file, the
record and the field, for YAML unit files and for the same record as a JSON Lines line.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from generator import urls
from generator.content.codes import characters_problem, outlet_problem, suggested_code, web_address
from generator.content.problems import ContentError
from generator.content.readers import load_site

from .jsonl import jsonable
from .unit_records import problems_of, write

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "content"
KEY = "91450126MA5L3K2R5Q001P"
REG = "92450324MA5R2W6X1P001W"


@pytest.fixture
def content(tmp_path):
    """A writable copy of the fixture content."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "content"))


def raw(content: Path, code: str) -> dict:
    return yaml.safe_load((content / "units" / f"{code}.yaml").read_text(encoding="utf-8"))


def outlet(data: dict, code: str = "DW001") -> dict:
    return next(o for o in data["outlets"] if o["code"] == code)


def set_code(data: dict, code: str) -> None:
    data["fixed_source_code"] = code


CODE_CASES = {
    "full-width digits in outlet code": (
        lambda d: outlet(d).update(code="DW００１"),
        "outlets[DW００１].code",
        ["全角", "应为 DW001"],
    ),
    "lower-case outlet code": (
        lambda d: outlet(d).update(code="dw001"),
        "outlets[dw001].code",
        ["小写", "应为 DW001"],
    ),
    "space inside outlet code": (
        lambda d: outlet(d, "DA001").update(code="DA 001"),
        "outlets[DA 001].code",
        ["空格", "应为 DA001"],
    ),
    "zero-width space in outlet code": (
        lambda d: outlet(d, "DA001").update(code="DA\u200b001"),
        "outlets[DA\u200b001].code",
        ["不可见字符 U+200B", "应为 DA001"],
    ),
    "cyrillic look-alike in outlet code": (
        lambda d: outlet(d, "DA001").update(code="D\u0410001"),
        "outlets[D\u0410001].code",
        ["U+0410", "CYRILLIC"],
    ),
    "full-width letter in fixed-source code": (
        lambda d: set_code(d, KEY[:21] + "Ｐ"),
        "fixed_source_code",
        ["第22位“Ｐ”是全角字符", f"应为 {KEY}"],
    ),
    "byte-order mark before the fixed-source code": (
        lambda d: set_code(d, "\ufeff" + KEY),
        "fixed_source_code",
        ["U+FEFF", f"应为 {KEY}"],
    ),
    "lower-case uscc": (
        lambda d: d.update(uscc=KEY[:18].lower()),
        "uscc",
        ["小写", f"应为 {KEY[:18]}"],
    ),
    "greek omicron in uscc": (
        lambda d: d.update(uscc=KEY[:9] + "\u039f" + KEY[10:18]),
        "uscc",
        ["U+039F"],
    ),
    "full-width county": (lambda d: d.update(county="４５０１２６"), "county", ["应为 450126"]),
    "ideographic space inside county": (
        lambda d: d.update(county="450\u3000126"),
        "county",
        ["空格", "应为 450126"],
    ),
    "short county": (lambda d: d.update(county="45012"), "county", ["6位数字"]),
    "full-width industry code": (
        lambda d: d["industry"].update(code="１３４０"),
        "industry.code",
        ["应为 1340"],
    ),
    "industry code that is not 4 digits": (
        lambda d: d["industry"].update(code="13/40"),
        "industry.code",
        ["符号"],
    ),
    "zero-width joiner in permit number": (
        lambda d: d["permit"].update(number=KEY[:5] + "\u200d" + KEY[5:]),
        "permit.number",
        ["U+200D", f"应为 {KEY}"],
    ),
    "look-alike outlet in a monitoring reference": (
        lambda d: d["monitoring"][0].update(outlet="DＷ001"),
        "monitoring[DＷ001/化学需氧量].outlet",
        ["全角", "应为 DW001", "本单位排放口"],
    ),
}


@pytest.mark.parametrize("as_jsonl", [False, True], ids=["yaml", "jsonl"])
@pytest.mark.parametrize("case", CODE_CASES, ids=list(CODE_CASES))
def test_codes_are_refused_with_their_correct_form(content, case, as_jsonl):
    change, field, words = CODE_CASES[case]
    data = raw(content, KEY)
    change(data)
    file = write(content, KEY, data, as_jsonl)
    found = [p for p in problems_of(content) if p.field == field]
    assert found, [str(p) for p in problems_of(content)]
    assert all(w in found[0].message for w in words), found[0].message
    assert found[0].file == file and found[0].record
    assert (found[0].line == 1) is as_jsonl


def test_refused_codes_stop_the_load_so_nothing_is_published(content):
    data = raw(content, KEY)
    outlet(data).update(code="DW００１")
    data["monitoring"][0]["outlet"] = "DW００１"
    write(content, KEY, data, False)
    with pytest.raises(ContentError) as caught:
        load_site(content)
    assert any("全角" in p.message for p in caught.value.problems)


def test_character_rules_directly():
    assert characters_problem("DA001", "排放口编号") is None
    assert suggested_code(" ｄａ\u200b００２ ") == "DA002"
    message = outlet_problem("DA\u2060001")
    assert "U+2060" in message and "\u2060" not in message  # invisibles are named, not shown
    many = characters_problem("ＡＢＣＤＥＦ", "编码")
    assert "等 6 处" in many and "应为 ABCDEF" in many


@pytest.mark.parametrize("code", ["DA００１", "da001", "DA 001", "DA\u200b001", "D\u0410001", ""])
def test_no_refused_code_reaches_an_address(code):
    with pytest.raises(ValueError):
        urls.outlet_path(KEY, code)
    if code:
        with pytest.raises(ValueError):
            urls.unit_path(KEY[:4] + code + KEY[4:])


COORDINATE_CASES = {
    "latitude 95": ({"lat": 95, "lon": 108.9}, "coordinates.lat", "-90 到 90"),
    "latitude -91": ({"lat": -91, "lon": 108.9}, "coordinates.lat", "-90 到 90"),
    "longitude 200": ({"lat": 22.8, "lon": 200}, "coordinates.lon", "-180 到 180"),
    "swapped": ({"lat": 108.95, "lon": 22.88}, "coordinates.lat", "-90 到 90"),
    "swapped inside the range": ({"lat": 30.0, "lon": 53.0}, "coordinates", "不在中国境内"),
    "new york": ({"lat": 40.7, "lon": -74.0}, "coordinates", "不在中国境内"),
    "null island": ({"lat": 0, "lon": 0}, "coordinates", "不在中国境内"),
    "nan": ({"lat": float("nan"), "lon": 108.9}, "coordinates.lat", "NaN"),
    "infinity": ({"lat": 22.8, "lon": float("inf")}, "coordinates.lon", "无穷大"),
    "minus infinity": ({"lat": float("-inf"), "lon": 108.9}, "coordinates.lat", "无穷大"),
    "integer too big for a float": ({"lat": 10**400, "lon": 108.9}, "coordinates.lat", "太大"),
    "text": ({"lat": "北纬22度", "lon": 108.9}, "coordinates.lat", "应为数字"),
}


@pytest.mark.parametrize("as_jsonl", [False, True], ids=["yaml", "jsonl"])
@pytest.mark.parametrize("where", ["unit", "outlet"])
@pytest.mark.parametrize("case", COORDINATE_CASES, ids=list(COORDINATE_CASES))
def test_impossible_coordinates(content, case, where, as_jsonl):
    point, field, words = COORDINATE_CASES[case]
    data = raw(content, KEY)
    target = data if where == "unit" else outlet(data)
    target["coordinates"] = point
    file = write(content, KEY, data, as_jsonl)
    prefix = "" if where == "unit" else "outlets[DW001]."
    found = [p for p in problems_of(content) if p.field == prefix + field]
    assert found and words in found[0].message, [str(p) for p in problems_of(content)]
    assert found[0].file == file and found[0].record == KEY


def test_swapped_coordinates_are_named_as_such(content):
    data = raw(content, KEY)
    data["coordinates"] = {"lat": 80.0, "lon": 40.0}  # both possible, the swap is in China
    outlet(data)["coordinates"] = {"lat": 108.953, "lon": 22.881}  # the usual Guangxi mistake
    write(content, KEY, data, False)
    found = {p.field: p.message for p in problems_of(content)}
    assert "写反" in found["coordinates"] and "写反" in found["outlets[DW001].coordinates.lat"]


def test_jsonl_nan_and_infinity_literals(content):
    data = jsonable(raw(content, KEY))
    line = json.dumps(data, ensure_ascii=False)
    line = line.replace('"lat": 22.8823', '"lat": NaN').replace('"lon": 108.9512', '"lon": -1e999')
    (content / "units" / f"{KEY}.yaml").unlink()
    (content / "units" / "x.jsonl").write_text(line + "\n", encoding="utf-8")
    fields = {p.field: p.message for p in problems_of(content) if p.file == "units/x.jsonl"}
    assert "NaN" in fields["coordinates.lat"] and "无穷大" in fields["coordinates.lon"]


def test_points_inside_china_pass(content):
    data = raw(content, KEY)
    data["coordinates"] = {"lat": 21.0, "lon": 109.1}  # 北海
    outlet(data)["coordinates"] = {"lat": 45.75, "lon": 126.65}  # 哈尔滨: anywhere in China
    write(content, KEY, data, False)
    assert problems_of(content) == []


@pytest.mark.parametrize(
    "address",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "//evil.example/x.pdf",
        "ftp://files.example/x.pdf",
        "https://ok.example/a b.pdf",
        "https://ok.example/\u200bx.pdf",
        "vbscript:msgbox(1)",
    ],
)
def test_penalty_document_links_must_be_web_addresses(content, address):
    data = raw(content, KEY)
    data["penalties"][0]["document_url"] = address
    write(content, KEY, data, False)
    found = [p for p in problems_of(content) if p.field.endswith(".document_url")]
    if address.strip() != address:  # text fields are stripped: the rest must still be refused
        address = address.strip()
    assert found and "https://" in found[0].message, address
    assert not web_address(address)


def test_web_addresses_pass():
    assert web_address("https://sthjt.example.gov.cn/xxgk/cfjd/2026-12.pdf")
    assert web_address("http://example.cn/a?b=1#c")


INVISIBLE_CASES = {
    "right-to-left override in the name": (
        lambda d: d.update(name="广西宾阳\u202e司公限有业糖达宏"),
        "name",
        "U+202E",
    ),
    "vertical tab in the address": (
        lambda d: d.update(address="宾阳县\x0b黎塘镇"),
        "address",
        "U+000B",
    ),
    "nul in the legal representative": (
        lambda d: d.update(legal_representative="黄志强\x00"),
        "legal_representative",
        "U+0000",
    ),
    "zero-width space in a short name": (
        lambda d: d.update(short_names=["宏达", "宏\u200b达糖厂"]),
        "short_names[2]",
        "应为 宏达糖厂",
    ),
    "isolate in a penalty's violation": (
        lambda d: d["penalties"][0].update(violation="超标\u2066排放"),
        "penalties[南环罚〔2026〕12号].violation",
        "U+2066",
    ),
    "word joiner in a pollutant name": (
        lambda d: d["monitoring"][0].update(pollutant="化学需氧量\u2060"),
        "monitoring[1].pollutant",
        "应为 化学需氧量",
    ),
}


@pytest.mark.parametrize("as_jsonl", [False, True], ids=["yaml", "jsonl"])
@pytest.mark.parametrize("case", INVISIBLE_CASES, ids=list(INVISIBLE_CASES))
def test_invisible_characters_in_any_text_are_refused(content, case, as_jsonl):
    change, field, words = INVISIBLE_CASES[case]
    data = raw(content, KEY)
    change(data)
    file = write(content, KEY, data, as_jsonl)
    found = [p for p in problems_of(content) if p.field == field]
    assert found and "不可见字符" in found[0].message and words in found[0].message, [
        str(p) for p in problems_of(content)
    ]
    assert found[0].file == file


def test_line_breaks_tabs_and_full_width_spaces_in_text_are_fine(content):
    data = raw(content, KEY)
    data["inspections"][0]["findings"] = "第一行\n第二行\t备注"
    data["address"] = "宾阳县　黎塘镇"
    write(content, KEY, data, False)
    assert problems_of(content) == []
