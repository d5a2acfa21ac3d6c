"""Where monitoring values are kept: one DuckDB file. The one module that knows the engine.

Tables (docs/monitoring.md): ``readings`` (one row per MN, CN, period start and pollutant
code), ``corrections`` (each replaced value, old beside new), ``rejects`` (what imports refused,
by file and line). A deployment moving to a server engine rewrites this module only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from types import TracebackType

import duckdb
import pyarrow as pa

from generator import clock
from generator.monitoring.checks import Reject, Value

#: Bump with a change of the tables below (the store refuses a file of another version).
SCHEMA_VERSION = 1
#: DuckDB's own memory (its buffers, hash tables, sorts): past it, it spills to a temporary
#: folder beside the file instead of growing. With the Python side of a year's recompute
#: (the 90-day records) the process stays under 2 GB (bench/monitoring_public.py).
MEMORY_LIMIT = "1GB"

_VALUES = "avg DOUBLE, min DOUBLE, max DOUBLE, zs_avg DOUBLE, flag VARCHAR, source VARCHAR"
_KEY = "mn VARCHAR, cn VARCHAR, start TIMESTAMP, code VARCHAR"
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (name VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS readings (
    {_KEY}, unit_code VARCHAR, outlet VARCHAR, {_VALUES}, imported_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS corrections (
    {_KEY}, old_avg DOUBLE, old_min DOUBLE, old_max DOUBLE, old_zs_avg DOUBLE,
    old_flag VARCHAR, old_source VARCHAR, new_avg DOUBLE, new_min DOUBLE, new_max DOUBLE,
    new_zs_avg DOUBLE, new_flag VARCHAR, new_source VARCHAR, corrected_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS rejects (
    file VARCHAR, line INTEGER, code VARCHAR, mn VARCHAR, reason VARCHAR, detail VARCHAR,
    rejected_at TIMESTAMP);
"""
_SAME_KEY = "r.mn = b.mn AND r.cn = b.cn AND r.start = b.start AND r.code = b.code"
_CHANGED = " OR ".join(
    f"r.{c} IS DISTINCT FROM b.{c}" for c in ("avg", "min", "max", "zs_avg", "flag")
)
_IN_RANGE = "r.start BETWEEN $lo AND $hi"


@dataclass(frozen=True, slots=True)
class Merged:
    """What a merge did: values new to the store, values replaced, values already there."""

    new: int = 0
    corrected: int = 0
    unchanged: int = 0


class StoreError(RuntimeError):
    """The store file cannot be used (another schema version, or not a store)."""


