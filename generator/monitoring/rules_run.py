"""Run the early-warning rules over the store and write the warnings file the service reads.

``run_rules`` judges the hours from ``since`` (less the look-back) to the newest hour stored,
files what it finds under warnings (a finding near a warning of the same rule, outlet and
pollutant extends it) and is idempotent: hours already filed are passed over.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import pyarrow as pa

from generator import clock
from generator.monitoring import rules_sql as sql
from generator.monitoring.codes import POLLUTANTS
from generator.monitoring.rules import BY_ID, RULES, Limit, Thresholds
from generator.monitoring.store import Store

#: Values of a warning written to the file (the first ones, by hour).
FILE_VALUES = 48


@dataclass(frozen=True, slots=True)
class Run:
    """What one run of the rules judged and did."""

    lo: dt.datetime | None
    hi: dt.datetime | None
    found: int = 0
    added: int = 0
    extended: int = 0

    def text(self) -> str:
        """The run as the command prints it."""
        if self.lo is None or self.hi is None:
            return "监测数据库里没有可检查的小时数据。"
        return (
            f"检查时段 {self.lo:%Y-%m-%d %H:%M} 至 {self.hi:%Y-%m-%d %H:%M}（数据时间）：\n"
            f"发现 {self.found} 个异常时段，新增预警 {self.added} 条，延长已有预警 {self.extended} 条。"
        )


def run_rules(
    store: Store,
    limits: Sequence[Limit],
    thresholds: Thresholds | None = None,
    since: dt.date | None = None,
    rules: Iterable[str] | None = None,
) -> Run:
    """Judge the hours from ``since`` (default: the day of the last run's newest hour) on."""
    t = thresholds or Thresholds.from_settings()
    _tables(store)
    lo, hi = _window(store, since, t)
    if lo is None or hi is None:
        return Run(None, None)
    chosen = [r.id for r in RULES if rules is None or r.id in set(rules)]
    union = "\nUNION ALL BY NAME\n".join(f"(SELECT * FROM ({sql.FIND[r]}))" for r in chosen)
    found = sql.FOUND.format(union=union, reach=sql.REACH)
    mlo = lo.replace(day=1, hour=0)
    params = {**asdict(t), "lo": lo, "hi": hi, "mlo": mlo, "now": clock.utcnow()}
    db = store.db
    db.register("limits", _arrow(limits))
    try:
        db.begin()
        steps = [sql.HOURS, found, sql.ISLANDS]
        _script(store, [*steps, sql.FILE], params)
        counts = store.run(sql.COUNTS) or (0, 0, 0)
        run = Run(lo, hi, *(int(n) for n in counts))
        store.run(
            "INSERT INTO warning_runs VALUES (?, ?, ?, ?, ?, ?)",
            [params["now"], lo, hi, run.found, run.added, run.extended],
        )
        db.commit()
    except BaseException:
        db.rollback()
        raise
    finally:
        db.unregister("limits")
    return run


def _tables(store: Store) -> None:
    for statement in _statements(sql.TABLES):
        store.run(statement)


def _window(store: Store, since: dt.date | None, t: Thresholds) -> tuple:
    """The first and last hour to judge: from ``since`` less the look-back, but not before
    the first hour stored, to the newest hour stored."""
    if since is None:
        last = store.run("SELECT max(hi) FROM warning_runs")
        since = last[0].date() if last and last[0] else dt.date(1970, 1, 1)
    start = dt.datetime.combine(since, dt.time()) - dt.timedelta(days=t.lookback_days)
    row = store.run(
        "SELECT min(start), max(start) FROM readings WHERE cn = '2061' AND start >= ?", [start]
    )
    return (row[0], row[1]) if row else (None, None)


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _script(store: Store, scripts: Sequence[str], params: dict[str, object]) -> None:
    """Run each statement with the parameters it names."""
    for script in scripts:
        for statement in _statements(script):
            names = set(re.findall(r"\$([a-z_]+)", statement))
            store.run(statement, {k: v for k, v in params.items() if k in names})


_LIMIT_TYPES = {
    "unit_code": pa.string(), "outlet": pa.string(), "mn": pa.string(), "code": pa.string(),
    "limit_max": pa.float64(), "limit_min": pa.float64(), "averaging": pa.string(),
    "gas": pa.bool_(),
}  # fmt: skip


def _arrow(limits: Sequence[Limit]) -> pa.Table:
    """The limits with the number of each series (``sid``, what the rules' windows sort by)."""
    names = [f.name for f in fields(Limit)]
    columns = {n: pa.array([getattr(x, n) for x in limits], _LIMIT_TYPES[n]) for n in names}
    return pa.table({"sid": pa.array(range(len(limits)), pa.int32()), **columns})


def warnings(store: Store) -> list[dict]:
    """Every warning of the store as the file writes it, ordered by id."""
    _tables(store)
    return [_record(row) for row in store.query(sql.EVERY)]


def _record(row: tuple) -> dict:
    (id_, rule_id, unit, outlet, mn, code, high, low, averaging) = row[:9]
    first, last, revision, hours, peak, lowest, values = row[9:]
    rule = BY_ID[rule_id]
    return {
        "id": id_,
        "rule": rule_id,
        "kind": rule.kind,
        "title": rule.title,
        "reason": rule.reason,
        "unit_code": unit,
        "outlet": outlet,
        "mn": mn,
        "code": code,
        "pollutant": POLLUTANTS.get(code, code),
        "limit": {"max": high, "min": low, "averaging": averaging},
        "first": first,
        "last": last,
        "revision": revision,
        "evidence": {
            "hours": int(hours),
            "max": peak,
            "min": lowest,
            "values": [_value(v) for v in values[:FILE_VALUES]],
        },
    }


def _value(item: dict) -> dict:
    return {k: v for k, v in item.items() if v is not None}


def write_warnings(records: Iterable[dict], path: Path) -> int:
    """Write the warnings file (JSON lines, keys sorted: same store, same bytes); how many."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    count = 0
    with part.open("w", encoding="utf-8", newline="\n") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    part.replace(path)
    return count
