"""Daily values, valid-hour shares, exceedance days and ratings of automatically monitored
units, from the store's hourly data and the content's limits (docs/monitoring.md, "Public").

The figures are computed in the store's SQL (``Store.public_days``); this module says which
series there are (content), the averaging period of each limit (``PERIODS``) and turns the
store's rows into the plain records the pages show (generator/pages/automatic.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import groupby
from pathlib import Path

import pyarrow as pa

from generator.content.model import Method, Outlet, OutletPollutant, Site, Unit
from generator.monitoring.codes import POLLUTANTS
from generator.monitoring.rating import Facts, load_method, rate
from generator.monitoring.store import PublicRows, Store
from generator.pages.automatic import AutoSeries, MethodRow, PublicMonitoring, UnitMonitoring
from generator.pages.views.common import digest

#: The averaging period each code's limit applies to: "hour" (a valid hourly mean over the
#: limit makes an exceedance day) or "day" (the daily mean of valid hours). Unconfirmed
#: (DOMAIN.md): flue gas after GB 13223 / HJ 75-2017 hourly means, wastewater daily means.
PERIODS = {
    "a21026": "hour", "a21002": "hour", "a34013": "hour",
    "w01018": "day", "w21003": "day", "w01001": "day", "w21011": "day", "w21001": "day",
}  # fmt: skip
#: Gas pollutants judged on the concentration corrected to reference O2 (ZsAvg) when sent.
CORRECTED = frozenset({"a21026", "a21002", "a34013"})
#: Valid hours a day needs for a daily mean (HJ 75-2017: 20 valid hourly means; unconfirmed
#: for wastewater, the same is used).
MIN_DAY_HOURS = 20
#: The unit page shows this many days to the unit's data-as-of.
WINDOW_DAYS = 90
#: The compliance history covers this many quarters.
QUARTERS = 12

_CODES = {name: code for code, name in POLLUTANTS.items()}
_LIMIT_SCHEMA = pa.schema(
    [("unit_code", pa.string()), ("outlet", pa.string()), ("code", pa.string()),
     ("limit_min", pa.float64()), ("limit_max", pa.float64()), ("hourly", pa.bool_()),
     ("corrected", pa.bool_())]
)  # fmt: skip

Key = tuple[str, str, str]


def monitored(unit: Unit) -> Iterator[tuple[Outlet, OutletPollutant, str]]:
    """Each automatically monitored pollutant of ``unit`` with its HJ 212 code."""
    for outlet in unit.outlets:
        for pollutant in outlet.pollutants:
            code = _CODES.get(pollutant.name)
            if pollutant.method is Method.AUTOMATIC and code in PERIODS:
                yield outlet, pollutant, code


def limits_table(site: Site) -> tuple[pa.Table, dict[Key, OutletPollutant]]:
    """The series the pages show (unit, outlet, code) with their limits, as Arrow."""
    found: dict[Key, OutletPollutant] = {}
    for unit in site.units:
        for outlet, pollutant, code in monitored(unit):
            found.setdefault((unit.fixed_source_code, outlet.code, code), pollutant)
    columns: list[list] = [[] for _ in _LIMIT_SCHEMA.names]
    for (unit_code, outlet_code, code), p in found.items():
        row = (unit_code, outlet_code, code, p.limit_min, p.limit_max, PERIODS[code] == "hour",
               code in CORRECTED)  # fmt: skip
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    return pa.table(columns, schema=_LIMIT_SCHEMA), found


def strip_start(day: dt.date, quarters: int = QUARTERS) -> dt.date:
    """The first day of the compliance history that ends with the quarter of ``day``."""
    index = day.year * 4 + (day.month - 1) // 3 - (quarters - 1)
    return dt.date(index // 4, index % 4 * 3 + 1, 1)


def public_monitoring(
    site: Site, path: Path | str, method_file: Path | None = None
) -> PublicMonitoring:
    """What the site shows of automatic monitoring: from the store at ``path`` and the rating
    method. Without a store file, or with no hourly data in it, no unit is shown or rated
    (nothing was measured); with data, a unit that should send and sent nothing is rated."""
    method = load_method(method_file) if method_file else load_method()
    rows, as_of = None, None
    if Path(path).is_file():
        with Store(path, read_only=True) as store:
            as_of = store.latest_hour()
            if as_of is not None:
                limits, _ = limits_table(site)
                since = min(strip_start(site.judged_on), dt.date(as_of.year - 1, 1, 1))
                start = dt.datetime.combine(since, dt.time())
                rows = store.public_days(limits, start, MIN_DAY_HOURS, WINDOW_DAYS)
    return PublicMonitoring(_units(site, rows, method) if rows else {}, method, as_of)


def _units(
    site: Site, rows: PublicRows | None, method: tuple[MethodRow, ...]
) -> dict[str, UnitMonitoring]:
    """Each unit under automatic monitoring, with its series, rating and quarters."""
    windows = _windows(rows.window) if rows else {}
    counts = _by_key(rows.series) if rows else {}
    quarters = _quarters(rows.quarters) if rows else {}
    found = {}
    for unit in site.units:
        items = list(monitored(unit))
        if items:
            code = unit.fixed_source_code
            series = _unit_series(code, items, counts, windows)
            as_of = max((s.latest for s in series), default=None)
            facts = _facts(items, [counts[(code, s.outlet, s.code)] for s in series], as_of)
            rating = rate(facts, method) if method else None
            found[code] = UnitMonitoring(as_of, tuple(series), rating, quarters.get(code, {}))
    return found


def _unit_series(
    code: str, items: list[tuple[Outlet, OutletPollutant, str]], counts: dict, windows: dict
) -> list[AutoSeries]:
    """The series of one unit that have data (each outlet and code once, content order)."""
    series: list[AutoSeries] = []
    seen: set[tuple[str, str]] = set()
    for outlet, pollutant, pcode in items:
        key = (code, outlet.code, pcode)
        if key in counts and (outlet.code, pcode) not in seen:
            seen.add((outlet.code, pcode))
            series.append(_series(outlet, pollutant, pcode, counts[key], windows.get(key)))
    return series


def _windows(table: pa.Table) -> dict[Key, tuple[tuple, ...]]:
    """The window's days of each series: (days, means, valid hours, exceeded)."""
    cols = [table.column(n).to_pylist() for n in
            ("unit_code", "outlet", "code", "day", "mean", "valid", "exceeded")]  # fmt: skip
    found: dict[Key, tuple[tuple, ...]] = {}
    rows = zip(*cols, strict=True)
    for key, group in groupby(rows, key=lambda r: (r[0], r[1], r[2])):
        found[key] = tuple(zip(*(r[3:] for r in group), strict=True))
    return found