class Store:
    """The monitoring store in one DuckDB file (created with its tables if missing)."""

    def __init__(self, path: Path | str, read_only: bool = False) -> None:
        self.path = Path(path)
        config: dict[str, str | bool | int | float | list[str]] = {"memory_limit": MEMORY_LIMIT}
        if read_only:
            self.db = duckdb.connect(str(path), read_only=True, config=config)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = duckdb.connect(str(path), config=config)
            self.db.execute(_SCHEMA).fetchall()
        row = self.run("SELECT value FROM meta WHERE name = 'schema'")
        if row is None and read_only:
            self.db.close()
            raise StoreError(f"监测数据库 {path} 没有版本记录，不是本程序的监测数据库")
        if row is None:
            self.run("INSERT INTO meta VALUES ('schema', ?)", [str(SCHEMA_VERSION)])
        elif row[0] != str(SCHEMA_VERSION):
            self.db.close()
            raise StoreError(f"监测数据库 {path} 的版本为 {row[0]}，本程序使用 {SCHEMA_VERSION}")

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the file."""
        self.db.close()

    def merge(self, values: Sequence[Value]) -> Merged:
        """Add ``values`` (keys unique among them): new keys are added, a differing value
        replaces the stored one and is written to ``corrections``, an equal one changes
        nothing. All or nothing: one transaction."""
        if not values:
            return Merged()
        now = clock.utcnow()
        batch = _arrow(values)
        params: dict[str, object] = {"lo": min(v.start for v in values)}
        params["hi"] = max(v.start for v in values)
        db = self.db
        db.register("batch", batch)
        try:
            db.begin()
            same = self.run(_COUNT_SAME, params)
            self.run(_RECORD_CORRECTIONS, {**params, "now": now})
            corrected = self.run(_CORRECT, params)
            new = self.run(_INSERT_NEW, {**params, "now": now})
            db.commit()
        except BaseException:
            db.rollback()
            raise
        finally:
            db.unregister("batch")
        return Merged(_n(new), _n(corrected), _n(same))

    def add_rejects(self, rejects: Sequence[Reject]) -> None:
        """Keep the rejects of an import (a file's line refused again replaces its record)."""
        if not rejects:
            return
        rows = [(r.file, r.line, r.code, r.mn, r.reason, r.detail) for r in rejects]
        now = clock.utcnow()
        self.db.begin()
        self.db.executemany(
            "DELETE FROM rejects WHERE file = ? AND line = ? AND code = ?",
            [row[:3] for row in rows],
        )
        self.db.executemany(
            "INSERT INTO rejects VALUES (?, ?, ?, ?, ?, ?, ?)", [(*row, now) for row in rows]
        )
        self.db.commit()

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        """Rows of a read-only query over the tables above (reports, tests, benchmarks)."""
        return self.db.execute(sql, list(params)).fetchall()

    def run(self, sql: str, params: Sequence[object] | dict[str, object] = ()) -> tuple | None:
        """Run one statement to its end; its first row (a count for writes), if any."""
        rows = self.db.execute(sql, params if isinstance(params, dict) else list(params))
        found = rows.fetchall()
        return found[0] if found else None

    def public_days(
        self, limits: pa.Table, since: dt.datetime, min_day_hours: int, window_days: int
    ) -> PublicRows:
        """What the public pages show of the hourly data from ``since`` on, per series (the
        ``limits`` rows: unit_code, outlet, code, limit_min, limit_max, hourly, corrected):
        the days of each unit's last ``window_days``, each series' counts by month and year
        of its unit's newest hour, and each unit's exceedance days by quarter."""
        db = self.db
        db.register("limits_given", limits)
        try:
            db.execute(_PUBLIC_SERIES_IDS).fetchall()
            db.execute(_PUBLIC_DAYS, {"since": since, "min_hours": min_day_hours}).fetchall()
            db.execute(_PUBLIC_AS_OF).fetchall()
            window = db.sql(_PUBLIC_WINDOW, params={"days": window_days}).to_arrow_table()
            series = db.sql(_PUBLIC_SERIES).to_arrow_table()
            quarters = db.sql(_PUBLIC_QUARTERS).to_arrow_table()
        finally:
            db.unregister("limits_given")
            db.execute("DROP TABLE IF EXISTS public_days; DROP TABLE IF EXISTS public_as_of; "
                       "DROP TABLE IF EXISTS public_limits")  # fmt: skip
        return PublicRows(window, series, quarters)

    def latest_hour(self) -> dt.datetime | None:
        """The newest hour of hourly data in the store, None when there is none."""
        row = self.run("SELECT max(start) FROM readings WHERE cn = '2061'")
        return row[0] if row else None


@dataclass(frozen=True, slots=True)
class PublicRows:
    """The public figures of the hourly data, as Arrow tables (see ``Store.public_days``)."""

    #: unit_code, outlet, code, day, mean (None below the valid hours a day needs), valid,
    #: exceeded; ordered by series then day.
    window: pa.Table
    #: unit_code, outlet, code, latest, as_of, then hours, valid, stopped, faults and
    #: exceed_days for the month (m_…) and the year (y_…) of ``as_of``.
    series: pa.Table
    #: unit_code, year, quarter, exceed_days.
    quarters: pa.Table


def _n(row: tuple | None) -> int:
    return int(row[0]) if row and row[0] is not None else 0


_COLUMNS = tuple(f.name for f in fields(Value))


def _arrow(values: Sequence[Value]) -> pa.Table:
    """The values as an Arrow table, the fastest way into DuckDB from Python."""
    columns = {name: [getattr(v, name) for v in values] for name in _COLUMNS}
    return pa.table(columns)


_COUNT_SAME = f"""
SELECT count(*) FROM batch b JOIN readings r ON {_SAME_KEY}
WHERE {_IN_RANGE} AND NOT ({_CHANGED})"""
_RECORD_CORRECTIONS = f"""
INSERT INTO corrections SELECT b.mn, b.cn, b.start, b.code,
    r.avg, r.min, r.max, r.zs_avg, r.flag, r.source,
    b.avg, b.min, b.max, b.zs_avg, b.flag, b.source, $now
FROM batch b JOIN readings r ON {_SAME_KEY} WHERE {_IN_RANGE} AND ({_CHANGED})"""
_CORRECT = f"""
UPDATE readings r SET avg = b.avg, min = b.min, max = b.max, zs_avg = b.zs_avg,
    flag = b.flag, source = b.source, unit_code = b.unit_code, outlet = b.outlet
FROM batch b WHERE {_SAME_KEY} AND {_IN_RANGE} AND ({_CHANGED})"""
_INSERT_NEW = f"""
INSERT INTO readings SELECT b.mn, b.cn, b.start, b.code, b.unit_code, b.outlet,
    b.avg, b.min, b.max, b.zs_avg, b.flag, b.source, $now
FROM batch b ANTI JOIN readings r ON {_SAME_KEY} AND {_IN_RANGE}"""

# The public figures (docs/monitoring.md, "Public"). Each series is a number (``sid``): the
# day groups of a year (8.8 million for a province) hold an integer, not three names.
_PUBLIC_SERIES_IDS = """
CREATE OR REPLACE TEMP TABLE public_limits AS
SELECT (row_number() OVER ())::INTEGER AS sid, * FROM limits_given"""
# One row per series and day of valid hours (flag N) and the day's exceedance against the
# limit with its averaging period.
_PUBLIC_DAYS = """
CREATE OR REPLACE TEMP TABLE public_days AS
WITH v AS (
    SELECT l.sid, r.start, r.flag, l.limit_min, l.limit_max, l.hourly,
        CASE WHEN l.corrected THEN coalesce(r.zs_avg, r.avg) ELSE r.avg END AS value
    FROM readings r JOIN public_limits l
        ON r.unit_code = l.unit_code AND r.outlet = l.outlet AND r.code = l.code
    WHERE r.cn = '2061' AND r.start >= $since),
d AS (
    SELECT sid, CAST(start AS DATE) AS day, any_value(hourly) AS hourly,
        any_value(limit_min) AS lo, any_value(limit_max) AS hi,
        count(*)::INTEGER AS hours,
        (count(*) FILTER (WHERE flag = 'N'))::INTEGER AS valid,
        (count(*) FILTER (WHERE flag = 'F'))::INTEGER AS stopped,
        (count(*) FILTER (WHERE flag IN ('D', 'B', 'M', 'C', 'S', 'T')))::INTEGER AS faults,
        avg(value) FILTER (WHERE flag = 'N') AS mean,
        max(value) FILTER (WHERE flag = 'N') AS top,
        min(value) FILTER (WHERE flag = 'N') AS bottom,
        max(start) AS latest
    FROM v GROUP BY sid, day)
SELECT sid, day, hours, valid, stopped, faults, latest,
    CASE WHEN valid >= $min_hours THEN mean END AS mean,
    CASE WHEN hourly THEN coalesce(top > hi, false) OR coalesce(bottom < lo, false)
        ELSE valid >= $min_hours AND (coalesce(mean > hi, false) OR coalesce(mean < lo, false))
    END AS exceeded
FROM d"""
# Each series' newest hour, then each unit's (its data-as-of), by series.
_PUBLIC_AS_OF = """
CREATE OR REPLACE TEMP TABLE public_as_of AS
SELECT l.sid, l.unit_code, l.outlet, l.code, a.as_of,
    date_trunc('month', a.as_of) AS month, date_trunc('year', a.as_of) AS year
FROM public_limits l JOIN (
    SELECT l.unit_code, max(d.latest) AS as_of
    FROM public_days d JOIN public_limits l ON d.sid = l.sid GROUP BY l.unit_code) a
    ON l.unit_code = a.unit_code"""
_PUBLIC_WINDOW = """
SELECT a.unit_code, a.outlet, a.code, d.day, d.mean, d.valid, d.exceeded
FROM public_days d JOIN public_as_of a ON d.sid = a.sid
WHERE d.day > CAST(a.as_of AS DATE) - to_days(CAST($days AS INTEGER))
ORDER BY a.unit_code, a.outlet, a.code, d.day"""
_SUMS = ", ".join(
    f"coalesce(sum({c}) FILTER (WHERE d.day >= a.{p}), 0)::BIGINT AS {p[0]}_{c}"
    for p in ("month", "year")
    for c in ("hours", "valid", "stopped", "faults")
)
_PUBLIC_SERIES = f"""
SELECT any_value(a.unit_code) AS unit_code, any_value(a.outlet) AS outlet,
    any_value(a.code) AS code, max(d.latest) AS latest, any_value(a.as_of) AS as_of,
    {_SUMS},
    (count(*) FILTER (WHERE d.exceeded AND d.day >= a.month))::INTEGER AS m_exceed_days,
    (count(*) FILTER (WHERE d.exceeded AND d.day >= a.year))::INTEGER AS y_exceed_days
FROM public_days d JOIN public_as_of a ON d.sid = a.sid
GROUP BY d.sid ORDER BY unit_code, outlet, code"""
_PUBLIC_QUARTERS = """
SELECT l.unit_code, year(d.day)::INTEGER AS year, quarter(d.day)::INTEGER AS quarter,
    count(DISTINCT d.day) FILTER (WHERE d.exceeded)::INTEGER AS exceed_days
FROM public_days d JOIN public_limits l ON d.sid = l.sid GROUP BY ALL ORDER BY ALL"""
