"""An outlet's data-logger MN (HJ 212): read, checked in form, unique across the site."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from generator.content.readers import read_content
from generator.content.validate import validate

from .unit_records import TODAY

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "content"
KEY = "91450126MA5L3K2R5Q001P"
OTHER = "91450222MA5N7P3C8N001P"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A writable copy of the fixture content."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "content"))


def set_mn(content: Path, code: str, outlet: str, mn: object) -> None:
    """Give outlet ``outlet`` of unit ``code`` the MN ``mn``."""
    path = content / "units" / f"{code}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    next(o for o in data["outlets"] if o["code"] == outlet)["mn"] = mn
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def problems_of(content: Path) -> list:
    """Every problem of the content: reading, then validation."""
    site, problems = read_content(content)
    return problems + (validate(site, today=TODAY) if site else [])


def test_an_outlet_carries_its_mn_and_others_none(content: Path) -> None:
    set_mn(content, KEY, "DW001", "010000A8900016F000169DC0")
    site, problems = read_content(content)
    assert not problems
    unit = next(u for u in site.units if u.fixed_source_code == KEY)
    assert {o.code: o.mn for o in unit.outlets}["DW001"] == "010000A8900016F000169DC0"
    other = next(u for u in site.units if u.fixed_source_code == OTHER)
    assert all(o.mn == "" for o in other.outlets)


@pytest.mark.parametrize(
    "mn, words",
    [
        ("12345678901234567890123456", "14–24 位"),
        ("1234567890123", "14–24 位"),
        ("010000a8900016f000169dc0", "大写"),
        ("010000A8900016F00016-DC0", "符号"),
        ("０１0000A8900016F000169DC0", "半角"),
        ("010000\u0410890016F000169DC0", "MN"),
    ],
)
def test_mn_of_wrong_form_is_refused(content: Path, mn: str, words: str) -> None:
    set_mn(content, KEY, "DW001", mn)
    found = [p for p in problems_of(content) if p.field.endswith(".mn")]
    assert len(found) == 1, found
    assert found[0].record == KEY and found[0].field == "outlets[DW001].mn"
    assert words in found[0].message


def test_mn_that_is_not_text_is_refused(content: Path) -> None:
    set_mn(content, KEY, "DW001", 12345678901234)
    found = [p for p in problems_of(content) if "mn" in p.field]
    assert found and found[0].record == KEY


def test_the_same_mn_on_two_outlets_is_refused_naming_both(content: Path) -> None:
    set_mn(content, KEY, "DW001", "010000A8900016F000169DC0")
    set_mn(content, OTHER, "DW001", "010000A8900016F000169DC0")
    set_mn(content, KEY, "DA001", "010000A8900016F000169DC0")
    found = [p for p in problems_of(content) if p.field.endswith(".mn")]
    assert len(found) == 2, found
    assert all("重复" in p.message and f"[{KEY}] 排放口 DW001" in p.message for p in found)
    assert {(p.record, p.field) for p in found} == {
        (KEY, "outlets[DA001].mn"),
        (OTHER, "outlets[DW001].mn"),
    }
