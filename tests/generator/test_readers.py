"""Readers: the fixture content loads into the model; each format reports its own problems."""

import datetime as dt
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from generator.content.model import Category, Method, PermitState
from generator.content.problems import ContentError
from generator.content.readers import load_divisions, load_site, read_content
from generator.content.validate import validate

from .jsonl import jsonable

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "content"
KEY_UNIT = "91450126MA5L3K2R5Q001P"


@pytest.fixture
def content(tmp_path):
    """A writable copy of the fixture content."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "content"))


def test_fixture_loads_sorted_and_complete():
    site = load_site(FIXTURE)
    codes = [u.fixed_source_code for u in site.units]
    assert codes == sorted(codes) and len(codes) == 4
    assert site.as_of == dt.date(2026, 11, 20)
    assert site.title == "广西生态环境一码通" and site.issuer == "广西壮族自治区生态环境厅监制"
    assert [p.slug for p in site.pages] == ["how-to-read", "about"]
    assert "<h2>" in site.pages[0].body_html
    assert site.bodies[0].level == "province" and site.bodies[2].parent == "nn"


def test_fixture_covers_the_states_the_colleagues_need():
    site = load_site(FIXTURE)
    states = {u.category: [] for u in site.units}
    for u in site.units:
        states[u.category].append(u.permit_state(site.as_of))
    assert PermitState.REGISTERED in states[Category.REGISTRATION]
    assert {PermitState.EXPIRING, PermitState.REVOKED} <= set(states[Category.SIMPLIFIED])
    key = site.unit(KEY_UNIT)
    assert {o.kind for o in key.outlets} == {"gas", "water"}
    cod = key.series("DW001", "化学需氧量")
    assert [m.date for m in cod] == [
        dt.date(2026, 8, 31),
        dt.date(2026, 9, 30),
        dt.date(2026, 10, 31),
    ]
    assert cod[-1].method is Method.AUTOMATIC
    assert key.outlet("DW001").pollutant("化学需氧量").exceeds(cod[-1].value)
    assert {r.status.value for r in key.rectifications} == {"open", "closed"}
    assert key.penalties[0].amount == 200000


def test_stats_file_is_loaded(tmp_path):
    stats = tmp_path / "stats.json"
    stats.write_text(json.dumps({"reports": 3}), encoding="utf-8")
    assert load_site(FIXTURE, stats).report_stats == {"reports": 3}
    assert load_site(FIXTURE, tmp_path / "missing.json").report_stats == {}


def test_divisions():
    divisions = load_divisions("450000")
    assert divisions["450126"].name == "宾阳县" and divisions["450126"].level == "county"
    assert divisions["450100"].parent == "450000"
    assert len([d for d in divisions.values() if d.level == "city"]) == 14


def test_jsonl_reader_names_file_and_line(content):
    (content / "units" / "bulk.jsonl").write_text(
        json.dumps({"name": "x"}, ensure_ascii=False) + "\n\n{not json\n", encoding="utf-8"
    )
    _, problems = read_content(content)
    lines = {p.line for p in problems if p.file == "units/bulk.jsonl"}
    assert lines == {1, 3}
    assert any("不是有效的 JSON" in p.message for p in problems)


def test_jsonl_units_load_like_yaml(content):
    import yaml

    path = content / "units" / f"{KEY_UNIT}.yaml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.unlink()
    (content / "units" / "export.jsonl").write_text(
        json.dumps(jsonable(record), ensure_ascii=False) + "\n", encoding="utf-8"
    )
    site = load_site(content)
    unit = site.unit(KEY_UNIT)
    assert unit.source == "units/export.jsonl:1"
    assert unit == replace(load_site(FIXTURE).unit(KEY_UNIT), source=unit.source)


def test_yaml_syntax_error_has_a_line(content):
    (content / "units" / f"{KEY_UNIT}.yaml").write_text(
        "name: [unclosed\nuscc: x\n", encoding="utf-8"
    )
    with pytest.raises(ContentError) as caught:
        load_site(content)
    problem = caught.value.problems[0]
    assert "YAML 格式错误" in problem.message and problem.line


def test_page_without_front_matter(content):
    (content / "pages" / "bad.md").write_text("# 无信息头\n", encoding="utf-8")
    _, problems = read_content(content)
    assert [p.file for p in problems] == ["pages/bad.md"]


def test_missing_content_folder(tmp_path):
    with pytest.raises(ContentError) as caught:
        load_site(tmp_path / "nowhere")
    assert "找不到内容文件夹" in caught.value.report()


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bodies.yaml", "{id: gx}\n", "执法机构列表"),
        (
            "bodies.yaml",
            "- {id: gx, name: 厅, level: nation, areas: []}\n- 3\n",
            "province（省级）",
        ),
        ("bodies.yaml", "- {id: gx, name: 厅, level: province}\n", "缺少管辖区域"),
        ("site.yaml", "- title\n", "应为键值对"),
        ("site.yaml", "title: 一码通\nprovince: 450000\n", "加引号"),
        ("site.yaml", 'title: 一码通\nprovince: "990000"\n', "省级行政区划代码"),
        ("site.yaml", 'title: 一码通\nprovince: "450100"\n', "是广西壮族自治区南宁市（地级）"),
        ("pages/Bad Name.md", "---\ntitle: 标题\n---\n正文\n", "小写英文字母"),
        ("pages/x.md", "---\n- a\n---\n正文\n", "信息头应为键值对"),
        ("pages/y.md", "---\ntitle: [\n---\n正文\n", "信息头 YAML 格式错误"),
    ],
)
def test_file_level_problems(content, name, text, message):
    (content / name).write_text(text, encoding="utf-8")
    site, problems = read_content(content)
    problems += validate(site)
    assert any(p.file == name and message in p.message for p in problems), [
        str(p) for p in problems
    ]


def test_not_utf8_and_bad_stats(content, tmp_path):
    (content / "units" / f"{KEY_UNIT}.yaml").write_bytes("名称".encode("gbk"))
    stats = tmp_path / "stats.json"
    stats.write_text("[1, 2", encoding="utf-8")
    _, problems = read_content(content, stats)
    assert {p.message[:6] for p in problems} == {"文件不是 U", "统计文件不是"}


def test_byte_order_mark_and_crlf_exports_load(content):
    import yaml

    path = content / "units" / f"{KEY_UNIT}.yaml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.unlink()
    line = json.dumps(jsonable(record), ensure_ascii=False)
    (content / "units" / "export.jsonl").write_bytes(("\ufeff\r\n" + line + "\r\n").encode("utf-8"))
    other = content / "units" / "92450324MA5R2W6X1P001W.yaml"
    other.write_bytes("\ufeff".encode() + other.read_bytes())
    site = load_site(content)
    assert site.unit(KEY_UNIT).source == "units/export.jsonl:2"
