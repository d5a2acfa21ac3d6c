"""bodies.yaml that would send reports to the wrong office, or to none, is refused."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from generator.content.readers import read_content
from generator.content.validate import validate

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "content"
KEY = "91450126MA5L3K2R5Q001P"


@pytest.fixture
def content(tmp_path):
    """A writable copy of the fixture content."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "content"))


def bodies_of(content: Path) -> list[dict]:
    return yaml.safe_load((content / "bodies.yaml").read_text(encoding="utf-8"))


def save(content: Path, bodies: list[dict]) -> None:
    text = yaml.safe_dump(bodies, allow_unicode=True)
    (content / "bodies.yaml").write_text(text, encoding="utf-8")


def change(content: Path, ident: str, **values) -> None:
    bodies = bodies_of(content)
    next(b for b in bodies if b["id"] == ident).update(values)
    save(content, bodies)


def problems_of(content: Path) -> list:
    site, problems = read_content(content)
    return problems + validate(site, today=dt.date(2026, 12, 1))


def body_problems(content: Path) -> dict[tuple[str, str], str]:
    return {(p.record, p.field): p.message for p in problems_of(content) if p.file == "bodies.yaml"}


def test_fixture_bodies_are_clean(content):
    assert problems_of(content) == []


@pytest.mark.parametrize(
    ("edits", "record", "chain"),
    [
        ({"gx": "nn"}, "gx", "gx → nn → gx"),  # the province under its own city
        ({"nn": "nn"}, "nn", "nn → nn"),  # a body its own parent
        ({"gx": "nn-binyang"}, "gx", "gx → nn-binyang → nn → gx"),
        ({"lz": "lz-liucheng"}, "lz", "lz → lz-liucheng → lz"),
    ],
)
def test_parent_cycles(content, edits, record, chain):
    for ident, parent in edits.items():
        change(content, ident, parent=parent)
    found = body_problems(content)
    cycles = {k: v for k, v in found.items() if "循环" in v}
    assert list(cycles) == [(record, "parent")], found
    assert chain in cycles[(record, "parent")]


def test_two_separate_cycles_are_both_reported(content):
    change(content, "nn", parent="nn-binyang")
    change(content, "gl", parent="gl-quanzhou")
    cycles = [k for k, v in body_problems(content).items() if "循环" in v]
    assert cycles == [("nn", "parent"), ("gl", "parent")]


def test_county_covered_twice(content):
    bodies = bodies_of(content)
    bodies.append(
        {"id": "nn-binyang2", "name": "南宁市宾阳第二局", "level": "county", "parent": "nn"}
        | {"areas": ["450126"]}
    )
    save(content, bodies)
    found = body_problems(content)
    message = found[("nn-binyang2", "areas[450126]")]
    assert "宾阳县（450126）已由 nn-binyang" in message and "错误的机构" in message


def test_area_listed_twice_in_one_body(content):
    change(content, "nn-binyang", areas=["450126", "450126"])
    assert "列了 2 次" in body_problems(content)[("nn-binyang", "areas[450126]")]


def test_county_body_under_the_wrong_city(content):
    change(content, "nn-binyang", parent="lz")  # 宾阳县 is in 南宁市, not 柳州市
    message = body_problems(content)[("nn-binyang", "parent")]
    assert "南宁市（450100）" in message and "lz（柳州市生态环境局）" in message


def test_county_body_directly_under_the_province(content):
    change(content, "gl-quanzhou", parent="gx")
    assert "桂林市（450300）" in body_problems(content)[("gl-quanzhou", "parent")]


def test_city_area_in_a_county_body(content):
    change(content, "nn-binyang", areas=["450126", "450200"])
    message = body_problems(content)[("nn-binyang", "areas[450200]")]
    assert "市级区划" in message and "县级机构" in message


def test_spaces_around_an_area_are_trimmed(content):
    change(content, "nn-binyang", areas=[" 450126\u3000"])
    assert problems_of(content) == []


@pytest.mark.parametrize("area", ["４５０１２６", "45O126", "450\u200b126", "450 126"])
def test_area_codes_follow_the_code_rules(content, area):
    change(content, "nn-binyang", areas=[area])
    found = body_problems(content)
    assert any(k[0] == "nn-binyang" and k[1].startswith("areas[") for k in found), found


@pytest.mark.parametrize("ident", ["NN-Binyang", "nn_binyang", "ｎｎ"])
def test_body_ids_are_plain(content, ident):
    change(content, "nn-binyang", id=ident)
    assert "小写英文字母" in body_problems(content)[(ident, "id")]


def test_city_body_without_parent(content):
    change(content, "lz", parent=None)
    assert "必须填写上级机构" in body_problems(content)[("lz", "parent")]


@pytest.mark.parametrize("as_jsonl", [False, True])
def test_unit_whose_county_no_body_covers(content, as_jsonl):
    save(content, [b for b in bodies_of(content) if b["id"] != "nn-binyang"])
    if as_jsonl:
        import json

        from .jsonl import jsonable

        path = content / "units" / f"{KEY}.yaml"
        record = jsonable(yaml.safe_load(path.read_text(encoding="utf-8")))
        path.unlink()
        line = json.dumps(record, ensure_ascii=False)
        (content / "units" / "x.jsonl").write_text("\n" + line + "\n", encoding="utf-8")
    found = [p for p in problems_of(content) if p.field == "county"]
    assert len(found) == 1, [str(p) for p in problems_of(content)]
    assert found[0].record == KEY and "宾阳县（450126）" in found[0].message
    assert found[0].file == ("units/x.jsonl" if as_jsonl else f"units/{KEY}.yaml")
    assert found[0].line == (2 if as_jsonl else None)


def test_units_checked_without_bodies_are_not_asked_for_coverage(content):
    site, _ = read_content(content)
    assert validate(site.units, today=dt.date(2026, 12, 1)) == []
