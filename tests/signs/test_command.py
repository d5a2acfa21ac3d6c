"""``yimatong signs`` on the shared fixture content, through click's CliRunner."""

from __future__ import annotations

import csv
from pathlib import Path

import pymupdf
import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.signs import fonts

from .conftest import decode, rasterise

FIXTURES = Path(__file__).parents[1] / "fixtures" / "content"
BASE = "https://yimatong.example.cn"
DATE = "2026-03-17"


def run(*args: str):
    return CliRunner().invoke(
        main, ["signs", "--content", str(FIXTURES), "--base-url", BASE, "--date", DATE, *args]
    )


def _rows(out: Path) -> list[dict]:
    return list(csv.DictReader((out / "manifest.csv").read_text(encoding="utf-8-sig").splitlines()))


def test_signs_for_all_units(tmp_path):
    result = run("--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    rows = _rows(tmp_path)
    assert len(rows) == 8  # 4 gate signs + 4 outlets in the fixture content
    # The manifest records what the code holds: the printed spelling (docs/addresses.md).
    assert all(r["url"].startswith("https://YIMATONG.EXAMPLE.CN/E/") for r in rows)
    smallest = min(float(r["module_mm"]) for r in rows)
    assert f"二维码最小印刷模块 {smallest:.2f} mm" in result.output
    for city in {r["city"] for r in rows}:
        with pymupdf.open(tmp_path / city / f"signs-{city}.pdf") as doc:
            assert len(doc) == sum(r["city"] == city for r in rows)


def test_one_unit_only(tmp_path):
    code = "91450126MA5L3K2R5Q001P"
    result = run("--unit", code, "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert [(r["unit"], r["outlet"]) for r in _rows(tmp_path)] == [
        (code, ""),
        (code, "DW001"),
        (code, "DA001"),
    ]
    assert (tmp_path / "450100" / code / "DA001.svg").is_file()


def test_one_city_only(tmp_path):
    result = run("--city", "450200", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert {r["city"] for r in _rows(tmp_path)} == {"450200"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["450200", "manifest.csv"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--unit", "91450126MA5L3K2R5Q009P"), "没有固定污染源编码为"),
        (("--city", "451400"), "城市 451400 没有任何单位"),
    ],
)
def test_unknown_choice_is_explained(tmp_path, args, message):
    result = run(*args, "--out", str(tmp_path))
    assert result.exit_code == 2
    assert message in result.output


def test_size_setting_and_bad_size(tmp_path, monkeypatch):
    monkeypatch.setenv("YIMATONG_OUTLET_SIGN_MM", "420x420")
    assert run("--unit", "91450222MA5N7P3C8N001P", "--out", str(tmp_path)).exit_code == 0
    rows = _rows(tmp_path)
    assert {r["size_mm"] for r in rows if r["outlet"]} == {"420x420"}
    outlet = next(r for r in rows if r["outlet"])
    assert decode(rasterise(tmp_path / outlet["pdf"])) == [outlet["url"]]
    monkeypatch.setenv("YIMATONG_GATE_SIGN_MM", "big")
    result = run("--out", str(tmp_path))
    assert result.exit_code == 2 and "gate_sign_mm" in result.output


def test_missing_font_is_explained(tmp_path, monkeypatch):
    monkeypatch.setattr(fonts, "FONT_PATH", tmp_path / "missing.ttc")
    fonts.font_name.cache_clear()
    try:
        result = run("--out", str(tmp_path / "out"))
    finally:
        fonts.font_name.cache_clear()
    assert result.exit_code == 1
    assert "fonts-wqy-zenhei" in result.output
    assert not (tmp_path / "out").exists()


def test_revoked_permit_says_so_on_the_gate_sign(tmp_path):
    code = "91450902MA5K8T4H2R001P"
    assert run("--unit", code, "--out", str(tmp_path)).exit_code == 0
    with pymupdf.open(tmp_path / "450900" / code / "gate.pdf") as doc:
        text = doc[0].get_text().replace("\n", "")
    assert "排污许可证：已撤销（2026-06-15）" in text
    assert "管理类别：简化管理" in text


def test_broken_content_is_reported_not_printed(tmp_path):
    units = tmp_path / "content" / "units"
    units.mkdir(parents=True)
    (units / "91450126MA5L3K2R5Q001P.yaml").write_text("name: 只有名称\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["signs", "--content", str(tmp_path / "content"), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 1
    assert "内容有问题" in result.output
    assert not (tmp_path / "out").exists()
