"""A year of hourly HJ 212 frames for the sample's monitored outlets, with injected faults.

``yimatong sample --monitoring-year DIR`` writes, beside the content, one file of hourly frames
a month (``hourly-YYYY-MM.txt``, built with ``protocol.data_frame``) and the truth of what was
injected (``faults.jsonl``): which rule each fault must raise (``expect``) and which it may
raise too (``allow``), where and when. Around the faults the data are honest: values well
inside the limit, a few maintenance hours a month, a few one- or two-hour gaps, corrected
concentrations above the measured ones. bench/monitoring_rules.py measures the rules on it.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from generator.content.codes import outlet_kind
from generator.monitoring.protocol import data_frame
from generator.monitoring.rules import CODE_OF, averaging_of

HOURS = 365 * 24
#: Faults an outlet may get, by element (corrected concentrations are sent for flue gas only).
KINDS = ("exceed", "sustained", "flatline", "zeros", "gap", "flags")
GAS_KINDS = (*KINDS, "corrected_below")
SILENT_SHARE = 0.05


@dataclass(frozen=True, slots=True)
class Series:
    """A pollutant an outlet sends, with its limit."""

    code: str
    limit_max: float | None
    limit_min: float | None
    averaging: str


@dataclass(frozen=True, slots=True)
class Station:
    """A monitored outlet of the sample: where it is and what it sends."""

    unit_code: str
    outlet: str
    mn: str
    gas: bool
    series: tuple[Series, ...]


@dataclass(frozen=True, slots=True)
class Fault:
    """One injected fault: the rules it must and may raise, where, first and last hour."""

    fault: str
    expect: tuple[str, ...]
    allow: tuple[str, ...]
    unit_code: str
    outlet: str
    mn: str
    code: str
    first: str
    last: str


@dataclass
class Year:
    """One station's year: values, corrected values and flags per code, hours sent."""

    first: dt.datetime
    avg: dict[str, list[float]]
    zs: dict[str, list[float]]
    flag: dict[str, list[str]]
    sent: list[bool]
    faults: list[Fault] = field(default_factory=list)
    #: Hours of the faults injected so far (a later fault flags none of them).
    busy: set[int] = field(default_factory=set)


def stations(records: Iterable[dict]) -> list[Station]:
    """The outlets of ``records`` with an MN and automatically monitored pollutants."""
    found = []
    for record in records:
        for outlet in record.get("outlets", []):
            kind = outlet_kind(outlet["code"])
            series = tuple(
                Series(
                    CODE_OF[p["name"]],
                    p.get("limit_max"),
                    p.get("limit_min"),
                    averaging_of(p.get("standard", ""), kind),
                )  # fmt: skip
                for p in outlet["pollutants"]
                if p.get("method") == "automatic" and p["name"] in CODE_OF
            )
            if outlet.get("mn") and series:
                code = record["fixed_source_code"]
                found.append(Station(code, outlet["code"], outlet["mn"], kind == "gas", series))
    return found


