"""Validation: every check reports a plain-Chinese problem naming file, record and field."""

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.content.check import check_command
from generator.content.problems import ContentError
from generator.content.readers import load_site, read_content
from generator.content.validate import validate

from .jsonl import jsonable

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "content"
KEY = "91450126MA5L3K2R5Q001P"
REG = "92450324MA5R2W6X1P001W"
REVOKED = "91450902MA5K8T4H2R001P"


@pytest.fixture
def content(tmp_path):
    """A writable copy of the fixture content."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "content"))


def edit(content: Path, code: str, change) -> None:
    """Apply ``change`` to the raw record of unit ``code`` and write it back."""
    path = content / "units" / f"{code}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def problems_of(content: Path) -> list:
    site, problems = read_content(content)
    return problems + validate(site)


def outlet(data, code="DW001"):
    return next(o for o in data["outlets"] if o["code"] == code)


def series(data, pollutant="化学需氧量"):
    return next(s for s in data["monitoring"] if s["pollutant"] == pollutant)


CASES = {
    "uscc check character": (KEY, lambda d: d.update(uscc="91450126MA5L3K2R5A"), "uscc", "校验位"),
    "code structure": (
        KEY,
        lambda d: d.update(fixed_source_code="91450126MA5L3K2R5Q01P"),
        "fixed_source_code",
        "22位",
    ),
    "code differs from file name": (
        KEY,
        lambda d: d.update(fixed_source_code="91450126MA5L3K2R5Q002P"),
        "fixed_source_code",
        "文件名",
    ),
    "uscc differs from code": (
        KEY,
        lambda d: d.update(uscc="91130200699229617X"),
        "uscc",
        "前18位",
    ),
    "outlet code": (KEY, lambda d: outlet(d).update(code="DW01"), "outlets[DW01].code", "DA001"),
    "duplicate outlet": (
        KEY,
        lambda d: outlet(d, "DA001").update(code="DW001"),
        "outlets[DW001]",
        "不能重复",
    ),
    "valid_from after valid_to": (
        KEY,
        lambda d: d["permit"].update(valid_from=dt.date(2029, 1, 1)),
        "permit.valid_to",
        "应晚于",
    ),
    "revoked without date": (
        REVOKED,
        lambda d: d["permit"].update(status_date=None),
        "permit.status_date",
        "status_date",
    ),
    "future of monitoring as-of": (
        KEY,
        lambda d: series(d)["values"].update({dt.date(2026, 11, 21): 50}),
        "values.2026-11-21",
        "晚于监测数据截至日期",
    ),
    "future of today": (
        KEY,
        lambda d: (
            d["data_as_of"].update(monitoring=dt.date(2099, 1, 1)),
            series(d)["values"].update({dt.date(2098, 1, 1): 50}),
        ),
        "values.2098-01-01",
        "晚于今天",
    ),
    "closed without date": (
        KEY,
        lambda d: d["rectifications"][1].update(status="closed"),
        "rectifications[ZG-2026-0107].closed",
        "销号日期",
    ),
    "closed before issued": (
        KEY,
        lambda d: d["rectifications"][0].update(closed=dt.date(2026, 1, 1)),
        ".closed",
        "早于下达日期",
    ),
    "negative value": (
        KEY,
        lambda d: series(d)["values"].update({dt.date(2026, 7, 31): -1}),
        "values.2026-07-31",
        "负数",
    ),
    "non-numeric value": (
        KEY,
        lambda d: series(d)["values"].update({dt.date(2026, 7, 31): "52.1"}),
        "values.2026-07-31",
        "应为数字",
    ),
    "negative penalty": (KEY, lambda d: d["penalties"][0].update(amount=-5), ".amount", "负数"),
    "string amount": (
        KEY,
        lambda d: d["penalties"][0].update(amount="二十万"),
        ".amount",
        "应为数字",
    ),
    "unit mismatch": (KEY, lambda d: series(d).update(unit="mg/m³"), ".unit", "不一致"),
    "limit_min above limit_max": (
        KEY,
        lambda d: outlet(d)["pollutants"][2].update(limit_min=10),
        "pollutants[pH值].limit_min",
        "大于上限",
    ),
    "unknown county": (KEY, lambda d: d.update(county="450100"), "county", "县级行政区划"),
    "unquoted county": (KEY, lambda d: d.update(county=450126), "county", "加引号"),
    "measurement on missing outlet": (
        KEY,
        lambda d: series(d).update(outlet="DW009"),
        ".outlet",
        "不存在",
    ),
    "pollutant not listed": (
        KEY,
        lambda d: series(d, "二氧化硫").update(pollutant="汞"),
        ".pollutant",
        "没有列出",
    ),
    "key unit without permit": (KEY, lambda d: d.pop("permit"), "permit", "必须有排污许可证"),
    "registration with P letter": (
        REG,
        lambda d: d.update(category="key"),
        "permit",
        "必须有排污许可证",
    ),
    "missing field": (KEY, lambda d: d.pop("name"), "name", "缺少必填项"),
    "unknown category": (KEY, lambda d: d.update(category="major"), "category", "key（重点管理）"),
    "unknown method": (
        KEY,
        lambda d: series(d).update(method="online"),
        "monitoring[1].method",
        "automatic（自动监测）",
    ),
    "bad date": (
        KEY,
        lambda d: d["permit"].update(valid_to="2028-13-01"),
        "permit.valid_to",
        "应为日期",
    ),
    "as-of in the future": (
        KEY,
        lambda d: d["data_as_of"].update(permit=dt.date(2099, 1, 1)),
        "data_as_of.permit",
        "晚于今天",
    ),
    "enforcement after its as-of": (
        KEY,
        lambda d: d["penalties"][0].update(date=dt.date(2026, 11, 16)),
        ".date",
        "晚于执法数据截至日期",
    ),
    "enforcement without as-of": (
        REVOKED,
        lambda d: d["data_as_of"].pop("enforcement"),
        "data_as_of.enforcement",
        "必须填写",
    ),
    "misspelt field": (KEY, lambda d: d.update(adress="x"), "adress", "未知字段"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_each_check(content, case):
    code, change, field, message = CASES[case]
    edit(content, code, change)
    found = problems_of(content)
    assert any(field in p.field and message in p.message for p in found), [str(p) for p in found]
    assert all(p.file for p in found)


def test_fixture_is_clean():
    site, problems = read_content(FIXTURE)
    assert problems == [] and validate(site) == []
    assert validate(site.units) == []


def test_all_problems_at_once(content):
    edit(content, KEY, lambda d: d.update(uscc="91450126MA5L3K2R5A", county="450100"))
    edit(content, REVOKED, lambda d: d["penalties"][0].update(amount="x"))
    with pytest.raises(ContentError) as caught:
        load_site(content)
    files = {p.file for p in caught.value.problems}
    assert files == {f"units/{KEY}.yaml", f"units/{REVOKED}.yaml"}
    assert len(caught.value.problems) == 3


def test_duplicates_across_files_and_lines(content):
    raw = yaml.safe_load((content / "units" / f"{REVOKED}.yaml").read_text(encoding="utf-8"))
    line = json.dumps(jsonable(raw), ensure_ascii=False)
    (content / "units" / "bulk.jsonl").write_text(line + "\n" + line + "\n", encoding="utf-8")
    found = problems_of(content)
    dup_units = [p for p in found if "排污单位编码重复" in p.message]
    dup_penalties = [p for p in found if "文号重复" in p.message]
    assert [p.line for p in dup_units] == [1, 2] and len(dup_penalties) == 2
    assert all(p.file == "units/bulk.jsonl" for p in dup_units)


def test_bodies_unknown_parent_and_area(content):
    path = content / "bodies.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + '- {id: xx, name: 某局, level: county, parent: nobody, areas: ["459999"]}\n',
        encoding="utf-8",
    )
    found = [p for p in problems_of(content) if p.file == "bodies.yaml"]
    assert {p.field for p in found} == {"parent", "areas[459999]"}


def test_check_command_ok_and_failing(content):
    runner = CliRunner()
    ok = runner.invoke(check_command, ["--content", str(FIXTURE)])
    assert ok.exit_code == 0 and "4 个排污单位" in ok.output and "2 个页面" in ok.output
    edit(content, KEY, lambda d: d.update(category="major"))
    bad = runner.invoke(check_command, ["--content", str(content)])
    assert bad.exit_code == 1
    assert f"units/{KEY}.yaml [{KEY}] category:" in bad.output and "共 1 处问题" in bad.output


def test_check_command_uses_content_dir_setting(monkeypatch):
    monkeypatch.setenv("YIMATONG_CONTENT_DIR", str(FIXTURE))
    assert CliRunner().invoke(check_command, []).exit_code == 0


def _paths(value, path=()):
    """Every path to every value inside a raw record."""
    yield path
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, child in items:
        yield from _paths(child, path + (key,))


def _replaced(record, path, new):
    if not path:
        return new
    copy = dict(record) if isinstance(record, dict) else list(record)
    copy[path[0]] = _replaced(record[path[0]], path[1:], new)
    return copy


def test_wrong_types_anywhere_become_problems_never_tracebacks():
    from generator.content.readers import read_unit

    raw = yaml.safe_load((FIXTURE / "units" / f"{KEY}.yaml").read_text(encoding="utf-8"))
    checked = 0
    for path in list(_paths(raw)):
        for wrong in (None, "文字", -3, True, [1], {"x": 1}, dt.date(2030, 1, 1)):
            unit, problems = read_unit(_replaced(raw, path, wrong), f"units/{KEY}.yaml")
            if unit is not None:
                problems = validate([unit])
            assert all(isinstance(p.message, str) and p.message for p in problems)
            checked += 1
    assert checked > 1000
