"""Daily values from the store: valid hours only, the limit with its averaging period, shares
of valid hours, exceedance days, the data-as-of from the data, quarters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.monitoring.daily import MIN_DAY_HOURS, PERIODS, public_monitoring
from generator.pages.automatic import AutoSeries

from .public_helpers import (
    DAY,
    START,
    fill,
    first_code,
    hours,
    limit_of,
    monitored_units,
    sample_site,
)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("public")
    return sample_site(tmp)[1]


def series_of(site, db: Path, unit, code: str) -> AutoSeries:
    shown = public_monitoring(site, db).units[unit.code]
    return next(s for s in shown.series if s.code == code)


def water_and_gas(site):
    units = monitored_units(site)
    water = next(u for u in units if any(PERIODS.get(c) == "day" for c in codes(u)))
    gas = next(u for u in units if any(PERIODS.get(c) == "hour" for c in codes(u)))
    return water, gas


def codes(unit):
    from generator.monitoring.daily import monitored

    return [c for _, p, c in monitored(unit) if p.limit_max is not None]


def test_daily_mean_counts_valid_hours_only(sample, tmp_path: Path) -> None:
    unit, _ = water_and_gas(sample)
    code = next(c for c in codes(unit) if PERIODS[c] == "day")
    limit = limit_of(unit, code)
    # 20 normal hours at half the limit, 4 maintenance hours far above it.
    values = [limit / 2] * 20 + [limit * 10] * 4
    fill(tmp_path / "m.duckdb", hours(unit, START, 24, values, ["N"] * 20 + ["M"] * 4, only=code))
    s = series_of(sample, tmp_path / "m.duckdb", unit, code)
    assert s.days == (START.date(),) and s.valid_hours == (20,)
    assert s.means[0] == pytest.approx(limit / 2) and s.exceeded == (False,)
    assert s.latest == START + dt.timedelta(hours=23)


def test_a_day_with_too_few_valid_hours_has_no_mean_and_no_day_exceedance(sample, tmp_path):
    unit, _ = water_and_gas(sample)
    code = next(c for c in codes(unit) if PERIODS[c] == "day")
    few = MIN_DAY_HOURS - 1
    flags = ["N"] * few + ["D"] * (24 - few)
    fill(tmp_path / "m.duckdb", hours(unit, START, 24, limit_of(unit, code) * 3, flags, only=code))
    s = series_of(sample, tmp_path / "m.duckdb", unit, code)
    assert s.means == (None,) and s.valid_hours == (few,) and s.exceeded == (False,)


def test_day_limit_is_judged_on_the_daily_mean(sample, tmp_path: Path) -> None:
    unit, _ = water_and_gas(sample)
    code = next(c for c in codes(unit) if PERIODS[c] == "day")
    limit = limit_of(unit, code)
    # Day 1: one hour far over the limit but the mean under it; day 2: the mean over it.
    day1 = [limit * 0.5] * 23 + [limit * 5]
    day2 = [limit * 1.2] * 24
    fill(tmp_path / "m.duckdb", hours(unit, START, 48, day1 + day2, only=code))
    s = series_of(sample, tmp_path / "m.duckdb", unit, code)
    assert s.exceeded == (False, True)
    assert (s.month_exceed_days, s.year_exceed_days, s.window_exceed_days) == (1, 1, 1)


def test_hour_limit_counts_a_day_with_one_valid_hour_over(sample, tmp_path: Path) -> None:
    _, unit = water_and_gas(sample)
    code = next(c for c in codes(unit) if PERIODS[c] == "hour")
    limit = limit_of(unit, code)
    # Day 1: one valid hour over; day 2: one hour over flagged as calibration (not counted).
    values = [limit * 0.3] * 23 + [limit * 1.5] + [limit * 0.3] * 23 + [limit * 1.5]
    flags = ["N"] * 47 + ["C"]
    fill(tmp_path / "m.duckdb", hours(unit, START, 48, values, flags, only=code))
    s = series_of(sample, tmp_path / "m.duckdb", unit, code)
    assert s.exceeded == (True, False)


def test_flue_gas_is_judged_on_the_corrected_concentration(sample, tmp_path: Path) -> None:
    _, unit = water_and_gas(sample)
    code = next(c for c in codes(unit) if PERIODS[c] == "hour")
    limit = limit_of(unit, code)
    fill(tmp_path / "m.duckdb", hours(unit, START, 24, limit * 0.8, zs=limit * 1.1, only=code))
    s = series_of(sample, tmp_path / "m.duckdb", unit, code)
    assert s.exceeded == (True,) and s.means[0] == pytest.approx(limit * 1.1)


def test_shares_of_valid_hours_by_month_and_year_to_the_data_as_of(sample, tmp_path: Path):
    unit, _ = water_and_gas(sample)
    code = first_code(unit)
    # Jan 1 to Apr 10 23:00: every hour sent; January all maintenance, April 1-10 half
    # stopped (F: not due), the rest normal.
    first = dt.datetime(2026, 1, 1)
    total = int((dt.datetime(2026, 4, 11) - first) / dt.timedelta(hours=1))
    jan = 31 * 24
    april = 10 * 24
    flags = ["M"] * jan + ["N"] * (total - jan - april) + ["F", "N"] * (april // 2)
    fill(tmp_path / "m.duckdb", hours(unit, first, total, 1.0, flags, only=code))
    s = series_of(sample, tmp_path / "m.duckdb", unit, code)
    assert s.latest == dt.datetime(2026, 4, 10, 23)
    assert s.month_valid == pytest.approx(1.0)  # the stopped hours are not due
    valid = total - jan - april // 2
    assert s.year_valid == pytest.approx(round(valid / (total - april // 2), 4))
    assert len(s.days) == 90 and s.days[-1] == dt.date(2026, 4, 10)


def test_data_as_of_is_each_units_newest_hour(sample, tmp_path: Path) -> None:
    a, b = monitored_units(sample)[:2]
    fill(tmp_path / "m.duckdb", hours(a, START, 30) + hours(b, START, 5))
    public = public_monitoring(sample, tmp_path / "m.duckdb")
    assert public.units[a.code].as_of == START + dt.timedelta(hours=29)
    assert public.units[b.code].as_of == START + dt.timedelta(hours=4)
    assert public.as_of == START + dt.timedelta(hours=29)


def test_exceedance_days_by_quarter(sample, tmp_path: Path) -> None:
    unit, _ = water_and_gas(sample)
    code = next(c for c in codes(unit) if PERIODS[c] == "day")
    high = limit_of(unit, code) * 2
    values = hours(unit, dt.datetime(2026, 1, 5), 48, high, only=code)  # 2 days in Q1
    values += hours(unit, dt.datetime(2026, 4, 5), 24, high / 10, only=code)  # Q2 within
    fill(tmp_path / "m.duckdb", values)
    shown = public_monitoring(sample, tmp_path / "m.duckdb").units[unit.code]
    assert dict(shown.quarter_days) == {"2026Q1": 2, "2026Q2": 0}


def test_no_store_file_or_no_data_shows_and_rates_nothing(sample, tmp_path: Path) -> None:
    public = public_monitoring(sample, tmp_path / "none.duckdb")
    assert public.as_of is None and not (tmp_path / "none.duckdb").exists()
    assert public.units == {} and public.method
    fill(tmp_path / "empty.duckdb", [])
    assert public_monitoring(sample, tmp_path / "empty.duckdb").units == {}


def test_a_unit_that_should_send_and_sent_nothing_is_rated_on_it(sample, tmp_path: Path):
    a, b = monitored_units(sample)[:2]
    fill(tmp_path / "m.duckdb", hours(a, START, 24))
    shown = public_monitoring(sample, tmp_path / "m.duckdb").units[b.code]
    assert shown.series == () and shown.as_of is None
    assert shown.rating is not None and shown.rating.grade == "red"


def test_values_of_other_outlets_and_daily_frames_are_not_counted(sample, tmp_path: Path):
    unit, _ = water_and_gas(sample)
    code = first_code(unit)
    day_frames = [v for v in hours(unit, START, 1, 999.0, only=code)]
    daily = [type(v)(**{**_fields(v), "cn": "2031"}) for v in day_frames]
    fill(tmp_path / "m.duckdb", hours(unit, START, 24, 1.0, only=code) + daily)
    s = series_of(sample, tmp_path / "m.duckdb", unit, code)
    assert s.means == (pytest.approx(1.0),) and s.valid_hours == (24,)
    assert START + DAY > s.latest


def _fields(value) -> dict:
    return {name: getattr(value, name) for name in value.__dataclass_fields__}
