"""The ledger file the build reads (``ledger_file``): every problem named by file, item and
field, all of them at once; nothing of a bad file is published; unknown units are notices."""

from __future__ import annotations

import json

import pytest

from generator.build.run import build
from generator.content.problems import ContentError
from generator.content.readers import load_site, read_content
from generator.content.readers.ledger import read_ledger

from .site_helpers import BASE_URL, FIXTURE, overrides
from .test_ledger_pages import GONE_UNIT, KEY_UNIT, item, write_ledger


def problems_of(tmp_path, data) -> list[str]:
    path = tmp_path / "ledger.json"
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    _, problems = read_ledger(path, "ledger.json")
    return [str(p) for p in problems]


def test_a_good_file_reads_without_problems(tmp_path):
    path = write_ledger(
        tmp_path / "l.json", [item("L1"), item("L2", state="closed", closed_on="2026-11-01")]
    )
    ledger, problems = read_ledger(path, "l.json")
    assert problems == []
    assert [i.id for i in ledger.items] == ["L1", "L2"]
    assert ledger.items[1].closed_on.isoformat() == "2026-11-01"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{", "不是有效的 JSON"),
        ("[]", "应为 JSON 对象"),
        ('{"as_of": "2026-11-19"}', '"items"'),
        ('{"as_of": "2026-11-19", "items": {}}', '"items"'),
        ("\ufeff", "JSON"),
    ],
)
def test_a_file_that_is_no_ledger_is_one_clear_problem(tmp_path, text, words):
    found = problems_of(tmp_path, text)
    assert len(found) == 1 and found[0].startswith("ledger.json") and words in found[0]


def test_every_bad_item_and_field_is_reported_at_once(tmp_path):
    items = [
        item("L1", source="twitter"),
        item("L2", state="overdue"),
        item("L3", found_on="2026/10/12"),
        item("L4", due_on="2026-10-01"),  # before found_on
        item("L5", state="closed"),  # no closed_on
        item("L6", closed_on="2026-11-01"),  # open with a closing day
        item("L7", title=""),
        item("L8", title=12),
        "not an item",
        item("L1"),
    ]
    found = problems_of(tmp_path, {"as_of": "2026-13-01", "items": items})
    expect = [
        ("第1项 L1", "source:", "twitter"),
        ("第2项 L2", "state:", "overdue"),
        ("第3项 L3", "found_on:", "YYYY-MM-DD"),
        ("第4项 L4", "due_on:", "早于发现日期"),
        ("第5项 L5", "closed_on:", "销号日期"),
        ("第6项 L6", "closed_on:", "不应有销号日期"),
        ("第7项 L7", "title:", "不能为空"),
        ("第8项 L8", "title:", "应为文字"),
        ("第9项", "", "JSON 对象"),
        ("第10项 L1", "id:", "与第1项重复"),
        ("", "as_of:", "YYYY-MM-DD"),
    ]
    for record, field, words in expect:
        assert any(f"[{record}]" in p and field in p and words in p for p in found) or (
            not record and any(field in p and words in p for p in found)
        ), (record, found)
    assert all(p.startswith("ledger.json") for p in found)


def test_missing_and_unknown_fields_are_refused_so_nothing_extra_is_published(tmp_path):
    """A field the interface does not hold (a reporter's phone slipped into the export) is
    refused, not carried to a page."""
    extra = item("L1", reporter_phone="13800138000")
    short = item("L2")
    del short["body"]
    found = problems_of(tmp_path, {"as_of": "2026-11-19", "items": [extra, short]})
    assert any("[第1项 L1] reporter_phone:" in p and "不认识的字段" in p for p in found)
    assert any("[第2项 L2] body:" in p and "缺少此字段" in p for p in found)


def test_a_key_written_twice_is_reported(tmp_path):
    text = '{"as_of": "2026-11-19", "as_of": "2026-11-20", "items": []}'
    found = problems_of(tmp_path, text)
    assert any("as_of" in p and "两次" in p for p in found)


def test_a_bad_ledger_stops_the_build_and_writes_nothing(tmp_path):
    path = write_ledger(tmp_path / "ledger.json", [item("L1", state="done")])
    out = tmp_path / "site"
    conf = overrides(tmp_path, ledger_file=str(path))
    with pytest.raises(ContentError) as caught:
        build(FIXTURE, out, BASE_URL, jobs=1, progress=False, overrides=conf)
    assert any("ledger.json" in str(p) and "state" in p.field for p in caught.value.problems)
    assert not out.exists()


def test_a_missing_ledger_file_is_a_problem_naming_it(tmp_path):
    _, problems = read_content(FIXTURE, ledger_file=tmp_path / "nowhere.json")
    assert any("nowhere.json" in str(p) for p in problems)


def test_items_of_unknown_units_are_notices_and_left_out(tmp_path):
    path = write_ledger(tmp_path / "ledger.json", [item("L1"), item("L2", unit=GONE_UNIT)])
    site = load_site(FIXTURE, ledger_file=path)
    assert [i.id for i in site.ledger] == ["L1"]
    assert site.ledger_of(KEY_UNIT)[0].id == "L1"
    assert len(site.notices) == 1 and GONE_UNIT in site.notices[0] and "L2" in site.notices[0]
