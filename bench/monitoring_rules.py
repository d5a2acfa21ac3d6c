"""Early-warning rules benchmark: each rule's precision and recall on a sample year with
injected faults, and the time to import and to judge one province-day beside the store's raw
scan of the same hours.

    .venv/bin/python bench/monitoring_rules.py                      # 200 units, 6,000 outlets
    .venv/bin/python bench/monitoring_rules.py --units 60 --outlets 600 --runs 1

1. ``yimatong sample``'s content of N units and its year of hourly frames (the monitored
   outlets, faults injected, generator/sample/monitoring_year.py); the year is imported and
   every rule run over it once; each rule's precision and recall against the truth.
2. A province-day: M outlets x 4 pollutants x 24 h of honest frames (some values above the
   limits set here), with the two days before already in the store. Three times each, on
   fresh copies of the store: importing the day; running every rule over it (the look-back
   makes that three days of values); and, as the floor, DuckDB scanning those same values
   (sum and count of the three days). Median and spread [min-max], load average before each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.content.readers import load_site  # noqa: E402
from generator.monitoring.builder import GAS, TYPICAL, WATER, hourly_frames, write_frames  # noqa: E402
from generator.monitoring.importer import import_files, outlets_of  # noqa: E402
from generator.monitoring.rules import Limit, Thresholds, limits_of  # noqa: E402
from generator.monitoring.rules_run import run_rules, warnings  # noqa: E402
from generator.monitoring.store import Store  # noqa: E402
from generator.sample import AS_OF, write_sample  # noqa: E402
from generator.sample.monitoring_score import score, table  # noqa: E402
from generator.sample.monitoring_year import write_monitoring_year  # noqa: E402

DAY = dt.datetime(2026, 5, 3)
NOW = dt.datetime(2026, 6, 1)
#: After the sample year (the year before the sample's as-of date).
YEAR_NOW = dt.datetime.combine(AS_OF, dt.time())


def seconds(work: Callable[[], object]) -> float:
    """Wall seconds of ``work``."""
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def sample_year(folder: Path, units: int) -> None:
    """Precision and recall of every rule on the sample's year."""
    t = time.perf_counter()
    records = write_sample(folder / "content", units, 1, "jsonl", AS_OF)
    frames = write_monitoring_year(folder / "year", records, AS_OF, 1)
    print(f"sample: {units} units, a year of {frames:,} hourly frames with faults "
          f"({time.perf_counter() - t:.1f} s to write)")  # fmt: skip
    site = load_site(folder / "content")
    files = sorted((folder / "year").glob("hourly-*.txt"))
    with Store(folder / "year.duckdb") as store:
        took = seconds(lambda: import_files(files, store, outlets_of(site), YEAR_NOW))
        count = store.run("SELECT count(*) FROM readings") or (0,)
        print(f"  imported {count[0]:,} values in {took:.1f} s")
        took = seconds(lambda: run_rules(store, limits_of(site), Thresholds.from_settings()))
        print(f"  every rule over the year: {took:.1f} s")
        found = warnings(store)
    truth = (folder / "year" / "faults.jsonl").read_text(encoding="utf-8").splitlines()
    print(table(score(found, [json.loads(line) for line in truth])))


def province(outlets: int) -> tuple[dict[str, tuple[str, str]], list[Limit]]:
    """Made-up MNs of ``outlets`` outlets, half water, half gas, and their limits."""
    mns = {f"4500{n:020d}": (f"U{n:06d}", "DW001" if n % 2 else "DA001") for n in range(outlets)}
    limits = [
        Limit(
            unit,
            outlet,
            mn,
            code,
            round(TYPICAL[code] * 1.28, 2),
            None,
            "day" if n % 2 else "hour",
            not n % 2,
        )  # fmt: skip
        for n, (mn, (unit, outlet)) in enumerate(mns.items())
        for code in (WATER if n % 2 else GAS)
    ]
    return mns, limits


def day_file(folder: Path, mns: dict, first: dt.datetime) -> Path:
    """One day of hourly frames of every outlet."""
    frames = (
        line
        for n, mn in enumerate(mns)
        for line in hourly_frames(mn, first, 24, WATER if n % 2 else GAS, seed=first.day)
    )
    return write_frames(folder / f"{first:%Y-%m-%d}.txt", list(frames))


def measured(label: str, runs: int, prepare: Callable[[], object], work: Callable) -> None:
    """Run ``work`` (on what ``prepare`` gives) ``runs`` times; print median and spread."""
    times, loads = [], []
    for _ in range(runs):
        given = prepare()
        loads.append(os.getloadavg()[0])
        times.append(seconds(lambda g=given: work(g)))
    spread = f"[{min(times):.2f}-{max(times):.2f}]"
    shown = ", ".join(f"{x:.2f}" for x in loads)
    print(f"{label:<52} {statistics.median(times):6.2f} s {spread:<14} load {shown}")


def province_day(folder: Path, outlets: int, runs: int) -> None:
    """Import and rules times of one province-day beside the store's raw scan."""
    mns, limits = province(outlets)
    days = [day_file(folder, mns, DAY - dt.timedelta(days=n)) for n in (2, 1, 0)]
    print(f"province-day: {outlets:,} outlets x 4 pollutants x 24 h = {outlets * 96:,} values")
    before, after = folder / "before.duckdb", folder / "after.duckdb"
    with Store(before) as store:
        import_files(days[:2], store, mns, NOW)
    shutil.copy(before, after)
    with Store(after) as store:
        import_files(days[2:], store, mns, NOW)
    copy = folder / "copy.duckdb"

    def fresh(source: Path) -> Callable[[], Store]:
        return lambda: (copy.unlink(missing_ok=True), shutil.copy(source, copy), Store(copy))[2]

    def closing(work: Callable[[Store], object]) -> Callable[[Store], None]:
        def run(store: Store) -> None:
            with store:
                work(store)

        return run

    t = Thresholds.from_settings()
    measured("import the day (two days before already stored)", runs, fresh(before),
             closing(lambda s: import_files(days[2:], s, mns, NOW)))  # fmt: skip
    measured("every rule over the day (with the look-back)", runs, fresh(after),
             closing(lambda s: run_rules(s, limits, t, since=DAY.date())))  # fmt: skip
    scan = "SELECT sum(avg), count(*) FROM readings WHERE start >= ?"
    lo = DAY - dt.timedelta(days=t.lookback_days)
    measured("floor: DuckDB scan of the same values (sum, count)", runs, fresh(after),
             closing(lambda s: s.query(scan, [lo])))  # fmt: skip
    with Store(after) as store:
        run = run_rules(store, limits, t, since=DAY.date())
    print(f"  {run.text()}".replace("\n", "\n  "))


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--outlets", type=int, default=6000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-sample", action="store_true", help="the province-day only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if not args.no_sample:
            sample_year(Path(tmp), args.units)
        province_day(Path(tmp), args.outlets, args.runs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS) {peak:,.0f} MB")


if __name__ == "__main__":
    main()
