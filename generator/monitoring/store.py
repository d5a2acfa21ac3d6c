"""Where monitoring values are kept: one DuckDB file. The one module that knows the engine.

Tables (docs/monitoring.md): ``readings`` (one row per MN, CN, period start and pollutant
code), ``corrections`` (each replaced value, old beside new), ``rejects`` (what imports refused,
by file and line). A deployment moving to a server engine rewrites this module only.
"""

from __future__ import annotations

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

    def __init__(self, path: Path | str) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = Path(path)
        self.db = duckdb.connect(str(path))
        self.db.execute(_SCHEMA).fetchall()
        row = self.run("SELECT value FROM meta WHERE name = 'schema'")
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
