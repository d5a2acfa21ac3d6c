"""Generator CSVs for people (unit data.csv, sign manifest) never carry a live formula."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

import pytest

from generator.content.model import Measurement
from generator.content.readers import load_site
from generator.pages.views.unit import unit_csv_bytes
from generator.signs.manifest import ManifestRow, write_manifest
from generator.spreadsheet import neutralise
from tests.feedback.conftest import FIXTURES

FORMULAS = ["=1+1", "+cmd|' /C calc'!A0", "-1+2", "@SUM(A1)", "\t=1", "\r=1", " =1", "＝1", "＠A1"]


@pytest.mark.parametrize("value", FORMULAS)
def test_formula_text_is_quoted(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["-5", "+1.5", "-0.25", "1e-3", "-3E+2", "COD", "", "a=b", 7])
def test_numbers_and_plain_text_are_kept(value):
    assert neutralise(value) == value


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_unit_data_csv_quotes_formula_cells_and_keeps_negative_values():
    unit = next(u for u in load_site(FIXTURES).units if u.measurements)
    first = unit.measurements[0]
    planted = [
        dataclasses.replace(first, pollutant='=HYPERLINK("http://x")', value=-4.5),
        Measurement(first.outlet, "@SUM(A1)", dt.date(2026, 1, 5), 1.0, "-1+1"),
    ]
    rows = _rows(unit_csv_bytes(dataclasses.replace(unit, measurements=tuple(planted))))
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://x")' in cells and "'@SUM(A1)" in cells and "'-1+1" in cells
    assert "-4.5" in cells
    assert not [c for c in cells if c and c[0] in "=+@\t\r" or c.startswith("-1+")]


def test_sign_manifest_quotes_a_formula_unit_name(tmp_path):
    row = ManifestRow(
        "450100",
        "91450126MA5L3K2R5Q",
        "=cmd|' /C calc'!A0",
        "DW001",
        "排污口",
        "a.pdf",
        "a.svg",
        "600x400",
        "3",
        "606x406",
        "https://site.test/u",
        3,
        "M",
        "1.20",
        "9.6",
        "site.test",
        "91450126MA5L3K2R5Q001PDW001",
        "91450126MA5L3K2R5Q001P-DW001-20260317",
        "2026-03-17",
    )
    path = tmp_path / "manifest.csv"
    write_manifest([row], path)
    [header, written] = _rows(path.read_bytes())
    assert written[2] == "'=cmd|' /C calc'!A0" and written[1] == "91450126MA5L3K2R5Q"