def _honest(station: Station, first: dt.datetime, hours: int, rng: random.Random) -> Year:
    """``hours`` of honest data of the station."""
    year = Year(first, {}, {}, {}, [True] * hours)
    for s in station.series:
        low, high, scale = (6.6, 8.4, 1.0) if s.limit_min is not None else (0.2, 0.7, 1.0)
        scale = 1.0 if s.limit_min is not None else (s.limit_max or 10.0)
        values, last = [], None
        for _ in range(hours):
            value = round(rng.uniform(low, high) * scale, 2)
            value = value + 0.01 if value == last else value
            values.append(value)
            last = value
        year.avg[s.code] = values
        year.zs[s.code] = [round(v * rng.uniform(1.1, 1.4), 2) for v in values]
        flags = ["N"] * hours
        for n in rng.sample(range(hours), hours // 730 * rng.randint(3, 10)):
            flags[n] = rng.choice("MC")
        year.flag[s.code] = flags
    for n in rng.sample(range(1, hours - 2), hours // 292):
        length = rng.choice((1, 2))
        year.sent[n : n + length] = [False] * length
    return year


def _clean(year: Year, start: int, stop: int) -> None:
    """Hours of a fault: sent, flagged normal, for every code."""
    year.sent[start:stop] = [True] * (stop - start)
    year.busy.update(range(start, stop))
    for flags in year.flag.values():
        flags[start:stop] = ["N"] * (stop - start)


def _above(s: Series, rng: random.Random, low: float, high: float) -> float:
    if s.limit_max is None:
        return round((s.limit_min or 1.0) * rng.uniform(0.2, 0.5), 2)
    return round(s.limit_max * rng.uniform(low, high), 2)


def _inject(station: Station, year: Year, kind: str, start: int, rng: random.Random) -> None:
    """Inject one fault of ``kind`` from hour ``start`` on and record its truth."""
    s = rng.choice([x for x in station.series if kind != "corrected_below" or station.gas])
    expect: tuple[str, ...] = (kind,)
    allow: tuple[str, ...] = ()
    if kind == "exceed" and s.averaging == "day":
        start, length = start - start % 24, 24
        _set(station, year, s, start, length, lambda: _above(s, rng, 1.1, 1.5))
        expect = ("exceed", "sustained")
    elif kind == "exceed":
        length = rng.randint(1, 3)
        _set(station, year, s, start, length, lambda: _above(s, rng, 1.2, 2.0))
    elif kind == "sustained":
        length = rng.randint(4, 12 if s.averaging == "hour" else 6)
        _set(station, year, s, start, length, lambda: _above(s, rng, 1.2, 1.5))
        expect, allow = (("exceed", "sustained"), ()) if s.averaging == "hour" else (
            ("sustained",), ("exceed",))  # fmt: skip
    elif kind == "flatline":
        length, value = rng.randint(6, 20), year.avg[s.code][start]
        _set(station, year, s, start, length, lambda: value)
    elif kind == "zeros":
        length, value = rng.randint(4, 12), rng.choice((0.0, -round(rng.uniform(0.01, 0.5), 2)))
        _set(station, year, s, start, length, lambda: value, zs_factor=1.0)
        allow = ("exceed", "sustained") if s.limit_min is not None else ()
    elif kind == "corrected_below":
        length = rng.randint(3, 12)
        _set(station, year, s, start, length, None, zs_factor=rng.uniform(0.6, 0.9))
    elif kind == "gap":
        _gap(station, year, start, rng)
        return
    else:
        _flags(station, year, s, start, rng)
        return
    _truth(station, year, kind, expect, allow, s.code, start, start + length - 1)


def _set(
    station: Station,
    year: Year,
    s: Series,
    start: int,
    length: int,
    value: Callable[[], float] | None,
    zs_factor: float | None = None,
) -> None:
    """Hours ``start`` .. of series ``s``: ``value()`` each (or as they are), corrected
    concentrations ``zs_factor`` times the value (or, for flue gas, judged at the value)."""
    _clean(year, start, start + length)
    for n in range(start, start + length):
        avg = value() if value is not None else year.avg[s.code][n]
        year.avg[s.code][n] = round(avg / 1.25, 2) if station.gas and zs_factor is None else avg
        year.zs[s.code][n] = avg if zs_factor is None else round(avg * zs_factor, 2)
        if zs_factor is not None and zs_factor < 1.0 and year.zs[s.code][n] >= avg:
            year.zs[s.code][n] = round(avg - 0.01, 2)


def _gap(station: Station, year: Year, start: int, rng: random.Random) -> None:
    """The logger sends nothing (or only communication faults) for 6 to 36 hours."""
    length = rng.randint(6, 36)
    _clean(year, start - 1, start + length + 1)
    if rng.random() < 0.5:
        year.sent[start : start + length] = [False] * length
    else:
        for flags in year.flag.values():
            flags[start : start + length] = ["B"] * length
    for s in station.series:
        _truth(station, year, "gap", ("gap",), (), s.code, start, start + length - 1)


def _flags(station: Station, year: Year, s: Series, start: int, rng: random.Random) -> None:
    """80 to 150 hours of one month flagged maintenance, calibration or set by hand."""
    when = year.first + dt.timedelta(hours=start)
    month = dt.datetime(when.year, when.month, 1)
    following = dt.datetime(when.year + when.month // 12, when.month % 12 + 1, 1)
    lo = max(0, int((month - year.first).total_seconds() // 3600))
    hi = min(len(year.sent), int((following - year.first).total_seconds() // 3600))
    free = [n for n in range(lo, hi) if n not in year.busy]
    for n in rng.sample(free, min(len(free), rng.randint(80, 150))):
        year.flag[s.code][n] = rng.choice("MCS")
        year.sent[n] = True
    _truth(station, year, "flags", ("flags",), (), s.code, lo, hi - 1)


def _truth(
    station: Station,
    year: Year,
    kind: str,
    expect: tuple[str, ...],
    allow: tuple[str, ...],
    code: str,
    first: int,
    last: int,
) -> None:
    at = [f"{year.first + dt.timedelta(hours=n):%Y-%m-%dT%H:%M}" for n in (first, last)]
    fault = Fault(kind, expect, allow, station.unit_code, station.outlet, station.mn, code, *at)
    year.faults.append(fault)


def station_year(
    station: Station,
    first: dt.datetime,
    seed: int,
    hours: int = HOURS,
    kinds: Sequence[str] | None = None,
) -> Year | None:
    """The station's ``hours`` from ``first`` with their faults (``kinds``, one after the
    other, or drawn at random); None for a station that sends nothing."""
    rng = random.Random(f"{seed}/{station.mn}")
    if kinds is None and rng.random() < SILENT_SHARE:
        return None
    year = _honest(station, first, hours, rng)
    if kinds is None:
        drawn = GAS_KINDS if station.gas else KINDS
        kinds = [rng.choice(drawn) for _ in range(rng.choice((0, 1, 2, 3, 3, 4)))]
    width = hours // max(len(kinds), 1)
    planned = [(kind, n * width + rng.randint(72, width - 112)) for n, kind in enumerate(kinds)]
    # Flags last: they flag no hour of another fault.
    for kind, start in sorted(planned, key=lambda p: p[0] == "flags"):
        _inject(station, year, kind, start, rng)
    return year


def frames_of(station: Station, year: Year, lo: int, hi: int) -> Iterable[str]:
    """The hourly frames of hours ``lo`` .. ``hi - 1`` of the station's year."""
    st = "31" if station.gas else "32"
    for n in range(lo, hi):
        if not year.sent[n]:
            continue
        readings: dict[str, dict[str, object]] = {}
        for s in station.series:
            one: dict[str, object] = {"Avg": year.avg[s.code][n]}
            if station.gas:
                one["ZsAvg"] = year.zs[s.code][n]
            one["Flag"] = year.flag[s.code][n]
            readings[s.code] = one
        yield data_frame(station.mn, year.first + dt.timedelta(hours=n), readings, st=st)


def write_monitoring_year(out: Path, records: Sequence[dict], as_of: dt.date, seed: int) -> int:
    """Write the year before ``as_of`` of every monitored outlet of ``records`` and the truth;
    the number of frames written."""
    out.mkdir(parents=True, exist_ok=True)
    first = dt.datetime.combine(as_of, dt.time()) - dt.timedelta(hours=HOURS)
    years, truth = [], []
    for station in stations(records):
        year = station_year(station, first, seed)
        if year is None:
            end = f"{first + dt.timedelta(hours=HOURS - 1):%Y-%m-%dT%H:%M}"
            for s in station.series:
                truth.append(Fault("silent", ("silent",), (), station.unit_code, station.outlet,
                                   station.mn, s.code, f"{first:%Y-%m-%dT%H:%M}", end))  # fmt: skip
            continue
        years.append((station, year))
        truth.extend(year.faults)
    count = 0
    for lo, hi, name in _months(first):
        with (out / name).open("w", encoding="ascii", newline="") as handle:
            for station, year in years:
                for line in frames_of(station, year, lo, hi):
                    handle.write(line)
                    count += 1
    with (out / "faults.jsonl").open("w", encoding="utf-8", newline="\n") as handle:
        for fault in truth:
            handle.write(json.dumps(asdict(fault), ensure_ascii=False, sort_keys=True) + "\n")
    return count


def _months(first: dt.datetime) -> list[tuple[int, int, str]]:
    """Hour ranges of the calendar months of the year from ``first``, with their file names."""
    found, n = [], 0
    while n < HOURS:
        when = first + dt.timedelta(hours=n)
        following = dt.datetime(when.year + when.month // 12, when.month % 12 + 1, 1)
        stop = min(HOURS, int((following - first).total_seconds() // 3600))
        found.append((n, stop, f"hourly-{when:%Y-%m}.txt"))
        n = stop
    return found
