"""Helpers of the public monitoring tests: sample content, hourly values into a real store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from generator import clock
from generator.content.model import Site, Unit
from generator.content.readers import load_site
from generator.monitoring.checks import Value
from generator.monitoring.daily import monitored
from generator.monitoring.store import Store
from generator.sample import AS_OF as SAMPLE_AS_OF
from generator.sample import write_sample

#: The first hour of the tests' data (China time); the tests' clock stands after it.
START = dt.datetime(2026, 4, 1)
DAY = dt.timedelta(days=1)


def sample_site(tmp: Path, units: int = 30, seed: int = 5) -> tuple[Path, Site]:
    """Sample content in ``tmp``/content and the site loaded from it, checked and judged as on
    the sample's as-of date (whatever the calendar says)."""
    content = tmp / "content"
    write_sample(content, units, seed=seed)
    with clock.travel(SAMPLE_AS_OF):
        site = load_site(content)
        assert site.judged_on == SAMPLE_AS_OF
    return content, site


def monitored_units(site: Site) -> list[Unit]:
    """The units with automatically monitored pollutants, by code."""
    return sorted((u for u in site.units if list(monitored(u))), key=lambda u: u.code)


def hours(
    unit: Unit,
    first: dt.datetime,
    count: int,
    value: float | Iterable[float] = 1.0,
    flag: str | Iterable[str] = "N",
    zs: float | None = None,
    only: str | None = None,
) -> list[Value]:
    """Hourly values of every monitored series of ``unit`` (or of code ``only``) from ``first``:
    ``value`` and ``flag`` constant or one per hour."""
    values = list(value) if not isinstance(value, float | int) else [float(value)] * count
    flags = [flag] * count if isinstance(flag, str) else list(flag)
    found = []
    for outlet, _, code in monitored(unit):
        if only is not None and code != only:
            continue
        for n in range(count):
            start = first + dt.timedelta(hours=n)
            found.append(Value(outlet.mn, "2061", start, code, unit.code, outlet.code,
                               values[n], None, None, zs, flags[n], f"test:{n + 1}"))  # fmt: skip
    return found


def fill(path: Path, values: list[Value]) -> None:
    """Merge ``values`` into the store at ``path`` (created if missing)."""
    with Store(path) as store:
        store.merge(values)


def limit_of(unit: Unit, code: str) -> float:
    """The upper limit of the unit's first series with ``code``."""
    for _, pollutant, found in monitored(unit):
        if found == code and pollutant.limit_max is not None:
            return pollutant.limit_max
    raise LookupError(code)


def first_code(unit: Unit) -> str:
    """The code of the unit's first monitored series that has an upper limit."""
    return next(c for _, p, c in monitored(unit) if p.limit_max is not None)