def _by_key(table: pa.Table) -> dict[Key, dict]:
    """The store's counts of each series, by (unit, outlet, code)."""
    return {(r["unit_code"], r["outlet"], r["code"]): r for r in table.to_pylist()}


def _quarters(table: pa.Table) -> dict[str, dict[str, int]]:
    """Exceedance days of each unit by quarter ("2026Q2")."""
    found: dict[str, dict[str, int]] = {}
    for r in table.to_pylist():
        found.setdefault(r["unit_code"], {})[f"{r['year']}Q{r['quarter']}"] = r["exceed_days"]
    return found


def _hours_since(start: dt.datetime, as_of: dt.datetime) -> int:
    """Hours from ``start`` to the hour ``as_of`` included."""
    return int((as_of - start).total_seconds() // 3600) + 1


def _series(
    outlet: Outlet, pollutant: OutletPollutant, code: str, c: dict, window: tuple | None
) -> AutoSeries:
    """One series' record from the store's counts and window."""
    as_of = c["as_of"]
    month = as_of.replace(day=1, hour=0)
    year = month.replace(month=1)
    days, means, valid, exceeded = window or ((), (), (), ())
    return AutoSeries(
        outlet.code, code, pollutant.name, pollutant.unit, pollutant.limit_min,
        pollutant.limit_max, PERIODS[code], c["latest"], tuple(days), tuple(means),
        tuple(valid), tuple(exceeded),
        _valid_share(c["m_valid"], _hours_since(month, as_of) - c["m_stopped"]),
        _valid_share(c["y_valid"], _hours_since(year, as_of) - c["y_stopped"]),
        c["m_exceed_days"], c["y_exceed_days"],
    )  # fmt: skip


def _valid_share(valid: int | None, due: int) -> float:
    return round(min(1.0, (valid or 0) / due), 4) if due > 0 else 0.0


def _facts(items: list, counts: list[dict], as_of: dt.datetime | None) -> Facts:
    """The measured facts of a unit's rating, this year to its data-as-of."""
    outlets = {o.code: o for o, _, _ in items}
    expected = 0
    if as_of is not None:
        year = as_of.replace(month=1, day=1, hour=0)
        expected = _hours_since(year, as_of) * len(items)
    return Facts(
        required_outlets=len(outlets),
        installed_outlets=sum(1 for o in outlets.values() if o.mn),
        expected=expected,
        received=sum(c["y_hours"] or 0 for c in counts),
        stopped=sum(c["y_stopped"] or 0 for c in counts),
        faults=sum(c["y_faults"] or 0 for c in counts),
        valid=sum(c["y_valid"] or 0 for c in counts),
    )


def keys_with_monitoring(keys: dict[str, str], public: PublicMonitoring) -> dict[str, str]:
    """The unit keys with what each unit's pages show of automatic monitoring hashed in,
    so a day's import re-renders only the units whose shown figures changed."""
    found = dict(keys)
    for code, shown in public.units.items():
        if code in found:
            found[code] = digest(found[code], shown)
    return found
