"""Helpers of the rules tests: hourly series put straight into a real store, the rules run."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Sequence
from pathlib import Path

from generator.monitoring.checks import Value
from generator.monitoring.rules import Limit, Thresholds
from generator.monitoring.rules_run import Run, run_rules, warnings
from generator.monitoring.store import Store

UNIT = "91450126MA5L3K2R5Q001P"
WATER_MN = "010000A8900016F000169DC0"
GAS_MN = "010000A8900016F000169DC1"
#: COD of a wastewater outlet (daily limit 50) and SO2 of a flue (hourly limit 100).
COD = Limit(UNIT, "DW001", WATER_MN, "w01018", 50.0, None, "day", False)
SO2 = Limit(UNIT, "DA001", GAS_MN, "a21026", 100.0, None, "hour", True)
PH = Limit(UNIT, "DW001", WATER_MN, "w01001", 9.0, 6.0, "hour", False)
LIMITS = (COD, SO2, PH)
START = dt.datetime(2026, 5, 1)
#: The thresholds as declared (a test must not depend on the environment's overrides).
DEFAULTS = Thresholds(
    daily_valid_hours=20, sustained_hours=4, flatline_hours=6, zero_hours=4, gap_hours=6,
    flag_hours_month=72, corrected_below_hours=3, merge_hours=24, lookback_hours=48,
)  # fmt: skip


def honest(limit: Limit, hours: int, seed: int = 0, first: dt.datetime = START) -> list[dict]:
    """``hours`` honest hours: values well inside the limit, never twice the same in a row."""
    rng = random.Random(f"{limit.code}/{seed}")
    low, high = (6.6, 8.4) if limit.limit_min is not None else (0.2, 0.7)
    scale = 1.0 if limit.limit_min is not None else (limit.limit_max or 10.0)
    found, last = [], None
    for n in range(hours):
        value = last
        while value == last:
            value = round(rng.uniform(low, high) * scale, 2)
        last = value
        zs = round(value * rng.uniform(1.1, 1.4), 2) if limit.gas else None
        found.append({"hour": first + dt.timedelta(hours=n), "avg": value, "zs": zs, "flag": "N"})
    return found


def values_of(limit: Limit, hours: Sequence[dict | None]) -> list[Value]:
    """The store's values of a series (``None``: an hour not sent)."""
    return [
        Value(
            limit.mn,
            "2061",
            h["hour"],
            limit.code,
            limit.unit_code,
            limit.outlet,
            h["avg"],
            None,
            None,
            h.get("zs"),
            h.get("flag", "N"),
            f"test:{n}",
        )  # fmt: skip
        for n, h in enumerate(hours)
        if h is not None
    ]


def store_with(path: Path | str, *series: tuple[Limit, Sequence[dict | None]]) -> Store:
    """A store holding the series."""
    store = Store(path)
    for limit, hours in series:
        store.merge(values_of(limit, hours))
    return store


def judge(
    store: Store,
    limits: Sequence[Limit] = LIMITS,
    since: dt.date | None = None,
    **changes: int,
) -> Run:
    """Run every rule with the declared thresholds (and ``changes``)."""
    return run_rules(store, limits, dataclasses.replace(DEFAULTS, **changes), since)


def found(store: Store, rule: str | None = None) -> list[dict]:
    """The warnings of the store (of ``rule`` only, if given)."""
    return [w for w in warnings(store) if rule is None or w["rule"] == rule]


def hour(n: int) -> str:
    """Hour ``n`` after START as the warnings file writes it."""
    return f"{START + dt.timedelta(hours=n):%Y-%m-%dT%H:%M}"
