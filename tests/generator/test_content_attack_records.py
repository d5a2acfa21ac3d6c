"""Second round of hostile records: misspelt keys in every nested record, texts of spaces
only, a day measured twice across series, look-alike decision numbers and deceptive links.

Each case edits a copy of the fixture content, as a YAML unit file and (where the shape
allows) as a JSON Lines line, and asserts the problem's file, record, field and words.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from generator.content.codes import web_address

from .unit_records import problems_of, write

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "content"
KEY = "91450126MA5L3K2R5Q001P"
OTHER = "91450222MA5N7P3C8N001P"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A writable copy of the fixture content."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "content"))


def raw(content: Path, code: str = KEY) -> dict:
    return yaml.safe_load((content / "units" / f"{code}.yaml").read_text(encoding="utf-8"))


MISSPELT = {
    "industry": (lambda d: d["industry"].update(nmae="制糖业"), "industry.nmae"),
    "data_as_of": (lambda d: d["data_as_of"].update(monitor="2026-11-20"), "data_as_of.monitor"),
    "permitted amount": (
        lambda d: d["permit"]["permitted"][0].update(units="t/a"),
        "permit.permitted[1].units",
    ),
    "inspection": (lambda d: d["inspections"][0].update(finding="x"), "inspections[1].finding"),
    "penalty link": (
        lambda d: d["penalties"][0].update(documnet_url="https://a.example.cn/x.pdf"),
        "penalties[南环罚〔2026〕12号].documnet_url",
    ),
    "rectification": (
        lambda d: d["rectifications"][1].update(deu="2026-12-10"),
        "rectifications[ZG-2026-0107].deu",
    ),
}


@pytest.mark.parametrize("as_jsonl", [False, True], ids=["yaml", "jsonl"])
@pytest.mark.parametrize(("change", "field"), MISSPELT.values(), ids=MISSPELT)
def test_misspelt_keys_in_nested_records_are_reported(content, change, field, as_jsonl):
    data = raw(content)
    change(data)
    file = write(content, KEY, data, as_jsonl)
    problems = problems_of(content)
    assert [(p.file, p.record, p.field) for p in problems] == [(file, KEY, field)]
    assert "未知字段" in problems[0].message


@pytest.mark.parametrize("as_jsonl", [False, True], ids=["yaml", "jsonl"])
@pytest.mark.parametrize(
    ("field", "blank"),
    [
        ("name", "   "),
        ("address", "\u3000\u3000"),
        ("legal_representative", "\u00a0"),
        ("uscc", "\t "),
    ],
)
def test_required_texts_of_spaces_only_are_missing(content, field, blank, as_jsonl):
    data = raw(content)
    data[field] = blank
    file = write(content, KEY, data, as_jsonl)
    problems = [p for p in problems_of(content) if p.field == field]
    assert [(p.file, p.record) for p in problems] == [(file, KEY)]
    assert "缺少必填项" in problems[0].message


def test_a_permit_authority_of_spaces_only_is_missing(content):
    data = raw(content)
    data["permit"]["authority"] = " \u3000 "
    write(content, KEY, data, False)
    assert [p.field for p in problems_of(content)] == ["permit.authority"]


def test_a_day_measured_in_two_series_of_one_outlet_and_pollutant(content):
    data = raw(content)
    data["monitoring"].append(
        {
            "outlet": "DW001",
            "pollutant": "化学需氧量",
            "unit": "mg/L",
            "method": "manual",
            "values": {dt.date(2026, 9, 30): 40.0, dt.date(2026, 7, 31): 41.0},
        }
    )
    write(content, KEY, data, False)
    problems = problems_of(content)
    assert [(p.record, p.field) for p in problems] == [(KEY, "monitoring[4].values.2026-09-30")]
    assert "monitoring[1]" in problems[0].message and "写了两次" in problems[0].message


def test_the_same_day_for_another_pollutant_is_fine(content):
    data = raw(content)
    data["monitoring"][1]["values"][dt.date(2026, 8, 31)] = 7.1
    write(content, KEY, data, False)
    assert problems_of(content) == []


LOOK_ALIKE_NUMBERS = [
    "南环罚〔２０２６〕１２号",
    "南环罚〔2026〕 12号",
    "南环罚〔2026〕12号\u3000",
    "南环罚〔2026〕１2号",
]


@pytest.mark.parametrize("number", LOOK_ALIKE_NUMBERS)
def test_decision_numbers_that_look_alike_are_duplicates(content, number):
    data = raw(content, OTHER)
    penalty = dict(raw(content)["penalties"][0], decision_number=number, date=dt.date(2026, 5, 1))
    data["penalties"] = [penalty]
    data["data_as_of"]["enforcement"] = dt.date(2026, 11, 15)
    write(content, OTHER, data, False)
    problems = problems_of(content)
    assert [(p.file, p.record) for p in problems] == [(f"units/{OTHER}.yaml", OTHER)]
    assert "文号重复" in problems[0].message and "南环罚〔2026〕12号" in problems[0].message


@pytest.mark.parametrize(
    "url",
    [
        "https://sthjt.example.gov.cn@evil.example/a.pdf",
        "https://user:pw@sthjt.example.gov.cn/a.pdf",
        "https:\\\\evil.example\\a.pdf",
        "https:///a.pdf",
        "https://:443/a.pdf",
    ],
)
def test_penalty_links_that_deceive_are_refused(content, url):
    assert not web_address(url)
    data = raw(content)
    data["penalties"][0]["document_url"] = url
    write(content, KEY, data, False)
    problems = problems_of(content)
    assert [p.field for p in problems] == ["penalties[南环罚〔2026〕12号].document_url"]


@pytest.mark.parametrize(
    "url", ["https://sthjt.example.gov.cn/a.pdf", "HTTP://sthjt.example.gov.cn:8080/a?b=1#c"]
)
def test_plain_links_still_pass(url):
    assert web_address(url)
