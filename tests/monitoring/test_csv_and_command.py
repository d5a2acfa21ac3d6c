"""The CSV export (same content as frames) and ``yimatong monitoring import`` end to end."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator import clock
from generator.cli import main
from generator.monitoring.builder import (
    WATER,
    csv_row,
    hourly_frames,
    reading,
    write_csv,
    write_frames,
)
from generator.monitoring.protocol import parse

from .frames import MAY, MN, OUTLETS, rows, run

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "content"
#: A day after the fixture content's as-of dates (the content must pass its checks).
DEC = dt.datetime(2026, 12, 1)


def as_csv_rows(frames: list[str]) -> list[list[str]]:
    """The CSV rows carrying exactly what ``frames`` carry."""
    found = []
    for line in frames:
        got = parse(line.rstrip("\r\n").encode())
        when = dt.datetime.strptime(got.data_time, "%Y%m%d%H%M%S")
        for r in got.readings:
            found.append(csv_row(got.header["MN"], when, r.code, dict(r.fields)))
    return found


STORED = "SELECT mn, cn, start, code, avg, min, max, zs_avg, flag FROM readings ORDER BY ALL"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_gives_the_same_rows_as_frames(tmp_path: Path, encoding: str) -> None:
    frames = list(hourly_frames(MN, MAY, 6, WATER))
    run(tmp_path / "a", write_frames(tmp_path / "f.txt", frames))
    path = write_csv(tmp_path / "导出.csv", as_csv_rows(frames), encoding)
    summary = run(tmp_path / "b", path)
    assert (summary.frames, summary.new, summary.rejects) == (24, 24, [])
    assert rows(tmp_path / "b", STORED) == rows(tmp_path / "a", STORED)
    # The same content from the other format changes nothing.
    assert run(tmp_path / "a", path).unchanged == 24


def test_csv_accepts_readable_times_and_empty_optional_cells(tmp_path: Path) -> None:
    row = csv_row(MN, MAY, "w21003", {"Avg": 1.25, "Flag": "C"})
    row[2] = "2026-05-01 03:00:00"
    summary = run(tmp_path, write_csv(tmp_path / "t.csv", [row]))
    assert summary.new == 1
    assert rows(tmp_path, "SELECT start, avg, min, flag FROM readings") == [
        (MAY.replace(hour=3), 1.25, None, "C")
    ]


def test_csv_faults_are_refused_by_line(tmp_path: Path) -> None:
    rng = __import__("random").Random(1)
    ok = csv_row(MN, MAY, "w01018", reading("w01018", rng))
    bad_code = csv_row(MN, MAY, "x00000", reading("w01018", rng))
    bad_value = csv_row(MN, MAY, "w21003", {"Avg": "约5", "Flag": "N"})
    bad_mn = csv_row("99999999999999", MAY, "w01018", {"Avg": 1, "Flag": "N"})
    again = list(ok)
    short = ok[:5]
    path = write_csv(tmp_path / "x.csv", [ok, bad_code, bad_value, bad_mn, again, short])
    summary = run(tmp_path, path)
    got = {(r.line, r.reason) for r in summary.rejects}
    assert got == {(3, "code"), (4, "value"), (5, "mn"), (6, "duplicate"), (7, "form")}
    assert summary.new == 1 and summary.frames == 6


@pytest.mark.parametrize(
    "header", ["mn,cn,data_time,code,avg,flag", "MN;CN;DataTime;code;Avg;Min;Max;ZsAvg;Flag", ""]
)
def test_a_csv_without_the_columns_is_refused_whole(tmp_path: Path, header: str) -> None:
    path = tmp_path / "h.csv"
    path.write_text(header + "\n" + ",".join(csv_row(MN, MAY, "w01018", {"Avg": 1})) + "\n")
    summary = run(tmp_path, path)
    assert [(r.line, r.reason) for r in summary.rejects] == [(1, "form")]
    assert "表头缺少列" in summary.rejects[0].detail and summary.new == 0


def test_a_csv_in_no_known_encoding_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes(b"mn,cn\n\xff\xfe\xfa\n\x80\x80\x80\xff")
    summary = run(tmp_path, path)
    assert [r.reason for r in summary.rejects] == ["encoding"]


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


def test_command_imports_by_the_content_mn_and_writes_the_rejects(
    tmp_path: Path, content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("YIMATONG_CONTENT_DIR", str(content))
    frames = list(hourly_frames(MN, DEC, 3, WATER))
    frames[1] = frames[1][:-6] + "0000\r\n"
    unknown = list(hourly_frames("12345678901234", DEC, 1, WATER))
    path = write_frames(tmp_path / "in.txt", frames + unknown)
    with clock.travel(DEC.replace(hour=12, tzinfo=clock.CHINA)):
        result = CliRunner().invoke(main, ["monitoring", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "新增 8" in result.output and "CRC 校验不符：1" in result.output
    db = tmp_path / "build" / "monitoring.duckdb"
    assert db.exists()
    with (tmp_path / "build" / "monitoring-rejects.csv").open(encoding="utf-8-sig") as f:
        table = list(csv.reader(f))
    assert table[0] == ["文件", "行", "原因", "说明", "MN", "污染物代码"]
    assert [(r[1], r[2]) for r in table[1:]] == [
        ("2", "CRC 校验不符"),
        ("4", "未登记的数采仪编号（MN）"),
    ]


def test_command_with_its_options_and_future_data(tmp_path: Path, content: Path) -> None:
    path = write_frames(tmp_path / "in.txt", hourly_frames(MN, DEC, 2, WATER))
    db, rejects = tmp_path / "x" / "m.duckdb", tmp_path / "r.csv"
    args = ["monitoring", "import", str(path), "--content", str(content), "--db", str(db)]
    with clock.travel(DEC.replace(hour=1, minute=30, tzinfo=clock.CHINA)):
        result = CliRunner().invoke(main, [*args, "--rejects", str(rejects)])
    assert result.exit_code == 0, result.output
    assert "新增 4" in result.output and "数据时段尚未结束（未来时间）：1" in result.output
    assert rejects.read_text(encoding="utf-8-sig").splitlines()[1].startswith(f"{path},2,")


def test_command_refuses_broken_content_and_imports_nothing(tmp_path: Path, content: Path) -> None:
    unit = content / "units" / "91450126MA5L3K2R5Q001P.yaml"
    unit.write_text(
        unit.read_text().replace("010000A8900016F000169DC1", "010000A8900016F000169DC0")
    )
    path = write_frames(tmp_path / "in.txt", hourly_frames(MN, MAY, 2, WATER))
    db = tmp_path / "m.duckdb"
    args = ["monitoring", "import", str(path), "--content", str(content), "--db", str(db)]
    with clock.travel(DEC.replace(hour=12, tzinfo=clock.CHINA)):
        result = CliRunner().invoke(main, args)
    assert result.exit_code == 1 and "MN" in result.output and "未导入" in result.output
    assert not db.exists()
