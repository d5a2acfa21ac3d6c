"""Monitoring import benchmark: one province-day of hourly frames into the store, beside the
store's own floor (DuckDB's raw insert and scan of the same rows) and Parquet through pyarrow.

    .venv/bin/python bench/monitoring_import.py                 # 6,000 outlets x 4 x 24 h
    .venv/bin/python bench/monitoring_import.py --outlets 600   # a smaller day

Prints seconds and values per second for: writing the frames (not part of the import),
the import (read, CRC and length, checks, merge), the same file imported again (all
unchanged), the day after with 12 overlapping hours; then DuckDB inserting the same rows from
Arrow into a table without checks, scanning them, and pyarrow writing and reading them as
Parquet. Peak memory (max RSS) of the process at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from generator.monitoring.builder import GAS, WATER, hourly_frames, write_frames  # noqa: E402
from generator.monitoring.importer import import_files  # noqa: E402
from generator.monitoring.store import Store, _arrow  # noqa: E402

DAY = dt.datetime(2026, 5, 1)
NOW = dt.datetime(2026, 6, 1)


def mns(outlets: int) -> dict[str, tuple[str, str]]:
    """Made-up MNs of ``outlets`` outlets, half water, half gas."""
    return {f"4500{n:020d}": (f"U{n:06d}", "DW001" if n % 2 else "DA001") for n in range(outlets)}


def write_day(folder: Path, outlets: dict, first: dt.datetime, hours: int, name: str) -> Path:
    """One file of ``hours`` hourly frames of every outlet from ``first``."""
    frames = (
        line
        for n, mn in enumerate(outlets)
        for line in hourly_frames(mn, first, hours, WATER if n % 2 else GAS)
    )
    return write_frames(folder / name, list(frames))


def timed(label: str, values: int, work) -> object:
    """Run ``work`` and print its seconds and rate."""
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    print(f"{label:<44} {seconds:7.2f} s  {values / seconds:>12,.0f} values/s")
    return result


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outlets", type=int, default=6000)
    args = parser.parse_args()
    outlets = mns(args.outlets)
    values = args.outlets * 4 * 24
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        day = timed("writing the frames (not the import)", values,
                    lambda: write_day(folder, outlets, DAY, 24, "day.txt"))  # fmt: skip
        nxt = write_day(folder, outlets, DAY + dt.timedelta(hours=12), 24, "next.txt")
        with Store(folder / "m.duckdb") as store:
            s = timed("import one day (new store)", values,
                      lambda: import_files([day], store, outlets, NOW))  # fmt: skip
            print(f"  {s.text()}".replace("\n", "\n  "))  # type: ignore[attr-defined]
            timed("the same day again (all unchanged)", values,
                  lambda: import_files([day], store, outlets, NOW))  # fmt: skip
            timed("next day, 12 h overlapping", values,
                  lambda: import_files([nxt], store, outlets, NOW))  # fmt: skip
            rows = store.query("SELECT * EXCLUDE (imported_at, unit_code, outlet) FROM readings")
        floor(folder, rows[:values])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS) {peak:,.0f} MB")


def floor(folder: Path, rows: list[tuple]) -> None:
    """DuckDB's raw insert and scan, and Parquet through pyarrow, of the same rows."""
    from generator.monitoring.checks import Value

    values = [Value(r[0], r[1], r[2], r[3], "U", "DW001", *r[4:]) for r in rows]
    table = _arrow(values)
    n = len(values)
    db = duckdb.connect(str(folder / "raw.duckdb"))
    db.register("batch", table)
    timed("floor: DuckDB insert from Arrow, no checks", n,
          lambda: db.execute("CREATE TABLE raw AS SELECT * FROM batch").fetchall())  # fmt: skip
    timed("floor: DuckDB scan (sum of avg)", n,
          lambda: db.execute("SELECT sum(avg), count(*) FROM raw").fetchall())  # fmt: skip
    db.close()
    timed("Parquet (pyarrow): write the same rows", n,
          lambda: pq.write_table(table, folder / "day.parquet"))  # fmt: skip
    timed("Parquet (pyarrow): read them back", n,
          lambda: pq.read_table(folder / "day.parquet"))  # fmt: skip


if __name__ == "__main__":
    main()
