"""Second round of hostile content: numbers YAML reads from non-decimal spellings, dates with
a time, the same day twice in a series, unknown keys in coordinates, body e-mail addresses.

Each case edits one line of a copy of the fixture content and asserts the one problem it
must cause: its file, record, field and words; nothing else is reported and nothing is
read from the broken record.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from generator.content.readers import read_content
from generator.content.readers.yamlparse import parse
from generator.content.validate import validate

from .jsonl import jsonable

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "content"
KEY = "91450126MA5L3K2R5Q001P"
UNIT = f"units/{KEY}.yaml"
TODAY = dt.date(2026, 12, 1)
SERIES = "values: {2026-08-31: 52.1, 2026-09-30: 48.3, 2026-10-31: 112.4}"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A writable copy of the fixture content."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "content"))


def edit(content: Path, old: str, new: str, name: str = UNIT) -> None:
    path = content / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(content: Path) -> list:
    site, problems = read_content(content)
    return problems + validate(site, today=TODAY)


def only_problem(content: Path, file: str, record: str, field: str) -> str:
    """The message of the one problem, after checking where it is."""
    problems = problems_of(content)
    assert [(p.file, p.record, p.field) for p in problems] == [(file, record, field)], problems
    return problems[0].message


ODD_NUMBERS = {
    "hex stack height": (
        "stack_height_m: 60",
        "stack_height_m: 0x1F",
        "outlets[DA001].stack_height_m",
        "0x1F（YAML 会把它读成 31）",
    ),
    "octal amount": (
        "amount: 200000",
        "amount: 0200000",
        "penalties[南环罚〔2026〕12号].amount",
        "0200000",
    ),
    "underscored amount": (
        "amount: 200000",
        "amount: 200_000",
        "penalties[南环罚〔2026〕12号].amount",
        "200_000",
    ),
    "base-60 limit": (
        "limit_max: 100,",
        "limit_max: 1:40,",
        "outlets[DW001].pollutants[化学需氧量].limit_max",
        "1:40（YAML 会把它读成 100）",
    ),
    "underscored float diameter": (
        "diameter_m: 2.5",
        "diameter_m: 2_0.5",
        "outlets[DA001].diameter_m",
        "2_0.5",
    ),
    "binary permitted amount": (
        "amount: 86.4",
        "amount: 0b101",
        "permit.permitted[1].amount",
        "0b101",
    ),
    "hex latitude": ("lat: 22.8823", "lat: 0x16", "coordinates.lat", "0x16"),
    "hex monitoring value": (
        "2026-08-31: 52.1",
        "2026-08-31: 0x34",
        "monitoring[1].values.2026-08-31",
        "0x34",
    ),
    "base-60 monitoring value": (
        "2026-08-31: 52.1",
        "2026-08-31: 52:10",
        "monitoring[1].values.2026-08-31",
        "52:10",
    ),
}


@pytest.mark.parametrize(("old", "new", "field", "shown"), ODD_NUMBERS.values(), ids=ODD_NUMBERS)
def test_numbers_not_written_in_decimals_are_refused_as_written(content, old, new, field, shown):
    edit(content, old, new)
    message = only_problem(content, UNIT, KEY, field)
    assert "十进制" in message and shown in message


CODES_AS_OCTAL = {
    "industry code with a leading zero": (
        'code: "1340"',
        "code: 0313",
        "industry.code",
        "0313（YAML 会把它读成 203）",
    ),
    "county as octal digits": ('county: "450126"', "county: 0450126", "county", "0450126"),
}


@pytest.mark.parametrize(
    ("old", "new", "field", "shown"), CODES_AS_OCTAL.values(), ids=CODES_AS_OCTAL
)
def test_unquoted_codes_with_a_leading_zero_show_what_was_written(content, old, new, field, shown):
    edit(content, old, new)
    message = only_problem(content, UNIT, KEY, field)
    assert "应为文字" in message and shown in message and "引号" in message


def test_decimal_numbers_still_read_and_equal_keys_still_found():
    data, twice, error = parse("a: 12\nb: -3\nc: 1.5\nd: 6.8e-3\ne: 0\nf: +5\ng: 1.0e+3\n")
    assert error is None and not twice
    assert data == {"a": 12, "b": -3, "c": 1.5, "d": 0.0068, "e": 0, "f": 5, "g": 1000.0}
    _, twice, _ = parse("k: {1: a, 0x1: b}\n")
    assert [d.key for d in twice] == ["0x1"]


DATES_WITH_TIME = {
    "time zone": (
        "valid_from: 2023-12-20",
        "valid_from: 2023-12-20T23:30:00-05:00",
        "permit.valid_from",
    ),
    "local time": ("valid_to: 2028-12-19", "valid_to: 2028-12-19 08:00:00", "permit.valid_to"),
    "as of with time": (
        "enforcement: 2026-11-15",
        "enforcement: 2026-11-15T00:00:00Z",
        "data_as_of.enforcement",
    ),
    "values key with time": (
        "2026-08-31: 52.1",
        "2026-08-31 10:00:00: 52.1",
        "monitoring[1].values",
    ),
    "inspection date": (
        "date: 2026-03-12",
        "date: 2026-03-12t09:00:00+08:00",
        "inspections[1].date",
    ),
}


@pytest.mark.parametrize(("old", "new", "field"), DATES_WITH_TIME.values(), ids=DATES_WITH_TIME)
def test_a_date_with_a_time_is_refused(content, old, new, field):
    edit(content, old, new)
    message = only_problem(content, UNIT, KEY, field)
    day = re.search(r"\d{4}-\d\d-\d\d", new).group()
    assert "不写时间" in message and f"如 {day}" in message


@pytest.mark.parametrize(
    "written", ["2026-11-20T10:00:00+08:00", "2026-11-20 10:00", "20261120", "2026-W47-5"]
)
def test_json_lines_dates_in_other_iso_forms_are_refused(content, written):
    data = yaml.safe_load((content / UNIT).read_text(encoding="utf-8"))
    (content / UNIT).unlink()
    data["permit"]["valid_from"] = written
    line = json.dumps(jsonable(data), ensure_ascii=False)
    (content / "units/export.jsonl").write_text(line + "\n", encoding="utf-8")
    message = only_problem(content, "units/export.jsonl", KEY, "permit.valid_from")
    assert written in message


def test_an_impossible_day_with_a_time_is_named_as_impossible(content):
    edit(content, "valid_from: 2023-12-20", "valid_from: 2026-02-30 08:00:00")
    assert "这一天不存在" in only_problem(content, UNIT, KEY, "permit.valid_from")


SAME_DAY_TWICE = {
    "date and quoted text": "values: {2026-08-31: 52.1, '2026-08-31': 48.3}",
    "quoted text and date": "values: {'2026-10-31': 52.1, 2026-10-31: 48.3}",
}


@pytest.mark.parametrize("new", SAME_DAY_TWICE.values(), ids=SAME_DAY_TWICE)
def test_the_same_day_twice_in_one_series_is_a_problem(content, new):
    edit(content, SERIES, new)
    day = re.search(r"\d{4}-\d\d-\d\d", new).group()
    message = only_problem(content, UNIT, KEY, f"monitoring[1].values.{day}")
    assert "写了两次" in message and "引号" in message


def test_a_key_twice_on_one_line_says_so(content):
    edit(content, SERIES, "values: {2026-08-31: 52.1, 2026-08-31: 48.3}")
    (problem,) = problems_of(content)
    assert "第 51 行和第 51 行，同一行里" in problem.message


@pytest.mark.parametrize(
    ("new", "field"),
    [
        ("coordinates: {lat: 22.8823, lon: 108.9512, alt: 3}", "coordinates.alt"),
        ("coordinates: {lat: 22.8823, lon: 108.9512, lng: 108.9}", "coordinates.lng"),
    ],
)
def test_unknown_keys_in_coordinates_are_reported(content, new, field):
    edit(content, "coordinates: {lat: 22.8823, lon: 108.9512}", new)
    assert "未知字段" in only_problem(content, UNIT, KEY, field)


def test_outlet_coordinates_with_a_misspelt_key(content):
    edit(
        content,
        "coordinates: {lat: 22.8810, lon: 108.9530}",
        "coordinates: {lat: 22.8810, lon: 108.9530, Lat: 1}",
    )
    assert "未知字段" in only_problem(content, UNIT, KEY, "outlets[DW001].coordinates.Lat")


@pytest.mark.parametrize("text", ["", "# 只有注释\n", "\n\n"])
def test_an_empty_unit_file_says_it_is_empty(content, text):
    (content / UNIT).write_text(text, encoding="utf-8")
    assert "没有内容" in only_problem(content, UNIT, KEY, "")


@pytest.mark.parametrize(
    "email",
    ["not-an-email", "nn@", "nn@@hb.example.gov.cn", "nn binyang@hb.example.gov.cn", "nn@hb..cn"],
)
def test_a_body_email_that_cannot_be_mailed_is_refused(content, email):
    edit(content, "email: nn-binyang@hb.example.gov.cn", f'email: "{email}"', "bodies.yaml")
    problems = [p for p in problems_of(content) if p.file == "bodies.yaml"]
    assert [(p.record, p.field) for p in problems] == [("nn-binyang", "email")]
    assert "电子邮箱地址无效" in problems[0].message and email in problems[0].message


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("email: nn-binyang@hb.example.gov.cn", 'email: "nn-binyang"', "email"),
        ("phone: 0771-8222100", "phone: 0771-8222100, fax: 1", "fax"),
        ("name: 南宁市宾阳生态环境局", "name: '  '", "name"),
        ("phone: 0771-8222100", "phone: yes", "phone"),
    ],
)
def test_a_body_with_a_wrong_contact_still_covers_its_county(content, old, new, field):
    edit(content, old, new, "bodies.yaml")
    problems = problems_of(content)
    assert [(p.file, p.record, p.field) for p in problems] == [("bodies.yaml", "nn-binyang", field)]


def test_a_body_with_wrong_areas_leaves_its_county_uncovered(content):
    edit(content, 'areas: ["450126"]', 'areas: ["459999"]', "bodies.yaml")
    fields = sorted((p.file, p.field) for p in problems_of(content))
    assert fields == [("bodies.yaml", "areas[459999]"), (UNIT, "county")]


@pytest.mark.parametrize("order", ["1.5", "-0.25", "1e3x", "1_0", "0x10", "'10'"])
def test_a_page_order_that_is_no_whole_number_is_refused(content, order):
    edit(content, "order: 90", f"order: {order}", "pages/about.md")
    assert only_problem(content, "pages/about.md", "about", "order")


@pytest.mark.parametrize("order", ["10", "-5", "0", "10.0"])
def test_whole_page_orders_are_read(content, order):
    edit(content, "order: 90", f"order: {order}", "pages/about.md")
    assert problems_of(content) == []


def test_a_key_twice_in_bodies_hides_no_other_problem(content):
    edit(content, "phone: 0771-8222100", "phone: 0771-8222100, phone: 1", "bodies.yaml")
    edit(
        content,
        'parent: gx, areas: ["450200"]',
        'parent: lz-liucheng, areas: ["450200"]',
        "bodies.yaml",
    )
    found = [(p.file, p.line, p.record, p.field) for p in problems_of(content)]
    assert ("bodies.yaml", 4, "nn-binyang", "[3].phone") in found
    assert [f for f in found if f[2] == "lz"] == [("bodies.yaml", None, "lz", "parent")] * 2


def test_a_key_twice_in_site_yaml_hides_no_other_problem(content):
    (content / "site.yaml").write_text(
        "title: 一码通\ntitle: 一码通\nprovince: '450000'\ntitel: x\n", encoding="utf-8"
    )
    found = [(p.line, p.record, p.field) for p in problems_of(content)]
    assert sorted(found, key=str) == sorted(
        [(2, "site", "title"), (None, "site", "titel")], key=str
    )
