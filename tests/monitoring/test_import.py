"""Importing frames into the store: idempotent, corrections recorded, every bad input refused
once, with file and line, and nothing else lost."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.monitoring.builder import WATER, hourly_frames, write_frames
from generator.monitoring.protocol import data_frame, frame
from generator.monitoring.store import SCHEMA_VERSION, Store, StoreError

from .frames import MAY, MN, NOW, reframed, rows, run, segment_of


def day_file(tmp_path: Path, name: str, first: dt.datetime = MAY, hours: int = 24, seed: int = 0):
    return write_frames(tmp_path / name, hourly_frames(MN, first, hours, WATER, seed=seed))


def test_a_day_is_stored_with_its_flags_and_china_hours(tmp_path: Path) -> None:
    summary = run(tmp_path, day_file(tmp_path, "a.txt"))
    assert (summary.frames, summary.new, sum(summary.rejected.values())) == (24, 96, 0)
    got = rows(tmp_path, "SELECT min(start), max(start), count(*), min(flag), max(flag), "
               "min(unit_code), min(outlet) FROM readings")  # fmt: skip
    assert got == [(MAY, MAY + dt.timedelta(hours=23), 96, "N", "N", "91450126MA5L3K2R5Q001P",
                    "DW001")]  # fmt: skip


def test_reimport_and_overlap_change_nothing(tmp_path: Path) -> None:
    first = day_file(tmp_path, "a.txt")
    run(tmp_path, first)
    before = rows(tmp_path, "SELECT * EXCLUDE (imported_at) FROM readings ORDER BY ALL")
    again = run(tmp_path, first)
    assert (again.new, again.corrected, again.unchanged) == (0, 0, 96)
    # A second export overlapping the first by 12 hours, same values there.
    lines = first.read_text().splitlines(keepends=True)
    later = hourly_frames(MN, MAY + dt.timedelta(hours=24), 12, WATER)
    overlap = write_frames(tmp_path / "b.txt", [*lines[12:], *later])
    third = run(tmp_path, overlap)
    assert (third.new, third.corrected, third.unchanged) == (48, 0, 48)
    after = rows(tmp_path, "SELECT * EXCLUDE (imported_at) FROM readings ORDER BY ALL")
    assert len(after) == 144 and set(before) <= set(after)
    assert rows(tmp_path, "SELECT count(*) FROM corrections") == [(0,)]


def test_a_later_value_corrects_and_the_correction_is_kept(tmp_path: Path) -> None:
    hour = MAY + dt.timedelta(hours=5)
    old = data_frame(MN, hour, {"w01018": {"Avg": 120.0, "Flag": "N"}})
    new = data_frame(MN, hour, {"w01018": {"Avg": 48.5, "Max": 50, "Flag": "M"}})
    run(tmp_path, write_frames(tmp_path / "old.txt", [old]))
    summary = run(tmp_path, write_frames(tmp_path / "new.txt", [new]))
    assert (summary.new, summary.corrected) == (0, 1)
    assert rows(tmp_path, "SELECT avg, max, flag, source FROM readings") == [
        (48.5, 50.0, "M", f"{tmp_path / 'new.txt'}:1")
    ]
    got = rows(tmp_path, "SELECT start, code, old_avg, old_flag, old_source, new_avg, new_flag "
               "FROM corrections")  # fmt: skip
    assert got == [(hour, "w01018", 120.0, "N", f"{tmp_path / 'old.txt'}:1", 48.5, "M")]
    # The correction imported again changes nothing more.
    assert run(tmp_path, tmp_path / "new.txt").corrected == 0
    assert rows(tmp_path, "SELECT count(*) FROM corrections") == [(1,)]


def test_two_files_in_one_run_the_later_corrects(tmp_path: Path) -> None:
    hour = MAY + dt.timedelta(hours=2)
    a = write_frames(
        tmp_path / "a.txt", [data_frame(MN, hour, {"w21003": {"Avg": 1, "Flag": "N"}})]
    )
    b = write_frames(
        tmp_path / "b.txt", [data_frame(MN, hour, {"w21003": {"Avg": 2, "Flag": "N"}})]
    )
    summary = run(tmp_path, a, b)
    assert (summary.new, summary.corrected) == (1, 1)
    assert rows(tmp_path, "SELECT avg FROM readings") == [(2.0,)]


def good(hour: int = 0, **values: dict) -> str:
    readings = values or {"w01018": {"Avg": 40.0, "Flag": "N"}}
    return data_frame(MN, MAY + dt.timedelta(hours=hour), readings)


def corrupt_crc(line: str) -> str:
    body, crc = line[:-6], line[-6:-2]
    return body + ("0000" if crc != "0000" else "FFFF") + "\r\n"


BAD = {
    "crc": [
        corrupt_crc(good(1)),
        good(1).replace("Avg=40.0", "Avg=41.0"),
        good(1).replace("MN=0100", "MN=0101"),
        good(1)[:-6] + good(1)[-6:-2].lower()[::-1] + "\r\n",
    ],
    "length": [
        "##9999" + good(1)[6:],
        "##0010" + good(1)[6:],
        good(1).replace("Avg=40.0", "Avg=40.00"),
        good(1)[:-10] + good(1)[-6:],
    ],
    "mn": [
        data_frame("UNKNOWN0000000000000000", MAY, {"w01018": {"Avg": 1, "Flag": "N"}}),
        data_frame(MN.lower(), MAY, {"w01018": {"Avg": 1, "Flag": "N"}}),
    ],
    "code": [
        good(1, w99999={"Avg": 1, "Flag": "N"}),
        good(1, W01018={"Avg": 1, "Flag": "N"}),
        good(1, a21026x={"Avg": 1, "Flag": "N"}),
    ],
    "value": [
        good(1, w01018={"Avg": "abc", "Flag": "N"}),
        good(1, w01018={"Avg": "nan", "Flag": "N"}),
        good(1, w01018={"Avg": "inf", "Flag": "N"}),
        good(1, w01018={"Avg": "1e5", "Flag": "N"}),
        good(1, w01018={"Avg": "", "Flag": "N"}),
        good(1, w01018={"Min": 3, "Flag": "N"}),
        good(1, w01018={"Avg": 3, "Max": "--", "Flag": "N"}),
        good(1, w01018={"Avg": "12.3.4", "Flag": "N"}),
        good(1, w01018={"Avg": "1_000", "Flag": "N"}),
        good(1, w01018={"Avg": " 5", "Flag": "N"}),
        good(1, w01018={"Avg": "-", "Flag": "N"}),
        good(1, w01018={"Avg": "+-1", "Flag": "N"}),
    ],
    "flag": [
        good(1, w01018={"Avg": 3}),
        good(1, w01018={"Avg": 3, "Flag": "X"}),
        good(1, w01018={"Avg": 3, "Flag": "n"}),
    ],
    "future": [
        data_frame(MN, NOW.replace(minute=0), {"w01018": {"Avg": 1, "Flag": "N"}}),
        data_frame(MN, NOW + dt.timedelta(days=400), {"w01018": {"Avg": 1, "Flag": "N"}}),
        data_frame(MN, dt.datetime(2026, 6, 1), {"w01018": {"Avg": 1, "Flag": "N"}}, cn="2031"),
    ],
    "time": [
        reframed(good(1), segment_of(good(1)).replace("DataTime=20260501010000", "DataTime=20260501250000")),
        reframed(good(1), segment_of(good(1)).replace("DataTime=20260501010000", "DataTime=20260501013000")),
        reframed(good(1), segment_of(good(1)).replace("DataTime=20260501010000", "DataTime=2026050101")),
        reframed(good(1), segment_of(good(1)).replace("DataTime=20260501010000;", "")),
        data_frame(MN, MAY + dt.timedelta(hours=3), {"w01018": {"Avg": 1, "Flag": "N"}}, cn="2031"),
    ],
    "type": [
        frame("QN=1;ST=32;CN=2011;PW=1;MN=" + MN + ";Flag=4;CP=&&DataTime=20260501000000;w01018-Rtd=1&&"),
        frame("QN=1;ST=32;CN=1062;PW=1;MN=" + MN + ";Flag=5;CP=&&RtdInterval=30&&"),
    ],
    "form": ["not a frame at all\r\n", "##\r\n", reframed(good(1), "QN=1;CN=2061;MN=" + MN + ";CP=&&DataTime=20260501010000&&")],
}  # fmt: skip


@pytest.mark.parametrize(
    "reason, line", [(reason, line) for reason, lines in BAD.items() for line in lines]
)
def test_each_bad_input_is_refused_once_with_file_and_line(
    tmp_path: Path, reason: str, line: str
) -> None:
    path = write_frames(tmp_path / "mixed.txt", [good(0), line, good(2)])
    summary = run(tmp_path, path)
    assert dict(summary.rejected) == {reason: 1}, summary.rejects
    (reject,) = summary.rejects
    assert (reject.file, reject.line) == (str(path), 2) and reject.detail
    # The good frames around it are all taken.
    assert summary.frames == 3 and summary.new == 2
    assert rows(tmp_path, "SELECT count(*) FROM readings") == [(2,)]
    again = run(tmp_path, path)
    assert (again.new, dict(again.rejected)) == (0, {reason: 1})
    assert rows(tmp_path, "SELECT count(*), min(line), min(reason) FROM rejects") == [
        (1, 2, reason)
    ]


def test_one_bad_value_keeps_the_other_values_of_its_frame(tmp_path: Path) -> None:
    line = good(4, w01018={"Avg": "x", "Flag": "N"}, w21003={"Avg": 1.5, "Flag": "D"})
    summary = run(tmp_path, write_frames(tmp_path / "f.txt", [line]))
    assert (summary.new, dict(summary.rejected)) == (1, {"value": 1})
    assert summary.rejects[0].code == "w01018"
    assert rows(tmp_path, "SELECT code, avg, flag FROM readings") == [("w21003", 1.5, "D")]


@pytest.mark.parametrize("same", [True, False])
def test_a_period_twice_in_one_file_is_refused_naming_the_first(tmp_path: Path, same: bool) -> None:
    second = good(3) if same else good(3, w01018={"Avg": 99.0, "Flag": "N"})
    path = write_frames(tmp_path / "d.txt", [good(3), good(4), second])
    summary = run(tmp_path, path)
    assert (summary.new, dict(summary.rejected)) == (2, {"duplicate": 1})
    assert summary.rejects[0].line == 3 and "第 1 行" in summary.rejects[0].detail
    assert rows(tmp_path, "SELECT avg FROM readings ORDER BY start") == [(40.0,), (40.0,)]


def test_every_fault_in_one_file_is_reported_and_counted_once(tmp_path: Path) -> None:
    lines = [good(0)] + [line for lines in BAD.values() for line in lines] + ["\r\n", good(5)]
    path = write_frames(tmp_path / "all.txt", lines)
    summary = run(tmp_path, path)
    assert summary.frames == len(lines) - 1
    assert dict(summary.rejected) == {reason: len(lines) for reason, lines in BAD.items()}
    assert summary.new == 2
    text = summary.text()
    assert (
        "CRC 校验不符：4" in text
        and "数值不是数字：12" in text
        and "未登记的数采仪编号（MN）：2" in text
    )
    assert f"拒收 {sum(len(v) for v in BAD.values())} 项" in text


def test_blank_lines_and_lf_endings_are_read(tmp_path: Path) -> None:
    path = tmp_path / "lf.txt"
    path.write_bytes(("\n" + good(0).replace("\r\n", "\n") + "\n\n" + good(1)).encode())
    summary = run(tmp_path, path)
    assert (summary.frames, summary.new, summary.rejects) == (2, 2, [])


def test_a_store_of_another_version_is_refused(tmp_path: Path) -> None:
    with Store(tmp_path / "m.duckdb") as store:
        store.db.execute("UPDATE meta SET value = '99' WHERE name = 'schema'")
    with pytest.raises(StoreError) as caught:
        Store(tmp_path / "m.duckdb")
    assert "99" in str(caught.value) and str(SCHEMA_VERSION) in str(caught.value)


def test_frames_read_in_small_chunks_give_the_same_result(tmp_path: Path) -> None:
    from generator.monitoring.sources import read_frames

    lines = [good(0), corrupt_crc(good(1)), "\r\n", good(2), BAD["length"][0], good(3)]
    path = write_frames(tmp_path / "c.txt", lines)
    whole = list(read_frames(path, "c.txt"))
    assert (
        whole
        == list(read_frames(path, "c.txt", chunk=1))
        == list(read_frames(path, "c.txt", chunk=2))
    )
    assert [getattr(item, "reason", None) for item in whole] == [None, "crc", None, "length", None]
