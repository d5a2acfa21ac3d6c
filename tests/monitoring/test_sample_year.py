"""The sample's monitoring data with injected faults: every fault kind raises its rule and only
the rules its truth names, on honest data around it; importing and judging again adds nothing;
``yimatong sample --monitoring-year`` writes the frames and the truth."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.monitoring.builder import write_frames
from generator.monitoring.importer import import_files
from generator.monitoring.rules import Limit
from generator.monitoring.rules_run import run_rules, warnings
from generator.monitoring.rules_sql import FIND
from generator.monitoring.store import Store
from generator.sample.monitoring_score import score
from generator.sample.monitoring_year import (
    GAS_KINDS,
    Series,
    Station,
    frames_of,
    station_year,
)

from .rules_helpers import DEFAULTS

FIRST = dt.datetime(2026, 3, 1)
HOURS = 24 * 40
GAS = Station("91450126MA5L3K2R5Q001P", "DA001", "010000A8900016F000169DC1", True, (
    Series("a21026", 100.0, None, "hour"), Series("a34013", 20.0, None, "hour")))  # fmt: skip
WATER = Station("91450126MA5L3K2R5Q001P", "DW001", "010000A8900016F000169DC0", False, (
    Series("w01018", 50.0, None, "day"), Series("w21003", 5.0, None, "day")))  # fmt: skip


def _limits(station: Station) -> list[Limit]:
    return [
        Limit(
            station.unit_code,
            station.outlet,
            station.mn,
            s.code,
            s.limit_max,
            s.limit_min,
            s.averaging,
            station.gas,
        )  # fmt: skip
        for s in station.series
    ]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary folder for the frames files of the module's tests."""
    return tmp_path_factory.mktemp("years")


def _judged(station: Station, kinds: list[str], seed: int, folder: Path):
    """The station's faults and the warnings the rules raise on its data."""
    year = station_year(station, FIRST, seed, HOURS, kinds)
    assert year is not None
    name = f"{station.outlet}-{seed}-{'-'.join(kinds) or 'honest'}"
    file = write_frames(folder / f"{name}.txt", frames_of(station, year, 0, HOURS))
    with Store(":memory:") as store:
        mns = {station.mn: (station.unit_code, station.outlet)}
        summary = import_files([file], store, mns, FIRST + dt.timedelta(days=60))
        assert summary.rejects == []
        run_rules(store, _limits(station), DEFAULTS)
        return [asdict(f) for f in year.faults], warnings(store)


@pytest.mark.parametrize("kind", GAS_KINDS)
@pytest.mark.parametrize("station", [GAS, WATER], ids=["gas", "water"])
def test_each_fault_raises_its_rule_and_no_other(kind: str, station: Station, folder: Path) -> None:
    if kind == "corrected_below" and not station.gas:
        pytest.skip("corrected concentrations are sent for flue gas only")
    faults, found = _judged(station, [kind], 7, folder)
    scores = score(found, faults)
    expected = {rule for f in faults for rule in f["expect"]}
    assert expected and all(scores[rule].recall == 1.0 for rule in expected)
    assert all(s.precision in (None, 1.0) for s in scores.values()), found


@settings(max_examples=8, deadline=None)
@given(kinds=st.lists(st.sampled_from(GAS_KINDS), min_size=0, max_size=3), seed=st.integers(0, 99))
def test_random_faults_on_honest_data(kinds: list[str], seed: int, folder: Path) -> None:
    faults, found = _judged(GAS, kinds, seed, folder)
    scores = score(found, faults)
    assert all(s.precision in (None, 1.0) for s in scores.values()), found
    assert all(s.recall in (None, 1.0) for s in scores.values()), found
    if not kinds:
        assert found == []


def test_judging_again_and_reimporting_add_nothing(tmp_path: Path) -> None:
    year = station_year(GAS, FIRST, 3, HOURS, ["flatline", "gap", "flags"])
    assert year is not None
    file = write_frames(tmp_path / "y.txt", frames_of(GAS, year, 0, HOURS))
    mns = {GAS.mn: (GAS.unit_code, GAS.outlet)}
    with Store(tmp_path / "m.duckdb") as store:
        import_files([file], store, mns, FIRST + dt.timedelta(days=60))
        run_rules(store, _limits(GAS), DEFAULTS)
        before = warnings(store)
        import_files([file], store, mns, FIRST + dt.timedelta(days=60))
        again = run_rules(store, _limits(GAS), DEFAULTS, since=FIRST.date())
        assert (again.added, again.extended) == (0, 0) and warnings(store) == before
    assert set(FIND) >= {w["rule"] for w in before}


def test_sample_command_writes_the_year_and_its_truth(tmp_path: Path) -> None:
    out, year = tmp_path / "content", tmp_path / "year"
    args = ["sample", "--units", "6", "--out", str(out), "--monitoring-year", str(year)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in year.glob("hourly-*.txt"))
    assert len(files) in (12, 13) and (year / "faults.jsonl").exists()
    truth = [json.loads(line) for line in (year / "faults.jsonl").read_text().splitlines()]
    for fault in truth:
        assert set(fault) == {"fault", "expect", "allow", "unit_code", "outlet", "mn", "code",
                              "first", "last"}  # fmt: skip
        assert fault["first"] <= fault["last"] and fault["expect"]
    # Same seed, same bytes.
    again = tmp_path / "again"
    CliRunner().invoke(main, ["sample", "--units", "6", "--out", str(tmp_path / "c2"),
                              "--monitoring-year", str(again)])  # fmt: skip
    assert (again / files[0]).read_bytes() == (year / files[0]).read_bytes()
