"""The directory file a build publishes for the feedback service: format, checks, build step."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from generator.build.run import build
from generator.content.readers import load_site
from generator.directory.records import (
    SUFFIX,
    DirectoryData,
    DirectoryFileError,
    OpenRectification,
    UnitEntry,
    dumps,
    loads,
    path_beside,
    read,
    read_header,
    write,
)
from generator.directory.write import directory_of
from generator.search.identity import site_identity

from .site_helpers import BASE_URL, FIXTURE, overrides
from .unit_records import copy_unit

KEY_UNIT = "91450126MA5L3K2R5Q001P"


def _build(content: Path, out: Path, tmp: Path, **kw):
    return build(content, out, BASE_URL, jobs=1, progress=False, overrides=overrides(tmp), **kw)


def _file(tmp: Path) -> Path:
    return path_beside(tmp / "search-index")


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_round_trip_keeps_every_field_and_the_site_order():
    site = load_site(FIXTURE)
    data = directory_of(site, "key")
    back = loads(dumps(data).decode())
    assert back == data
    assert [u.code for u in back.units] == [u.fixed_source_code for u in site.units]
    assert [b.id for b in back.bodies] == [b.id for b in site.bodies]
    assert back.site == site_identity(site) and back.build == "key"
    key_unit = next(u for u in back.units if u.code == KEY_UNIT)
    assert key_unit.coordinates == (22.8823, 108.9512)
    assert key_unit.outlets == ("DW001", "DA001")


def test_open_rectifications_only_with_dates():
    unit = UnitEntry(
        "C1",
        "某厂",
        "450126",
        "450100",
        ("DW001",),
        open_rectifications=(
            OpenRectification("R-1", dt.date(2026, 1, 2), "局", "整改", dt.date(2026, 3, 4)),
        ),
    )
    data = DirectoryData("s", "", "450000", units=(unit,))
    assert loads(dumps(data).decode()).units[0].open_rectifications[0].due == dt.date(2026, 3, 4)


def test_bytes_are_deterministic_and_unchanged_files_are_not_rewritten(tmp_path):
    data = directory_of(load_site(FIXTURE), "k")
    path = tmp_path / "d.jsonl"
    assert write(path, data) is True
    first, stamp = path.read_bytes(), path.stat().st_ino
    assert write(path, directory_of(load_site(FIXTURE), "k")) is False
    assert path.read_bytes() == first == dumps(data) and path.stat().st_ino == stamp
    assert [p.name for p in tmp_path.iterdir()] == ["d.jsonl"]  # no temporary file left


def test_the_file_lies_beside_the_search_index():
    assert path_beside("build/search-index") == Path("build/search-index" + SUFFIX)


def _header(**changes) -> str:
    header = {
        "format": "yimatong-directory",
        "version": 1,
        "site": "s",
        "build": "",
        "province": "450000",
    }
    header.update({"divisions": 1, "bodies": 1, "units": 1, **changes})
    return json.dumps(header, ensure_ascii=False)


def test_every_problem_is_named_by_file_line_record_and_field():
    text = "\n".join(
        [
            _header(units=2),
            '{"kind": "division", "code": "450100", "name": "南宁市"}',
            '{"kind": "body", "id": "nn", "name": "南宁", "level": "city", "areas": "450100"}',
            '{"kind": "unit", "code": "U1", "name": 7, "county": "450126", "city": "450100",'
            ' "rectifications": [{"ref": "R", "issued": "2026-13-01", "due": "2026-02-01"}]}',
            '{"kind": "unit", "code": "U2", "name": "乙厂", "county": "450126", "city": "450100",'
            ' "coordinates": [99, 1]}',
            '{"kind": "ledger"}',
            "{not json",
        ]
    )
    with pytest.raises(DirectoryFileError) as caught:
        loads(text, "idx.directory.jsonl")
    message = str(caught.value)
    assert "目录文件 idx.directory.jsonl 有 6 处问题" in message
    for expected in (
        "第 3 行（执法机构 nn）字段 areas",
        "第 4 行（排污单位 U1）字段 name",
        "第 4 行（排污单位 U1）字段 issued",
        "第 5 行（排污单位 U2）字段 coordinates",
        "第 6 行字段 kind：未知的记录类型 'ledger'",
        "第 7 行：不是有效的 JSON",
    ):
        assert expected in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "缺少文件头"),
        ('{"format": "other"}', "字段 format"),
        (_header(version=2), "本程序只读第 1 版，文件是 2"),
        ("[1, 2]", "应为一个 JSON 对象"),
        (_header(units=3, divisions=0, bodies=0), "记录数应为 3，实有 0"),
        (_header(site=5, divisions=0, bodies=0, units=0), "文件头）字段 site"),
    ],
)
def test_a_bad_header_is_refused(text, expected):
    with pytest.raises(DirectoryFileError, match=expected):
        loads(text, "f")


def test_an_unreadable_file_names_it(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(DirectoryFileError, match=str(path)):
        read(path)


def test_the_build_writes_it_outside_the_site_and_keeps_it_right(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    out = tmp_path / "site"
    _build(content, out, tmp_path)
    path = _file(tmp_path)
    assert read(path) == dataclasses.replace(
        directory_of(load_site(content)), build=read(path).build
    )
    assert read(path).build
    assert all(read_header(p) is None for p in out.rglob("*") if p.is_file())  # not published

    unit_file = content / "units" / f"{KEY_UNIT}.yaml"
    unit_file.write_text(unit_file.read_text(encoding="utf-8").replace("宏达糖业", "宏大糖业"))
    added = copy_unit(content, KEY_UNIT, "MA5L3K2R7", "三")
    result = _build(content, out, tmp_path)
    assert not result.full
    units = {u.code: u.name for u in read(path).units}
    assert units[KEY_UNIT] == "广西宾阳宏大糖业有限公司" and added in units
    assert read(path).site == site_identity(load_site(content))


def test_a_removed_or_replaced_file_is_repaired_by_the_next_build(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    out = tmp_path / "site"
    _build(content, out, tmp_path)
    path = _file(tmp_path)
    good = path.read_bytes()
    path.unlink()
    _build(content, out, tmp_path)  # nothing changed in the content
    assert path.read_bytes() == good
    write(path, DirectoryData("other-site", "other-build", "450000"))  # another build's file
    _build(content, out, tmp_path)
    assert path.read_bytes() == good


def test_units_carry_their_industry_and_the_permit_in_force_until():
    back = {u.code: u for u in loads(dumps(directory_of(load_site(FIXTURE))).decode()).units}
    sugar = back[KEY_UNIT]
    assert (sugar.industry, sugar.industry_name) == ("1340", "制糖业")
    assert sugar.valid_until == dt.date(2028, 12, 19)
    assert back["91450902MA5K8T4H2R001P"].valid_until is None  # revoked: not "expiring"
    assert back["92450324MA5R2W6X1P001W"].valid_until is None  # a registration, no permit


def test_a_unit_without_industry_or_permit_leaves_the_fields_out():
    data = DirectoryData(
        "s", "", "450000", units=(UnitEntry("C1", "某厂", "450126", "450100", ()),)
    )
    record = json.loads(dumps(data).decode().splitlines()[1])
    assert not {"industry", "industry_name", "valid_until"} & set(record)
    assert loads(dumps(data).decode()).units[0].valid_until is None


@pytest.mark.parametrize("value", ["2026-02-30", "明年", 20261231, ["2026-12-31"]])
def test_a_bad_valid_until_is_named_by_line_record_and_field(value):
    unit = {"kind": "unit", "code": "U1", "name": "甲厂", "county": "450126", "city": "450100"}
    text = "\n".join(
        [
            _header(divisions=0, bodies=0, units=1),
            json.dumps({**unit, "valid_until": value, "industry": 7}, ensure_ascii=False),
        ]
    )
    with pytest.raises(DirectoryFileError) as caught:
        loads(text, "d.jsonl")
    message = str(caught.value)
    assert "2 处问题" in message
    assert "第 2 行（排污单位 U1）字段 valid_until" in message
    assert "第 2 行（排污单位 U1）字段 industry" in message


def test_kept_unit_lines_give_the_bytes_of_a_file_made_afresh(tmp_path):
    """The build takes an unchanged unit's line from the last build: after a rename, a unit
    added, then removed, then another added, the file is byte for byte the one the whole site
    makes, and a build into a fresh cache folder writes the same units' lines."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    out = tmp_path / "site"
    _build(content, out, tmp_path)
    path = _file(tmp_path)
    unit_file = content / "units" / f"{KEY_UNIT}.yaml"
    unit_file.write_text(unit_file.read_text(encoding="utf-8").replace("宏达糖业", "宏大糖业"))
    added = copy_unit(content, KEY_UNIT, "MA5L3K2R7", "三")
    for step in range(3):
        if step == 1:
            (content / "units" / f"{added}.yaml").unlink()
        if step == 2:
            copy_unit(content, KEY_UNIT, "MA5L3K2R6", "四")
        assert not _build(content, out, tmp_path, allow_drop=True).full
        fresh = dataclasses.replace(directory_of(load_site(content)), build=read(path).build)
        assert path.read_bytes() == dumps(fresh)
    assert (tmp_path / "cache" / "directory").is_dir()
    kept = path.read_bytes()
    other = tmp_path / "other"
    build(content, other / "site", BASE_URL, jobs=1, progress=False, overrides=overrides(other))
    assert (
        path_beside(other / "search-index").read_bytes().split(b"\n", 1)[1]
        == kept.split(b"\n", 1)[1]
    )
