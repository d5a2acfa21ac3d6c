"""The rules over runs of hours (sustained, flatline, zeros, gaps, corrected below measured) and
the month's flags: each fires from its threshold on, never below it, wherever the run falls
among honest hours (hypothesis); warnings merge; re-running adds nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from .rules_helpers import (
    COD,
    DEFAULTS,
    SO2,
    START,
    found,
    honest,
    hour,
    judge,
    store_with,
    values_of,
)

RUNS = settings(max_examples=15, deadline=None)


def _with_run(limit, length: int, at: int, change: dict, total: int = 96) -> list:
    hours = honest(limit, total, seed=at)
    for n in range(at, at + length):
        hours[n] = {**hours[n], **change} if change else None
    return hours


def _fired(hours: list, limit, rule: str) -> list[dict]:
    with store_with(":memory:", (limit, hours)) as store:
        judge(store, [limit])
        return found(store, rule)


@RUNS
@given(length=st.integers(1, 12), at=st.integers(0, 80))
def test_sustained_exceedance_from_its_threshold_on(length: int, at: int) -> None:
    hours = _with_run(SO2, length, at, {"avg": 130.0, "zs": 140.0})
    fired = _fired(hours, SO2, "sustained")
    if length >= DEFAULTS.sustained_hours:
        assert [(w["first"], w["last"]) for w in fired] == [(hour(at), hour(at + length - 1))]
    else:
        assert fired == []
    # Every hour above the hourly limit is an exceedance, whatever the length.
    assert [w["evidence"]["hours"] for w in _fired(hours, SO2, "exceed")] == [length]


@RUNS
@given(length=st.integers(2, 12), at=st.integers(0, 80), value=st.floats(36.0, 49.0))
def test_flatline_from_its_threshold_on(length: int, at: int, value: float) -> None:
    value = round(value, 2)
    fired = _fired(_with_run(COD, length, at, {"avg": value}), COD, "flatline")
    if length >= DEFAULTS.flatline_hours:
        assert [(w["first"], w["last"]) for w in fired] == [(hour(at), hour(at + length - 1))]
        assert fired[0]["evidence"]["max"] == value == fired[0]["evidence"]["min"]
    else:
        assert fired == []


@RUNS
@given(length=st.integers(1, 10), at=st.integers(0, 80), value=st.sampled_from([0.0, -0.5]))
def test_zeros_or_negatives_from_their_threshold_on(length: int, at: int, value: float) -> None:
    hours = _with_run(COD, length, at, {"avg": value})
    fired = _fired(hours, COD, "zeros")
    assert len(fired) == (1 if length >= DEFAULTS.zero_hours else 0)
    # Zeros while the source is stopped (flag F) are what it should send.
    stopped = _with_run(COD, length, at, {"avg": value, "flag": "F"})
    assert _fired(stopped, COD, "zeros") == [] and _fired(stopped, COD, "flatline") == []


@RUNS
@given(length=st.integers(1, 14), at=st.integers(1, 80), fault=st.booleans())
def test_gaps_from_their_threshold_on(length: int, at: int, fault: bool) -> None:
    hours = _with_run(COD, length, at, {"flag": "B"} if fault else {})
    fired = _fired(hours, COD, "gap")
    if length >= DEFAULTS.gap_hours:
        assert [(w["first"], w["last"]) for w in fired] == [(hour(at), hour(at + length - 1))]
        assert fired[0]["evidence"]["hours"] == length
    else:
        assert fired == []


@RUNS
@given(length=st.integers(1, 8), at=st.integers(0, 80))
def test_corrected_below_measured_from_its_threshold_on(length: int, at: int) -> None:
    hours = _with_run(SO2, length, at, {"avg": 50.0, "zs": 31.5})
    fired = _fired(hours, SO2, "corrected_below")
    assert len(fired) == (1 if length >= DEFAULTS.corrected_below_hours else 0)
    if fired:
        assert fired[0]["evidence"]["values"][0] == {
            "hour": hour(at), "value": 31.5, "other": 50.0, "flag": "N"}  # fmt: skip


@RUNS
@given(flagged=st.integers(60, 90), flag=st.sampled_from("MCS"))
def test_too_many_maintenance_hours_in_a_month(flagged: int, flag: str) -> None:
    hours = honest(COD, 24 * 20)
    for n in range(0, flagged * 3, 3):  # spread over the month, never a long run
        hours[n] = {**hours[n], "flag": flag}
    fired = _fired(hours, COD, "flags")
    assert len(fired) == (1 if flagged > DEFAULTS.flag_hours_month else 0)
    if fired:
        assert fired[0]["evidence"]["hours"] == flagged


def test_findings_near_each_other_merge_far_ones_do_not(tmp_path: Path) -> None:
    hours = honest(SO2, 24 * 5)
    for n in (10, 30, 100):  # 20 hours apart: one warning; 70 hours later: another
        hours[n] = {**hours[n], "zs": 180.0}
    with store_with(tmp_path / "m.duckdb", (SO2, hours)) as store:
        judge(store, [SO2])
        got = [(w["first"], w["last"], w["evidence"]["hours"]) for w in found(store)]
    assert got == [(hour(10), hour(30), 2), (hour(100), hour(100), 1)]


def test_rerunning_adds_nothing_and_writes_the_same_file(tmp_path: Path) -> None:
    hours = _with_run(SO2, 8, 20, {"avg": 0.0, "zs": 0.0})
    hours[60] = None
    with store_with(tmp_path / "m.duckdb", (SO2, hours), (COD, honest(COD, 96))) as store:
        first = judge(store, since=dt.date(2026, 5, 1))
        before = found(store)
        again = judge(store, since=dt.date(2026, 5, 1))
        assert first.added > 0 and (again.added, again.extended) == (0, 0)
        assert found(store) == before


def test_a_run_crossing_two_imports_is_one_warning_extended(tmp_path: Path) -> None:
    hours = _with_run(COD, 10, 18, {"avg": 12.5}, total=48)
    with store_with(tmp_path / "m.duckdb", (COD, hours[:24])) as store:
        judge(store, [COD])
        [first] = found(store, "flatline")
        store.merge(values_of(COD, hours[24:]))
        run = judge(store, [COD])  # since: the day of the last run's newest hour
        [merged] = found(store, "flatline")
    assert (first["first"], first["last"], first["revision"]) == (hour(18), hour(23), 1)
    assert (merged["id"], merged["last"], merged["revision"]) == (first["id"], hour(27), 2)
    assert merged["evidence"]["hours"] == 10 and (run.added, run.extended) == (0, 1)


def test_a_months_flagged_hours_are_one_warning_however_far_apart() -> None:
    hours = honest(COD, 24 * 30)
    for n in range(0, 24 * 30, 30):  # 24 flagged hours, 30 hours apart: beyond the merge gap
        hours[n] = {**hours[n], "flag": "C"}
    with store_with(":memory:", (COD, hours)) as store:
        judge(store, [COD], flag_hours_month=20)
        [warning] = found(store, "flags")
    assert (warning["first"], warning["last"], warning["evidence"]["hours"]) == (
        hour(0), hour(24 * 30 - 30), 24)  # fmt: skip


def test_the_month_is_counted_whole_when_the_hours_judged_start_after_its_first_day() -> None:
    hours = honest(COD, 24 * 25)
    flagged = [*range(0, 24 * 10, 5), *range(24 * 21, 24 * 25, 3)]  # 48 + 32 hours
    for n in flagged:
        hours[n] = {**hours[n], "flag": "M"}
    with store_with(":memory:", (COD, hours[: 24 * 20])) as store:
        judge(store, [COD])
        assert found(store, "flags") == []  # 48 hours so far
        store.merge(values_of(COD, hours[24 * 20 :]))
        run = judge(store, [COD])  # judges from the 18th, counts the month from the 1st
        [warning] = found(store, "flags")
    assert run.lo == START + dt.timedelta(days=17)
    assert (warning["first"], warning["evidence"]["hours"]) == (hour(0), 80)
