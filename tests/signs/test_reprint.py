"""Each sign carries an id and a print date; one outlet's sign can be reprinted (issue 19)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.signs import SignOptions, unit_signs

from .conftest import BASE_URL, PRINTED
from .test_text import pdf_text, svg_text

FIXTURES = Path(__file__).parents[1] / "fixtures" / "content"
UNIT = "91450126MA5L3K2R5Q001P"


def _rows(path: Path) -> list[dict]:
    return list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))


def _signs(*args: str):
    return CliRunner().invoke(
        main, ["signs", "--content", str(FIXTURES), "--base-url", BASE_URL, *args]
    )


def test_every_sign_shows_its_id_and_print_date(written):
    rows = {(r["unit"], r["outlet"] or "gate"): r for r in _rows(written.out / "manifest.csv")}
    ids = set()
    for (code, name), sign in written.signs.items():
        assert sign.sign_id == f"{code}-{'G' if name == 'gate' else name}-20260317"
        assert sign.printed == PRINTED
        path = written.pdf(code, name)
        for text in (pdf_text(path), svg_text(path.with_suffix(".svg"))):
            assert f"标识牌编号 {sign.sign_id}" in text
            assert "印制日期 2026-03-17" in text
        assert rows[(code, name)]["sign_id"] == sign.sign_id
        assert rows[(code, name)]["printed"] == "2026-03-17"
        ids.add(sign.sign_id)
    assert len(ids) == len(written.signs)


@pytest.mark.parametrize("day", [dt.date(2027, 1, 1), dt.date(2028, 2, 29), dt.date(2026, 12, 31)])
def test_a_reprint_gets_a_new_id(site, day):
    unit = site.units[0]
    first = unit_signs(site, unit, SignOptions(BASE_URL, printed=PRINTED))
    again = unit_signs(site, unit, SignOptions(BASE_URL, printed=day))
    assert [s.sign_id for s in first] != [s.sign_id for s in again]
    assert all(s.sign_id.endswith(f"{day:%Y%m%d}") for s in again)


def test_reprint_one_outlet(tmp_path):
    result = _signs(
        "--unit", UNIT, "--outlet", "DA001", "--date", "2026-05-02", "--out", str(tmp_path)
    )
    assert result.exit_code == 0, result.output
    rows = _rows(tmp_path / "manifest.csv")
    assert [(r["unit"], r["outlet"], r["sign_id"]) for r in rows] == [
        (UNIT, "DA001", f"{UNIT}-DA001-20260502")
    ]
    folder = tmp_path / "450100" / UNIT
    assert sorted(p.name for p in folder.iterdir()) == ["DA001.pdf", "DA001.svg"]
    assert f"标识牌编号 {UNIT}-DA001-20260502" in pdf_text(folder / "DA001.pdf")
    assert "已写出 1 块标识牌" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--outlet", "DA001"], "--outlet 只能与 --unit 一起使用"),
        (["--unit", UNIT, "--outlet", "DA009"], f"单位 {UNIT} 没有编号为 DA009 的排放口"),
        (["--unit", UNIT, "--outlet", "da001"], "它的排放口：DW001、DA001"),
        (["--unit", UNIT, "--date", "2026-13-01"], "2026-13-01"),
    ],
)
def test_bad_reprint_requests_write_nothing(tmp_path, args, message):
    out = tmp_path / "out"
    result = _signs(*args, "--out", str(out))
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not out.exists()
