"""``yimatong monitoring warnings`` end to end: content's limits, the store, the warnings file."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator import clock
from generator.cli import main
from generator.monitoring.builder import WATER, hourly_frames, write_frames
from generator.monitoring.protocol import data_frame

from .frames import GAS_MN, MN, OUTLETS

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "content"
DEC = dt.datetime(2026, 12, 1)
KEYS = {
    "id", "rule", "kind", "title", "reason", "unit_code", "outlet", "mn", "code", "pollutant",
    "limit", "first", "last", "revision", "evidence",
}  # fmt: skip


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """The fixture content with the MNs of frames.py on its key unit's two outlets."""
    folder = Path(shutil.copytree(FIXTURE, tmp_path / "content"))
    unit = folder / "units" / f"{OUTLETS[MN][0]}.yaml"
    data = yaml.safe_load(unit.read_text(encoding="utf-8"))
    for mn, (_, code) in OUTLETS.items():
        next(o for o in data["outlets"] if o["code"] == code)["mn"] = mn
    unit.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def _import_and_warn(tmp_path: Path, content: Path, *files: Path) -> tuple[str, Path]:
    db, out = tmp_path / "m.duckdb", tmp_path / "w.jsonl"
    common = ["--content", str(content), "--db", str(db)]
    with clock.travel(dt.datetime(2026, 12, 5, tzinfo=clock.CHINA)):
        runner = CliRunner()
        imported = runner.invoke(main, ["monitoring", "import", *map(str, files), *common])
        assert imported.exit_code == 0, imported.output
        result = runner.invoke(main, ["monitoring", "warnings", *common, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return result.output, out


def test_warnings_file_names_unit_outlet_pollutant_hours_evidence_rule(
    tmp_path: Path, content: Path
) -> None:
    water = list(hourly_frames(MN, DEC, 48, WATER))
    # The flue sends sulphur dioxide above its hourly limit (200) for 5 hours of the 48 (the
    # other hours are a gap), and no other pollutant (silent).
    gas = [
        data_frame(
            GAS_MN,
            DEC + dt.timedelta(hours=n),
            {"a21026": {"Avg": 230, "ZsAvg": 260, "Flag": "N"}},
            st="31",
        )  # fmt: skip
        for n in range(10, 15)
    ]
    path = write_frames(tmp_path / "in.txt", water + gas)
    output, out = _import_and_warn(tmp_path, content, path)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert "新增预警" in output and f"共 {len(records)} 条预警" in output
    assert all(set(r) == KEYS for r in records)
    mine = {(r["rule"], r["outlet"], r["code"]) for r in records if r["mn"] in OUTLETS}
    assert mine == {
        ("exceed", "DA001", "a21026"), ("sustained", "DA001", "a21026"),
        ("gap", "DA001", "a21026"), ("silent", "DA001", "a21002"),
        ("silent", "DA001", "a34013"),
    }  # fmt: skip
    exceed = next(r for r in records if r["rule"] == "exceed" and r["mn"] == GAS_MN)
    assert (exceed["first"], exceed["last"]) == ("2026-12-01T10:00", "2026-12-01T14:00")
    assert exceed["evidence"]["values"][0] == {"hour": "2026-12-01T10:00", "value": 260.0,
                                               "flag": "N"}  # fmt: skip
    assert exceed["pollutant"] == "二氧化硫" and exceed["limit"]["averaging"] == "hour"
    assert exceed["unit_code"] == OUTLETS[GAS_MN][0] and exceed["kind"] == "measured"


def test_rerunning_the_command_writes_the_same_bytes(tmp_path: Path, content: Path) -> None:
    path = write_frames(tmp_path / "in.txt", hourly_frames(MN, DEC, 30, WATER))
    _, out = _import_and_warn(tmp_path, content, path)
    before = out.read_bytes()
    output, out = _import_and_warn(tmp_path, content, path)
    assert out.read_bytes() == before and "新增预警 0 条，延长已有预警 0 条" in output
    assert before.decode("utf-8").endswith("\n") and "\r" not in before.decode("utf-8")
